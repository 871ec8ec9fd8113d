#include "node/menu/daypart.h"

#include <doctest/doctest.h>

#include <date/date.h>

namespace larder::menu {
using nlohmann::json;

namespace {

SysTime utc(int y, unsigned m, unsigned d, int hh, int mm) {
  return date::sys_days{date::year{y} / m / d} + std::chrono::hours(hh) + std::chrono::minutes(mm);
}

}  // namespace

TEST_CASE("dayparts parse, and cover their days and times, past midnight included") {
  auto parts = parse_dayparts(json::parse(
      R"([{"days":["mon","tue"],"start":"06:00","end":"11:00"},{"days":["fri"],"start":"22:00","end":"02:00"}])"));
  REQUIRE(parts.is_ok());
  CHECK(active_at(*parts, {0, 6 * 60}));        // Monday 06:00
  CHECK_FALSE(active_at(*parts, {0, 11 * 60}));  // end is exclusive
  CHECK_FALSE(active_at(*parts, {2, 7 * 60}));   // Wednesday
  CHECK(active_at(*parts, {4, 23 * 60}));        // Friday 23:00
  CHECK(active_at(*parts, {5, 60}));             // Saturday 01:00, from Friday
  CHECK_FALSE(active_at(*parts, {5, 2 * 60}));
  CHECK_FALSE(active_at(*parts, {4, 60}));       // Friday 01:00 belongs to Thursday
  CHECK(active_at({}, {3, 0}));                  // no dayparts: always
  auto all_days = parse_dayparts(json::parse(R"([{"start":"00:00","end":"24:00"}])"));
  CHECK(active_at(*all_days, {6, 23 * 60 + 59}));
}

TEST_CASE("an end equal to the start is 24 hours from the start, not an empty span") {
  // Regression: daypart.h said "an end at or before the start runs past
  // midnight", while active_at() skipped start == end as empty, so a location
  // open 00:00-00:00 read as closed all day.
  auto parts = parse_dayparts(json::parse(R"([{"days":["fri"],"start":"22:00","end":"22:00"}])"));
  REQUIRE(parts.is_ok());
  CHECK_FALSE(active_at(*parts, {4, 22 * 60 - 1}));  // Friday 21:59
  CHECK(active_at(*parts, {4, 22 * 60}));            // Friday 22:00
  CHECK(active_at(*parts, {5, 9 * 60}));             // Saturday 09:00
  CHECK(active_at(*parts, {5, 22 * 60 - 1}));        // Saturday 21:59
  CHECK_FALSE(active_at(*parts, {5, 22 * 60}));      // Saturday 22:00: 24 hours are up
  auto all_monday = parse_opening_hours(json::parse(R"({"mon":[["00:00","00:00"]]})"));
  REQUIRE(all_monday.is_ok());
  CHECK(active_at(*all_monday, {0, 0}));
  CHECK(active_at(*all_monday, {0, 24 * 60 - 1}));
  CHECK_FALSE(active_at(*all_monday, {1, 0}));
  CHECK_FALSE(active_at(*all_monday, {6, 23 * 60}));
}

TEST_CASE("bad dayparts and opening hours are refused with the place named") {
  CHECK(parse_dayparts(json::parse(R"([{"days":["funday"],"start":"06:00","end":"11:00"}])"))
            .status()
            .message() == "dayparts[0].days has \"funday\", not mon..sun");
  CHECK(parse_dayparts(json::parse(R"([{"start":"6am","end":"11:00"}])")).status().message() ==
        "dayparts[0].start must be a time HH:MM");
  CHECK(parse_dayparts(json::parse(R"([{"start":"06:00","end":"25:00"}])")).status().message() ==
        "dayparts[0].end must be a time HH:MM");
  CHECK(parse_dayparts(json::object()).status().message() == "dayparts must be an array");
  CHECK(parse_opening_hours(json::parse(R"({"mon":[["08:00"]]})")).status().message() ==
        "opening_hours.mon[0] must be [\"HH:MM\", \"HH:MM\"]");
  auto hours = parse_opening_hours(json::parse(R"({"mon":[["08:00","12:00"],["13:00","22:00"]]})"));
  REQUIRE(hours.is_ok());
  CHECK(active_at(*hours, {0, 9 * 60}));
  CHECK_FALSE(active_at(*hours, {0, 12 * 60 + 30}));
  CHECK_FALSE(active_at(*hours, {1, 9 * 60}));  // Tuesday not listed: closed
  auto closed = parse_opening_hours(json::parse(R"({"mon":[]})"));
  CHECK_FALSE(active_at(*closed, {0, 9 * 60}));
}

TEST_CASE("local time follows the zone, daylight saving included") {
  // 2026-03-29 is the EU change to summer time at 01:00 UTC.
  auto before = local_time("Europe/Berlin", utc(2026, 3, 29, 0, 30));
  auto after = local_time("Europe/Berlin", utc(2026, 3, 29, 1, 30));
  REQUIRE(before.is_ok());
  CHECK(before->weekday == 6);  // Sunday
  CHECK(before->minute == 90);  // 01:30 CET
  CHECK(after->minute == 210);  // 03:30 CEST
  auto ny = local_time("America/New_York", utc(2026, 11, 23, 3, 0));
  CHECK(ny->weekday == 6);  // still Sunday evening in New York
  CHECK(ny->minute == 22 * 60);
  CHECK(local_time("Mars/Olympus", utc(2026, 1, 1, 0, 0)).status().message() ==
        "unknown timezone \"Mars/Olympus\"");
}

TEST_CASE("next_change finds the next start or end in the zone") {
  auto parts = parse_dayparts(json::parse(R"([{"start":"06:00","end":"11:00"}])"));
  // 2026-11-23 04:00 UTC is 05:00 in Berlin: breakfast starts at 05:00 UTC.
  auto next = next_change({*parts}, "Europe/Berlin", utc(2026, 11, 23, 4, 0));
  REQUIRE(next.has_value());
  CHECK(*next == utc(2026, 11, 23, 5, 0));
  next = next_change({*parts}, "Europe/Berlin", utc(2026, 11, 23, 5, 0));
  CHECK(*next == utc(2026, 11, 23, 10, 0));
  CHECK_FALSE(next_change({}, "Europe/Berlin", utc(2026, 11, 23, 5, 0)).has_value());
}

TEST_CASE("next_active finds the next opening, skipping days the location is closed") {
  // 2026-11-23 is a Monday. Open Tuesday 08:00-22:00 and Thursday 10:00-14:00, Berlin time.
  auto hours =
      parse_opening_hours(json::parse(R"({"tue":[["08:00","22:00"]],"thu":[["10:00","14:00"]]})"));
  REQUIRE(hours.is_ok());
  // Monday 12:00 Berlin: next Tuesday 08:00 Berlin = 07:00 UTC, not Monday's 08:00.
  CHECK(next_active(*hours, "Europe/Berlin", utc(2026, 11, 23, 11, 0)) == utc(2026, 11, 24, 7, 0));
  // Tuesday 23:00 Berlin: Thursday 10:00 Berlin.
  CHECK(next_active(*hours, "Europe/Berlin", utc(2026, 11, 24, 22, 0)) == utc(2026, 11, 26, 9, 0));
  // Thursday 15:00 Berlin: the Tuesday after.
  CHECK(next_active(*hours, "Europe/Berlin", utc(2026, 11, 26, 14, 0)) == utc(2026, 12, 1, 7, 0));
  auto never = parse_opening_hours(json::parse(R"({"mon":[]})"));
  CHECK_FALSE(next_active(*never, "Europe/Berlin", utc(2026, 11, 23, 11, 0)).has_value());
  CHECK_FALSE(next_active(*hours, "Mars/Olympus", utc(2026, 11, 23, 11, 0)).has_value());
}

}  // namespace larder::menu
