// The hub refuses a menu whose dayparts larder-node could not read, wherever
// it is written: the SQL trigger of migration 008 (every writer) and the
// node's own parser (node/menu/daypart.h) must agree. Regression for: a
// daypart "end": "24:00" refused by the menu import although the node reads
// it, and a menu written in SQL with "start": "6:00" that made the node's
// whole menu endpoint fail.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "node/menu/daypart.h"
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
    auto tx = Transaction::begin_for_tenant(conn, p.tenant);
    REQUIRE(tx.is_ok());
    Status s = tx->exec(sql, params).status();
    if (s.is_ok()) s = tx->commit();
    return s;
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

}  // namespace larder::hub::db
