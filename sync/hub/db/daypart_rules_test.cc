// The hub refuses a menu whose dayparts larder-node could not read, wherever
// it is written: the SQL trigger of migration 008 (every writer) and the
// node's own parser (node/menu/daypart.h) must agree. Regression for: a
// daypart "end": "24:00" refused by the menu import although the node reads
// it, and a menu written in SQL with "start": "6:00" that made the node's
// whole menu endpoint fail.
#include "sync/hub/db/daypart_rules.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "node/menu/daypart.h"
#include "sync/hub/db/migrations.h"
#include "sync/hub/db/ops_test_fixture.h"
#include "sync/hub/db/pg_error.h"

namespace larder::hub::db {
namespace {

using nlohmann::json;

bool node_parses(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  return !j.is_discarded() && menu::parse_dayparts(j).is_ok();
}

struct DaypartCase {
  const char* text;
  bool good;
};
// Arrays only: the column is a JSON array (001_schema).
const DaypartCase kDayparts[] = {
    {R"([])", true},
    {R"([{"days": ["mon", "tue"], "start": "06:00", "end": "11:00"}])", true},
    {R"([{"start": "00:00", "end": "24:00"}])", true},                   // every day, all day
    {R"([{"days": ["fri"], "start": "22:00", "end": "02:00"}])", true},  // past midnight
    {R"([{"days": [], "start": "06:00", "end": "11:00"}])", true},       // never: the node reads it
    {R"([{"start": "06:00", "end": "11:00", "note": "x"}])", true},      // other keys ignored
    {R"([{"start": "6:00", "end": "11:00"}])", false},
    {R"([{"start": "24:00", "end": "23:00"}])", false},
    {R"([{"start": "06:00", "end": "24:01"}])", false},
    {R"([{"start": "06:00"}])", false},
    {R"([{"end": "11:00"}])", false},
    {R"([{"start": 600, "end": 1100}])", false},
    {R"([{"days": ["monday"], "start": "06:00", "end": "11:00"}])", false},
    {R"([{"days": "mon", "start": "06:00", "end": "11:00"}])", false},
    {R"([{"days": [1], "start": "06:00", "end": "11:00"}])", false},
    {R"(["06:00-11:00"])", false},
    {R"([null])", false},
};

}  // namespace

TEST_CASE("the dayparts SQL check is the node's parser") {
  PgConnection conn = ops_test::hub();
  for (const DaypartCase& c : kDayparts) {
    CAPTURE(c.text);
    CHECK(node_parses(c.text) == c.good);
    auto sql = conn.exec("SELECT larder_dayparts_problem($1::jsonb) IS NULL AS ok", {c.text});
    REQUIRE(sql.is_ok());
    CHECK(sql->get_bool(0, "ok") == c.good);
  }
}

TEST_CASE("plain SQL cannot store a menu the node cannot read (the trigger)") {
  PgConnection conn = ops_test::hub();
  auto p = ops_test::provision(conn, 620);
  auto write = [&](const std::string& sql, const PgParams& params) {
    return feed_test::try_exec_for_tenant(conn, p.tenant, sql, params);
  };
  const std::string insert =
      "INSERT INTO menus (tenant_id, id, name, dayparts) VALUES ($1, $2, 'SQL', $3::jsonb)";
  int n = 10;
  for (const DaypartCase& c : kDayparts) {
    CAPTURE(c.text);
    Status s = write(insert, {p.tenant, feed_test::id(620, n++), c.text});
    CHECK(s.is_ok() == c.good);
    if (!c.good) {
      CHECK(s.code() == Code::kInvalidArgument);
      CHECK(sqlstate_of(s) == "LD400");
      CHECK(s.message().find("dayparts[0]") != std::string::npos);
    }
  }
  const std::string menu = feed_test::id(620, 10);  // the first, good, row
  Status moved = write(
      R"(UPDATE menus SET dayparts = '[{"start": "6:00", "end": "11:00"}]' WHERE tenant_id = $1 AND id = $2)",
      {p.tenant, menu});
  CHECK(sqlstate_of(moved) == "LD400");
  CHECK(moved.message().find(R"(dayparts[0].start is "6:00")") != std::string::npos);
  // Other columns of a row can still be written.
  CHECK(write("UPDATE menus SET name = 'Breakfast' WHERE tenant_id = $1 AND id = $2",
              {p.tenant, menu})
            .is_ok());
}

TEST_CASE("menus stored before migration 008 are kept, listed, and fixable") {
  auto db = HubTestDatabase::create(testing::shared_pg_server(), "menu_migr");
  REQUIRE_MESSAGE(db.is_ok(), db.status().to_string());
  PgConnection owner = ops_test::connect(db->owner_conninfo);
  REQUIRE(migrate_down(owner, 7).is_ok());
  PgConnection hub = ops_test::connect(db->hub_conninfo);
  const std::string tenant = feed_test::id(621, 0);
  const std::string good = feed_test::id(621, 1), bad = feed_test::id(621, 2);
  feed_test::exec_for_tenant(
      hub, tenant, "INSERT INTO tenants (tenant_id, name, currency) VALUES ($1, 'T', 'USD')",
      {tenant});
  const std::string insert =
      "INSERT INTO menus (tenant_id, id, name, dayparts) VALUES ($1, $2, 'Old', $3::jsonb)";
  feed_test::exec_for_tenant(hub, tenant, insert, {tenant, good, "[]"});
  feed_test::exec_for_tenant(hub, tenant, insert,
                             {tenant, bad, R"([{"start": "6:00", "end": "11:00"}])"});

  auto up = migrate_up(owner);
  REQUIRE_MESSAGE(up.is_ok(), up.status().to_string());
  CHECK(*up == 1);
  auto found = find_menu_problems(owner);
  REQUIRE_MESSAGE(found.is_ok(), found.status().to_string());
  REQUIRE(found->size() == 1);
  CHECK((*found)[0].tenant_id == tenant);
  CHECK((*found)[0].menu_id == bad);
  CHECK((*found)[0].problem ==
        R"(dayparts[0].start is "6:00"; a start is "HH:MM" from 00:00 to 23:59)");
  CHECK(find_menu_problems(hub)->empty());  // the hub role lists no tenants

  feed_test::exec_for_tenant(hub, tenant, "UPDATE menus SET name = 'Renamed' WHERE id = $1", {bad});
  feed_test::exec_for_tenant(
      hub, tenant,
      R"(UPDATE menus SET dayparts = '[{"start": "06:00", "end": "11:00"}]' WHERE id = $1)", {bad});
  CHECK(find_menu_problems(owner)->empty());
}

}  // namespace larder::hub::db
