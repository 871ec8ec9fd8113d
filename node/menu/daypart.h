// Dayparts and opening hours: is a weekly schedule active at a local time?
//
// A daypart is {"days":["mon",...], "start":"HH:MM", "end":"HH:MM"}: active on
// the listed weekdays (all seven when "days" is absent) from start (inclusive)
// to end (exclusive), in the location's timezone. An end at or before the start
// runs past midnight into the next day (22:00-02:00 on "fri" covers Friday
// 22:00 to Saturday 02:00); so an end equal to the start is 24 hours from the
// start (00:00-00:00 on "mon" is all of Monday, 22:00-22:00 runs to Tuesday
// 22:00), never an empty span: "closed" is said by leaving the day out (or,
// for opening hours, by an empty list). A menu with no dayparts is active all
// the time. Opening hours are the same idea keyed by weekday:
// {"mon":[["08:00","22:00"]], ...}; no entry at all means always open, and
// days listed with no spans at all (e.g. {"mon":[]}) mean closed all week.
//
// Local times come from the IANA database (Howard Hinnant's date/tz over
// /usr/share/zoneinfo), so daylight-saving changes are handled.
//
// Thread safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace larder::menu {

using SysTime = std::chrono::time_point<std::chrono::system_clock, std::chrono::seconds>;

struct Daypart {
  unsigned days_mask = 0x7f;  // bit 0 = Monday ... bit 6 = Sunday
  int start_minute = 0;       // minutes after local midnight
  int end_minute = 24 * 60;
};

// Parses a menu's "dayparts" JSON array; kInvalidArgument names the bad entry.
Result<std::vector<Daypart>> parse_dayparts(const nlohmann::json& dayparts);
// Parses a location's "opening_hours" object into the same form.
Result<std::vector<Daypart>> parse_opening_hours(const nlohmann::json& hours);

// Local weekday (0 = Monday) and minute of day for a UTC instant in a zone.
struct LocalTime {
  int weekday = 0;
  int minute = 0;
};
Result<LocalTime> local_time(const std::string& timezone, SysTime when);

// True when any daypart covers the local time; true for an empty list.
bool active_at(const std::vector<Daypart>& dayparts, LocalTime t);

// The first instant after `now` at which active_at() may change for any of
// the schedules (a start or an end), looking ahead up to 8 days; nullopt when
// nothing changes in that window (e.g. no schedules).
std::optional<SysTime> next_change(const std::vector<std::vector<Daypart>>& schedules,
                                   const std::string& timezone, SysTime now);

// The first instant after `now` at which the schedule is active (for opening
// hours: when the location next opens), looking ahead up to 8 days; nullopt
// when it is not active in that window or the timezone is unknown. Meant for
// a schedule that is not active at `now`.
std::optional<SysTime> next_active(const std::vector<Daypart>& schedule,
                                   const std::string& timezone, SysTime now);

}  // namespace larder::menu
