// Tenant isolation under RLS, directly and through PgBouncer in transaction
// pool mode (DESIGN.md decision 9).
#include <doctest/doctest.h>

#include "sync/hub/db/menu_import.h"
#include "sync/hub/db/ops_test_fixture.h"
#include "sync/hub/db/orders.h"
#include "tests/support/pgbouncer_server.h"

namespace larder::hub::db {
namespace {

using feed_test::id;

const std::vector<std::string> kTables = {
    "tenants", "locations", "menus", "categories", "items", "modifiers", "item_modifiers", "options",
    "devices", "orders", "order_items", "order_item_options", "events", "feed_counters", "feed_changes"};

// Two tenants with a menu, a device and an order each.
struct World {
  std::string a, b;
};
const World& world() {
  static World w = [] {
    PgConnection conn = ops_test::hub();
    World made{ops_test::provision(conn, 801).tenant, ops_test::provision(conn, 802).tenant};
    for (int tag : {801, 802}) {
      std::string tenant = id(tag, 0);
      nlohmann::json menu = {{"menus", {{{"id", id(tag, 10)}, {"name", "All"}}}},
                             {"categories", {{{"id", id(tag, 20)}, {"menu_id", id(tag, 10)}, {"name", "F"}}}},
                             {"items", {{{"id", id(tag, 30)}, {"category_id", id(tag, 20)}, {"name", "I"}, {"price_minor", 5}}}},
                             {"modifiers", {{{"id", id(tag, 40)}, {"name", "M"}, {"selection", "single"}}}},
                             {"options", {{{"id", id(tag, 50)}, {"modifier_id", id(tag, 40)}, {"name", "O"}}}},
                             {"item_modifiers", {{{"item_id", id(tag, 30)}, {"modifier_id", id(tag, 40)}}}}};
      REQUIRE(import_menu(conn, tenant, menu.dump()).is_ok());
      FakeEnv env;
      auto dev = add_device(conn, env, tenant, id(tag, 1), "K", "K1", std::chrono::seconds(60));
      REQUIRE(dev.is_ok());
      auto enrolled = enroll_device(conn, env, dev->enrollment_code);
      REQUIRE(enrolled.is_ok());
      nlohmann::json order = {{"id", id(tag, 90)}, {"location_id", id(tag, 1)}, {"device_id", dev->device_id},
                              {"number", "K1-1"}, {"currency", "USD"}, {"placed_at", "2024-05-01T12:00:00Z"},
                              {"subtotal_minor", 5}, {"tax_minor", 0}, {"total_minor", 5},
                              {"items", {{{"line_no", 1}, {"item_id", id(tag, 30)}, {"name", "I"},
                                          {"unit_price_minor", 5}, {"quantity", 1}, {"line_total_minor", 5},
                                          {"options", {{{"option_id", id(tag, 50)}, {"modifier_id", id(tag, 40)},
                                                        {"name", "O"}, {"price_delta_minor", 0}}}}}}}};
      REQUIRE(ingest_order(conn, enrolled->identity, order)->outcome == IngestOutcome::kAccepted);
      // A rejected order leaves an event row.
      order["id"] = id(tag, 91);
      order["items"][0]["item_id"] = id(tag == 801 ? 802 : 801, 30);
      REQUIRE(ingest_order(conn, enrolled->identity, order)->outcome == IngestOutcome::kRejected);
    }
    return made;
  }();
  return w;
}

std::int64_t rows_in(PgConnection& conn, const std::string& table, const std::string& tenant_filter = "") {
  auto r = conn.exec("SELECT count(*) AS n FROM " + table + tenant_filter);
  REQUIRE_MESSAGE(r.is_ok(), table << ": " << r.status().to_string());
  return r->get_int(0, "n");
}

void isolation_suite(const std::string& hub_conninfo) {
  const World& w = world();
  PgConnection conn = ops_test::connect(hub_conninfo);

  SUBCASE("without a tenant setting every table is empty and refuses writes") {
    for (const std::string& t : kTables) {
      CHECK_MESSAGE(rows_in(conn, t) == 0, t);
    }
    for (const std::string t : {"tenants", "menus", "events", "locations"}) {
      std::string sql = t == "tenants" ? "INSERT INTO tenants (tenant_id, name, currency) VALUES ($1, 'x', 'USD')"
                        : t == "menus" ? "INSERT INTO menus (tenant_id, id, name) VALUES ($1, $1, 'x')"
                        : t == "events" ? "INSERT INTO events (tenant_id, kind) VALUES ($1, 'x')"
                                        : "INSERT INTO locations (tenant_id, id, name, timezone) VALUES ($1, $1, 'x', 'UTC')";
      auto r = conn.exec(sql, {w.a});
      CHECK_MESSAGE(r.status().code() == Code::kPermissionDenied, t << ": " << r.status().to_string());
    }
    auto upd = conn.exec("UPDATE items SET price_minor = 0");
    REQUIRE(upd.is_ok());
    CHECK(upd->affected_rows() == 0);
    // The feed tables cannot be written by the hub role at all.
    CHECK(conn.exec("DELETE FROM feed_changes").status().code() == Code::kPermissionDenied);
    CHECK(conn.exec("SELECT larder_capture()").status().code() == Code::kPermissionDenied);
  }

  SUBCASE("a transaction scoped to tenant A sees A's rows and nothing of B") {
    auto tx = Transaction::begin_for_tenant(conn, w.a);
    REQUIRE(tx.is_ok());
    for (const std::string& t : kTables) {
      auto all = tx->exec("SELECT count(*) AS n FROM " + t);
      auto mine = tx->exec("SELECT count(*) AS n FROM " + t + " WHERE tenant_id = $1", {w.a});
      REQUIRE(all.is_ok());
      REQUIRE(mine.is_ok());
      CHECK_MESSAGE(all->get_int(0, "n") > 0, t);
      CHECK_MESSAGE(all->get_int(0, "n") == mine->get_int(0, "n"), t);
    }
    // Writing a row of B while scoped to A is refused.
    auto r = tx->exec("INSERT INTO menus (tenant_id, id, name) VALUES ($1, $2, 'sneaky')", {w.b, id(803, 1)});
    CHECK(r.status().code() == Code::kPermissionDenied);
  }

  SUBCASE("the setting ends with the transaction (no leak to the next one)") {
    {
      auto tx = Transaction::begin_for_tenant(conn, w.a);
      REQUIRE(tx.is_ok());
      CHECK(rows_in(tx->connection(), "items") == 1);
      REQUIRE(tx->commit().is_ok());
    }
    CHECK(rows_in(conn, "items") == 0);
  }

  SUBCASE("a session-level setting cannot be forged into another tenant's rows by SET") {
    // A hub bug setting the wrong tenant shows only that tenant; there is no
    // "all tenants" value.
    auto tx = Transaction::begin(conn);
    REQUIRE(tx.is_ok());
    auto r = tx->exec("SELECT set_config('larder.tenant_id', '*', true)");
    REQUIRE(r.is_ok());
    CHECK_FALSE(tx->exec("SELECT count(*) FROM items").is_ok());  // '*' is not a uuid
  }
}

TEST_CASE("isolation: the hub role directly") { isolation_suite(ops_test::database().hub_conninfo); }

TEST_CASE("isolation: the hub role through PgBouncer in transaction mode") {
  auto bouncer = testing::PgBouncerServer::start(testing::shared_pg_server(), {"larder_hub", "larder_owner"}, 2);
  REQUIRE_MESSAGE(bouncer.is_ok(), bouncer.status().to_string());
  const std::string conninfo = (*bouncer)->conninfo(ops_test::database().name, "larder_hub");
  isolation_suite(conninfo);

  // Many clients share 2 server connections: interleaved transactions of
  // two tenants each see only their own rows.
  const World& w = world();
  std::vector<PgConnection> clients;
  for (int i = 0; i < 6; ++i) clients.push_back(ops_test::connect(conninfo));
  for (int round = 0; round < 20; ++round) {
    PgConnection& c = clients[round % clients.size()];
    const std::string& tenant = round % 2 ? w.a : w.b;
    auto tx = Transaction::begin_for_tenant(c, tenant);
    REQUIRE(tx.is_ok());
    auto r = tx->exec("SELECT count(*) AS n, count(*) FILTER (WHERE tenant_id = $1) AS mine FROM items", {tenant});
    REQUIRE(r.is_ok());
    CHECK(r->get_int(0, "n") == 1);
    CHECK(r->get_int(0, "mine") == 1);
    REQUIRE(tx->commit().is_ok());
    CHECK(rows_in(c, "items") == 0);
  }
}

}  // namespace
}  // namespace larder::hub::db
