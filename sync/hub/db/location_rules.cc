#include "sync/hub/db/location_rules.h"

#include <array>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>

#include "sync/hub/db/tenant_transaction.h"

namespace larder::hub::db {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 7> kDays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

// Minutes after midnight of "HH:MM" (00:00..24:00, as the node reads it), or -1.
int hhmm_minutes(const json& v) {
  if (!v.is_string()) return -1;
  const std::string& s = v.get_ref<const std::string&>();
  if (s.size() != 5 || s[2] != ':') return -1;
  for (std::size_t i : {0u, 1u, 3u, 4u}) {
    if (s[i] < '0' || s[i] > '9') return -1;
  }
  int h = (s[0] - '0') * 10 + (s[1] - '0');
  int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 24 || m > 59 || (h == 24 && m != 0)) return -1;
  return h * 60 + m;
}

std::string type_phrase(const json& v) {
  if (v.is_array()) return "an array";
  if (v.is_string()) return "a string";
  if (v.is_number()) return "a number";
  if (v.is_boolean()) return "a boolean";
  return "null";
}

std::string unknown_zone(const std::string& timezone) {
  return "timezone '" + timezone +
         "' is not an IANA zone name (names are case-sensitive, e.g. Europe/Paris)";
}

std::string dump(const json& v) { return v.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

std::string opening_hours_problem(const std::string& json_text) {
  json hours = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (hours.is_discarded()) {
    return "opening_hours is not JSON: " + json_text.substr(0, 80);
  }
  if (!hours.is_object()) {
    return R"(opening_hours must be an object such as {"mon": [["08:00", "22:00"]]}, not )" +
           type_phrase(hours);
  }
  for (auto it = hours.begin(); it != hours.end(); ++it) {
    const std::string& day = it.key();
    bool known = false;
    for (std::string_view d : kDays) known = known || day == d;
    if (!known) {
      return "opening_hours has the key " + dump(json(day)) +
             "; days are mon, tue, wed, thu, fri, sat, sun";
    }
    const json& spans = it.value();
    if (!spans.is_array()) {
      return "opening_hours." + day + R"( must be an array of ["HH:MM", "HH:MM"] spans, not )" +
             dump(spans);
    }
    for (std::size_t i = 0; i < spans.size(); ++i) {
      const json& span = spans[i];
      const std::string at = "opening_hours." + day + "[" + std::to_string(i) + "]";
      if (!span.is_array() || span.size() != 2) {
        return at + R"( must be ["HH:MM", "HH:MM"], not )" + dump(span);
      }
      int opens = hhmm_minutes(span[0]);
      if (opens < 0 || opens >= 24 * 60) {
        return at + "[0] is " + dump(span[0]) +
               R"(; an opening time is "HH:MM" from 00:00 to 23:59)";
      }
      if (hhmm_minutes(span[1]) < 0) {
        return at + "[1] is " + dump(span[1]) +
               R"(; a closing time is "HH:MM" from 00:00 to 24:00)";
      }
    }
  }
  return "";
}

std::string timezone_name_problem(const std::string& timezone) {
  bool refused = timezone.rfind("posix/", 0) == 0 || timezone.rfind("right/", 0) == 0 ||
                 timezone == "posixrules" || timezone == "Factory" || timezone == "localtime";
  if (!refused) return "";
  return "timezone '" + timezone +
         "' is not accepted: use an IANA zone name such as Europe/Paris"
         " (not posix/..., right/..., posixrules, Factory or localtime)";
}

Result<std::string> timezone_problem(Transaction& tx, const std::string& timezone) {
  std::string problem = timezone_name_problem(timezone);
  if (!problem.empty()) return problem;
  LARDER_ASSIGN_OR_RETURN(
      PgResult r,
      tx.exec("SELECT 1 FROM pg_catalog.pg_timezone_names WHERE name = $1", {timezone}));
  if (r.rows() == 0) {
    return unknown_zone(timezone);
  }
  return std::string();
}

Result<std::vector<LocationProblem>> find_location_problems(PgConnection& conn) {
  // pg_timezone_names reads every zone file (~50 ms): once, not per row.
  LARDER_ASSIGN_OR_RETURN(PgResult zone_rows,
                          conn.exec("SELECT name FROM pg_catalog.pg_timezone_names"));
  std::set<std::string, std::less<>> zones;
  for (int i = 0; i < zone_rows.rows(); ++i) zones.emplace(zone_rows.get(i, 0));
  std::vector<LocationProblem> out;
  LARDER_RETURN_IF_ERROR(
      for_each_listed_tenant(conn, [&](const std::string& tenant, Transaction& tx) -> Status {
        LARDER_ASSIGN_OR_RETURN(
            PgResult r, tx.exec("SELECT id::text, timezone, opening_hours::text FROM locations"
                                " WHERE tenant_id = $1 ORDER BY id",
                                {tenant}));
        for (int i = 0; i < r.rows(); ++i) {
          const std::string timezone(r.get(i, 1));
          std::string problem = timezone_name_problem(timezone);
          if (problem.empty() && zones.count(timezone) == 0) problem = unknown_zone(timezone);
          if (problem.empty()) problem = opening_hours_problem(std::string(r.get(i, 2)));
          if (!problem.empty()) out.push_back({tenant, std::string(r.get(i, 0)), problem});
        }
        return Status::ok();
      }));
  return out;
}

}  // namespace larder::hub::db
