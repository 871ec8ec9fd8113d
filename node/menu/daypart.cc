#include "node/menu/daypart.h"

#include <date/tz.h>

#include <array>

namespace larder::menu {
namespace {

constexpr std::array<const char*, 7> kDays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

int day_index(const std::string& d) {
  for (int i = 0; i < 7; ++i) {
    if (d == kDays[static_cast<std::size_t>(i)]) return i;
  }
  return -1;
}

// "HH:MM" with 00 <= HH <= 24 and MM < 60; "24:00" only as an end.
int parse_hhmm(const nlohmann::json& v) {
  if (!v.is_string()) return -1;
  const std::string& s = v.get_ref<const std::string&>();
  if (s.size() != 5 || s[2] != ':') return -1;
  for (int i : {0, 1, 3, 4}) {
    if (s[static_cast<std::size_t>(i)] < '0' || s[static_cast<std::size_t>(i)] > '9') return -1;
  }
  int h = (s[0] - '0') * 10 + (s[1] - '0');
  int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 24 || m > 59 || (h == 24 && m != 0)) return -1;
  return h * 60 + m;
}

Result<Daypart> make_daypart(const nlohmann::json& start, const nlohmann::json& end,
                             unsigned mask, const std::string& where) {
  int s = parse_hhmm(start);
  int e = parse_hhmm(end);
  if (s < 0 || s >= 24 * 60) return invalid_argument(where + ".start must be a time HH:MM");
  if (e < 0) return invalid_argument(where + ".end must be a time HH:MM");
  return Daypart{mask, s, e};
}

}  // namespace

Result<std::vector<Daypart>> parse_dayparts(const nlohmann::json& dayparts) {
  std::vector<Daypart> out;
  if (dayparts.is_null()) return out;
  if (!dayparts.is_array()) return invalid_argument("dayparts must be an array");
  for (std::size_t i = 0; i < dayparts.size(); ++i) {
    const auto& d = dayparts[i];
    std::string where = "dayparts[" + std::to_string(i) + "]";
    if (!d.is_object()) return invalid_argument(where + " must be an object");
    unsigned mask = 0x7f;
    if (d.contains("days")) {
      if (!d["days"].is_array()) return invalid_argument(where + ".days must be an array");
      mask = 0;
      for (const auto& day : d["days"]) {
        int idx = day.is_string() ? day_index(day.get<std::string>()) : -1;
        if (idx < 0) return invalid_argument(where + ".days has " + day.dump() + ", not mon..sun");
        mask |= 1u << idx;
      }
    }
    LARDER_ASSIGN_OR_RETURN(Daypart p, make_daypart(d.value("start", nlohmann::json()),
                                                    d.value("end", nlohmann::json()), mask, where));
    out.push_back(p);
  }
  return out;
}

Result<std::vector<Daypart>> parse_opening_hours(const nlohmann::json& hours) {
  std::vector<Daypart> out;
  if (hours.is_null() || (hours.is_object() && hours.empty())) return out;
  if (!hours.is_object()) return invalid_argument("opening_hours must be an object");
  for (auto it = hours.begin(); it != hours.end(); ++it) {
    int idx = day_index(it.key());
    std::string where = "opening_hours." + it.key();
    if (idx < 0) return invalid_argument(where + " is not a day (mon..sun)");
    if (!it->is_array()) return invalid_argument(where + " must be an array of [open, close]");
    for (std::size_t i = 0; i < it->size(); ++i) {
      const auto& span = (*it)[i];
      std::string w = where + "[" + std::to_string(i) + "]";
      if (!span.is_array() || span.size() != 2) {
        return invalid_argument(w + " must be [\"HH:MM\", \"HH:MM\"]");
      }
      LARDER_ASSIGN_OR_RETURN(Daypart p, make_daypart(span[0], span[1], 1u << idx, w));
      out.push_back(p);
    }
  }
  if (out.empty()) {
    // Days listed but no spans: closed all week, which a schedule of nothing
    // cannot say; a span on no day keeps it closed.
    out.push_back(Daypart{0, 0, 0});
  }
  return out;
}

Result<LocalTime> local_time(const std::string& timezone, SysTime when) {
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(timezone);
  } catch (const std::exception&) {
    return invalid_argument("unknown timezone \"" + timezone + "\"");
  }
  auto local = zone->to_local(when);
  auto day = date::floor<date::days>(local);
  date::weekday wd{day};
  LocalTime t;
  t.weekday = static_cast<int>((wd.c_encoding() + 6) % 7);  // Monday = 0
  t.minute = static_cast<int>(
      std::chrono::duration_cast<std::chrono::minutes>(local - day).count());
  return t;
}

bool active_at(const std::vector<Daypart>& dayparts, LocalTime t) {
  if (dayparts.empty()) return true;
  const int yesterday = (t.weekday + 6) % 7;
  for (const Daypart& d : dayparts) {
    const bool today = (d.days_mask >> t.weekday) & 1u;
    if (d.start_minute < d.end_minute) {
      if (today && t.minute >= d.start_minute && t.minute < d.end_minute) return true;
      continue;
    }
    // Past midnight (start == end: 24 hours): the evening part belongs to
    // today, the morning part to yesterday.
    if (today && t.minute >= d.start_minute) return true;
    if (((d.days_mask >> yesterday) & 1u) && t.minute < d.end_minute) return true;
  }
  return false;
}

std::optional<SysTime> next_change(const std::vector<std::vector<Daypart>>& schedules,
                                   const std::string& timezone, SysTime now) {
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(timezone);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  auto local_now = zone->to_local(now);
  auto today = date::floor<date::days>(local_now);
  std::optional<SysTime> best;
  for (const auto& schedule : schedules) {
    for (const Daypart& d : schedule) {
      for (int day = 0; day <= 8; ++day) {
        for (int minute : {d.start_minute, d.end_minute}) {
          auto local = today + date::days(day) + std::chrono::minutes(minute);
          // A local time skipped by a DST change maps to the transition; a
          // repeated one to its earlier instant.
          SysTime at = std::chrono::time_point_cast<std::chrono::seconds>(
              zone->to_sys(local, date::choose::earliest));
          if (at > now && (!best || at < *best)) best = at;
        }
      }
    }
  }
  return best;
}

std::optional<SysTime> next_active(const std::vector<Daypart>& schedule,
                                   const std::string& timezone, SysTime now) {
  // Steps from boundary to boundary: next_change() proposes every start and
  // end on every day, whichever days a span is on, so most are not openings.
  const SysTime horizon = now + date::days(8);
  for (std::optional<SysTime> at = next_change({schedule}, timezone, now); at && *at <= horizon;
       at = next_change({schedule}, timezone, *at)) {
    auto local = local_time(timezone, *at);
    if (!local.is_ok()) return std::nullopt;
    if (active_at(schedule, *local)) return at;
  }
  return std::nullopt;
}

}  // namespace larder::menu
