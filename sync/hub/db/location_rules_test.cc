// The hub refuses a location larder-node could not read, wherever it is
// written: the C++ rules (location_rules.h, the admin CLI), the SQL trigger
// of migration 006 (every writer), and the node's own parser
// (node/menu/daypart.h) must agree. Regression for: opening_hours
// {"monday": ...}, "25:00" or "8:00", and the timezones posixrules, Factory
// and posix/Europe/Paris were stored, and the node's menu then failed.
#include "sync/hub/db/location_rules.h"

#include <doctest/doctest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <vector>

#include "node/menu/daypart.h"
#include "sync/hub/db/migrations.h"
#include "sync/hub/db/ops_test_fixture.h"
#include "sync/hub/db/pg_error.h"

namespace larder::hub::db {
namespace {

using nlohmann::json;

bool node_parses_hours(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  return !j.is_discarded() && menu::parse_opening_hours(j).is_ok();
}

bool node_loads_zone(const std::string& tz) {
  auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  return menu::local_time(tz, now).is_ok();
}

// Opening hours: the text, and whether it is good. Objects only: the column
// is a JSON object (001_schema), so the node's "null = always open" never
// reaches it.
struct HoursCase {
  const char* text;
  bool good;
};
const HoursCase kHours[] = {
    {R"({})", true},
    {R"({"mon": [["08:00", "22:00"]]})", true},
    {R"({"mon": [["08:00", "12:00"], ["13:00", "22:00"]], "sun": []})", true},
    {R"({"fri": [["22:00", "02:00"]]})", true},  // past midnight
    {R"({"sat": [["00:00", "24:00"]]})", true},
    {R"({"tue": [["09:00", "09:00"]]})", true},  // an empty span
    {R"({"wed": []})", true},                    // closed that day
    {R"({"monday": [["08:00", "22:00"]]})", false},
    {R"({"Mon": [["08:00", "22:00"]]})", false},
    {R"({"mon": [["25:00", "26:00"]]})", false},
    {R"({"mon": [["8:00", "22:00"]]})", false},
    {R"({"mon": [["08:00", "8:00"]]})", false},
    {R"({"mon": [["24:00", "23:00"]]})", false},
    {R"({"mon": [["08:00", "24:01"]]})", false},
    {R"({"mon": [["08:60", "22:00"]]})", false},
    {R"({"mon": [["08:00:00", "22:00"]]})", false},
    {R"({"mon": [["08h00", "22:00"]]})", false},
    {R"({"mon": [[800, 2200]]})", false},
    {R"({"mon": [["08:00"]]})", false},
    {R"({"mon": [["08:00", "12:00", "13:00"]]})", false},
    {R"({"mon": ["08:00", "22:00"]})", false},
    {R"({"mon": "08:00-22:00"})", false},
    {R"({"mon": {"open": "08:00", "close": "22:00"}})", false},
    {R"({"mon": null})", false},
};

TEST_CASE("the opening_hours rules are the node's parser, with the field and value named") {
  for (const HoursCase& c : kHours) {
    CAPTURE(c.text);
    CHECK(opening_hours_problem(c.text).empty() == c.good);
    CHECK(node_parses_hours(c.text) == c.good);
  }
  CHECK(opening_hours_problem(R"({"monday": [["08:00", "22:00"]]})") ==
        R"(opening_hours has the key "monday"; days are mon, tue, wed, thu, fri, sat, sun)");
  CHECK(opening_hours_problem(R"({"mon": [["25:00", "26:00"]]})") ==
        R"(opening_hours.mon[0][0] is "25:00"; an opening time is "HH:MM" from 00:00 to 23:59)");
  CHECK(opening_hours_problem(R"({"sun": [], "mon": [["08:00", "8:00"]]})") ==
        R"(opening_hours.mon[0][1] is "8:00"; a closing time is "HH:MM" from 00:00 to 24:00)");
  CHECK(opening_hours_problem("[]") ==
        R"(opening_hours must be an object such as {"mon": [["08:00", "22:00"]]}, not an array)");
  CHECK(opening_hours_problem("{mon:").rfind("opening_hours is not JSON", 0) == 0);
}

TEST_CASE("the timezone name rules refuse what the node's tz database does not load") {
  for (const char* tz : {"posixrules", "Factory", "posix/Europe/Paris", "right/UTC", "localtime"}) {
    CAPTURE(tz);
    std::string problem = timezone_name_problem(tz);
    CHECK(problem.find(std::string("timezone '") + tz + "'") == 0);
  }
  for (const char* tz : {"UTC", "Europe/Paris", "America/Argentina/Buenos_Aires", "EST5EDT"}) {
    CAPTURE(tz);
    CHECK(timezone_name_problem(tz).empty());
    CHECK(node_loads_zone(tz));
  }
  // The families refused by name are refused by the node too (localtime is
  // refused on purpose: it is the device's zone, not the location's).
  for (const char* tz : {"posixrules", "Factory", "posix/Europe/Paris", "right/UTC"}) {
    CAPTURE(tz);
    CHECK_FALSE(node_loads_zone(tz));
  }
}

TEST_CASE("every zone PostgreSQL lists that the hub accepts loads on the node; SQL and C++ agree") {
  PgConnection conn = ops_test::hub();
  auto zones = conn.exec("SELECT name FROM pg_timezone_names ORDER BY 1");
  REQUIRE_MESSAGE(zones.is_ok(), zones.status().to_string());
  REQUIRE(zones->rows() > 500);
  int accepted = 0;
  std::vector<std::string> sample;  // for the SQL function: each call reads every zone (~50 ms)
  for (int i = 0; i < zones->rows(); ++i) {
    const std::string name(zones->get(i, "name"));
    CAPTURE(name);
    if (timezone_name_problem(name).empty()) {
      CHECK(node_loads_zone(name));
      if (++accepted % 60 == 0) sample.push_back(name);
    } else if (name == "posix/Europe/Paris" || name == "posix/UTC") {
      sample.push_back(name);
    }
  }
  CHECK(accepted > 500);
  for (const char* tz : {"posixrules", "Factory", "localtime", "right/UTC", "Mars/Olympus",
                         "europe/paris", "", "Europe/Paris ", "UTC+3", "UTC", "Europe/Paris"}) {
    sample.push_back(tz);
  }
  auto tx = Transaction::begin(conn);
  REQUIRE(tx.is_ok());
  for (const std::string& tz : sample) {
    CAPTURE(tz);
    auto sql = tx->exec("SELECT larder_timezone_problem($1) AS p", {tz});
    REQUIRE(sql.is_ok());
    auto cpp = timezone_problem(*tx, tz);
    REQUIRE(cpp.is_ok());
    CHECK(sql->get_opt(0, "p").value_or("") == *cpp);
  }
  for (const char* tz : {"Mars/Olympus", "europe/paris", "", "Europe/Paris ", "UTC+3"}) {
    CAPTURE(tz);
    CHECK(timezone_problem(*tx, tz)->find("is not an IANA zone name") != std::string::npos);
  }
  CHECK(timezone_problem(*tx, "Europe/Paris")->empty());
}

TEST_CASE("add_location refuses what the node cannot read, naming the field and the value") {
  PgConnection conn = ops_test::hub();
  auto p = ops_test::provision(conn, 601);
  LocationSpec l;
  l.tenant_id = p.tenant;
  l.id = feed_test::id(601, 5);
  l.name = "Second";
  struct Bad {
    const char* timezone;
    const char* hours;
    const char* message;
  };
  const Bad cases[] = {
      {"UTC", R"({"monday": [["08:00", "22:00"]]})", R"(opening_hours has the key "monday")"},
      {"UTC", R"({"mon": [["25:00", "26:00"]]})", R"(opening_hours.mon[0][0] is "25:00")"},
      {"UTC", R"({"mon": [["8:00", "22:00"]]})", R"(opening_hours.mon[0][0] is "8:00")"},
      {"posixrules", "{}", "timezone 'posixrules' is not accepted"},
      {"Factory", "{}", "timezone 'Factory' is not accepted"},
      {"posix/Europe/Paris", "{}", "timezone 'posix/Europe/Paris' is not accepted"},
      {"Mars/Olympus", "{}", "timezone 'Mars/Olympus' is not an IANA zone name"},
  };
  for (const Bad& c : cases) {
    CAPTURE(c.timezone);
    CAPTURE(c.hours);
    l.timezone = c.timezone;
    l.opening_hours_json = c.hours;
    Status s = add_location(conn, l);
    CHECK(s.code() == Code::kInvalidArgument);
    CHECK(s.message().find(c.message) == 0);
    CHECK(s.message().find("SQLSTATE") == std::string::npos);
  }
  auto tx = Transaction::begin_for_tenant(conn, p.tenant);
  CHECK(tx->exec("SELECT 1 FROM locations WHERE id = $1", {l.id})->rows() == 0);
  (void)tx->rollback();
  l.timezone = "Europe/Paris";
  l.opening_hours_json = R"({"mon": [["08:00", "22:00"]], "fri": [["18:00", "02:00"]]})";
  CHECK(add_location(conn, l).is_ok());
  CHECK(add_location(conn, l).code() == Code::kAlreadyExists);
  l.tenant_id = feed_test::id(609, 0);
  l.id = feed_test::id(609, 1);
  CHECK(add_location(conn, l).code() == Code::kNotFound);
}

TEST_CASE("plain SQL cannot store a location the node cannot read either (the trigger)") {
  PgConnection conn = ops_test::hub();
  auto p = ops_test::provision(conn, 602);
  auto write = [&](const std::string& sql, const PgParams& params) {
    return feed_test::try_exec_for_tenant(conn, p.tenant, sql, params);
  };
  const std::string insert =
      "INSERT INTO locations (tenant_id, id, name, timezone, opening_hours)"
      " VALUES ($1, $2, 'SQL', $3, $4::jsonb)";
  int n = 10;
  for (const HoursCase& c : kHours) {
    CAPTURE(c.text);
    Status s = write(insert, {p.tenant, feed_test::id(602, n++), "UTC", c.text});
    CHECK(s.is_ok() == c.good);
    if (!c.good) {
      CHECK(s.code() == Code::kInvalidArgument);
      CHECK(sqlstate_of(s) == "LD400");
      CHECK(s.message().find("opening_hours") != std::string::npos);
    }
    auto sql = conn.exec("SELECT larder_opening_hours_problem($1::jsonb) IS NULL AS ok", {c.text});
    REQUIRE(sql.is_ok());
    CHECK(sql->get_bool(0, "ok") == c.good);
  }
  for (const char* tz : {"posixrules", "Factory", "posix/Europe/Paris", "right/UTC", "localtime",
                         "Mars/Olympus", "europe/paris"}) {
    CAPTURE(tz);
    Status s = write(insert, {p.tenant, feed_test::id(602, n++), tz, "{}"});
    CHECK(sqlstate_of(s) == "LD400");
    CHECK(s.message().find(std::string("timezone '") + tz + "'") != std::string::npos);
  }
  // An update is checked too.
  Status moved = write("UPDATE locations SET timezone = 'Factory' WHERE tenant_id = $1 AND id = $2",
                       {p.tenant, p.location});
  CHECK(sqlstate_of(moved) == "LD400");
  Status hours = write(
      R"(UPDATE locations SET opening_hours = '{"mon": [["8:00", "22:00"]]}' WHERE tenant_id = $1)",
      {p.tenant});
  CHECK(sqlstate_of(hours) == "LD400");
}

TEST_CASE("locations stored before migration 006 are kept, listed, and fixable") {
  auto db = HubTestDatabase::create(testing::shared_pg_server(), "loc_migr");
  REQUIRE_MESSAGE(db.is_ok(), db.status().to_string());
  PgConnection owner = ops_test::connect(db->owner_conninfo);
  REQUIRE(migrate_down(owner, 5).is_ok());
  PgConnection hub = ops_test::connect(db->hub_conninfo);
  const std::string tenant = feed_test::id(603, 0);
  const std::string good = feed_test::id(603, 1), bad_tz = feed_test::id(603, 2),
                    bad_hours = feed_test::id(603, 3);
  feed_test::exec_for_tenant(
      hub, tenant, "INSERT INTO tenants (tenant_id, name, currency) VALUES ($1, 'T', 'USD')",
      {tenant});
  const std::string insert =
      "INSERT INTO locations (tenant_id, id, name, timezone, opening_hours)"
      " VALUES ($1, $2, 'Old', $3, $4::jsonb)";
  feed_test::exec_for_tenant(hub, tenant, insert, {tenant, good, "Europe/Paris", "{}"});
  feed_test::exec_for_tenant(hub, tenant, insert, {tenant, bad_tz, "posixrules", "{}"});
  feed_test::exec_for_tenant(hub, tenant, insert,
                             {tenant, bad_hours, "UTC", R"({"monday": [["8:00", "25:00"]]})"});

  auto up = migrate_up(owner);
  REQUIRE_MESSAGE(up.is_ok(), up.status().to_string());
  CHECK(*up == latest_migration_version() - 5);
  auto found = find_location_problems(owner);
  REQUIRE_MESSAGE(found.is_ok(), found.status().to_string());
  REQUIRE(found->size() == 2);
  CHECK((*found)[0].tenant_id == tenant);
  CHECK((*found)[0].location_id == bad_tz);
  CHECK((*found)[0].problem.find("timezone 'posixrules'") == 0);
  CHECK((*found)[1].location_id == bad_hours);
  CHECK((*found)[1].problem.find(R"(opening_hours has the key "monday")") == 0);
  // The hub role lists no tenants, so it finds nothing: `migrate` runs as the owner.
  CHECK(find_location_problems(hub)->empty());

  // Kept as they are: still renamable; fixed by writing the fields.
  feed_test::exec_for_tenant(hub, tenant, "UPDATE locations SET name = 'Renamed' WHERE id = $1",
                             {bad_tz});
  feed_test::exec_for_tenant(
      hub, tenant, "UPDATE locations SET timezone = 'Europe/Berlin' WHERE id = $1", {bad_tz});
  feed_test::exec_for_tenant(
      hub, tenant,
      R"(UPDATE locations SET opening_hours = '{"mon": [["08:00", "22:00"]]}' WHERE id = $1)",
      {bad_hours});
  CHECK(find_location_problems(owner)->empty());
}

}  // namespace
}  // namespace larder::hub::db
