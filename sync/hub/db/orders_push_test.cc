// One push, many orders: ingest_orders() stores a push in one transaction,
// yet each order is still answered (and rejected) on its own.
#include <doctest/doctest.h>

#include <thread>

#include "sync/hub/db/menu_import.h"
#include "sync/hub/db/migrations.h"
#include "sync/hub/db/ops_test_fixture.h"
#include "sync/hub/db/orders.h"

namespace larder::hub::db {
namespace {

using feed_test::id;
using nlohmann::json;

struct Shop {
  ops_test::Provisioned p;
  DeviceIdentity device;
};

Shop open_shop(PgConnection& conn, int tag) {
  Shop s{ops_test::provision(conn, tag), {}};
  json menu = {
      {"menus", {{{"id", id(tag, 10)}, {"name", "All"}}}},
      {"categories", {{{"id", id(tag, 20)}, {"menu_id", id(tag, 10)}, {"name", "Food"}}}},
      {"items",
       {{{"id", id(tag, 30)},
         {"category_id", id(tag, 20)},
         {"name", "Burger"},
         {"price_minor", 900}},
        {{"id", id(tag, 31)},
         {"category_id", id(tag, 20)},
         {"name", "Fries"},
         {"price_minor", 400}}}},
      {"modifiers",
       {{{"id", id(tag, 40)}, {"name", "Extras"}, {"selection", "multi"}, {"max_choices", 3}}}},
      {"options",
       {{{"id", id(tag, 50)},
         {"modifier_id", id(tag, 40)},
         {"name", "Bacon"},
         {"price_delta_minor", 150}},
        {{"id", id(tag, 51)},
         {"modifier_id", id(tag, 40)},
         {"name", "Egg"},
         {"price_delta_minor", 100}}}}};
  REQUIRE(import_menu(conn, s.p.tenant, menu.dump()).is_ok());
  FakeEnv env;
  auto dev =
      add_device(conn, env, s.p.tenant, s.p.location, "Kiosk", "K1", std::chrono::seconds(60));
  REQUIRE(dev.is_ok());
  auto enrolled = enroll_device(conn, env, dev->enrollment_code);
  REQUIRE(enrolled.is_ok());
  s.device = enrolled->identity;
  return s;
}

// Two lines with one option each.
json order_for(const Shop& s, int tag, const std::string& order_id) {
  return {{"id", order_id},
          {"location_id", s.p.location},
          {"device_id", s.device.device_id},
          {"number", "K1-0001"},
          {"currency", "USD"},
          {"placed_at", "2024-05-01T12:00:00Z"},
          {"subtotal_minor", 2500},
          {"tax_minor", 200},
          {"total_minor", 2700},
          {"items",
           {{{"line_no", 1},
             {"item_id", id(tag, 30)},
             {"name", "Burger"},
             {"unit_price_minor", 1050},
             {"quantity", 2},
             {"line_total_minor", 2100},
             {"options",
              {{{"option_id", id(tag, 50)},
                {"modifier_id", id(tag, 40)},
                {"name", "Bacon"},
                {"price_delta_minor", 150}}}}},
            {{"line_no", 2},
             {"item_id", id(tag, 31)},
             {"name", "Fries"},
             {"unit_price_minor", 400},
             {"quantity", 1},
             {"line_total_minor", 400},
             {"options",
              {{{"option_id", id(tag, 51)},
                {"modifier_id", id(tag, 40)},
                {"name", "Egg"},
                {"price_delta_minor", 100}}}}}}}};
}

std::string order_id(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "01900000-0000-7000-8000-%012d", n);
  return buf;
}

std::int64_t count(PgConnection& conn, const std::string& tenant, const std::string& sql) {
  auto tx = Transaction::begin_for_tenant(conn, tenant);
  auto r = tx->exec(sql);
  REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
  return r->get_int(0, "n");
}

std::vector<IngestResult> push(PgConnection& conn, const Shop& s, const std::vector<json>& docs) {
  std::vector<CheckedOrder> orders;
  for (const json& d : docs) orders.push_back(check_order(d));
  auto r = ingest_orders(conn, s.device, orders);
  REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
  REQUIRE(r->size() == docs.size());
  return std::move(r).value();
}

TEST_CASE(
    "a push with bad orders among good ones stores every good one, rejects each bad one alone") {
  PgConnection conn = ops_test::hub();
  Shop s = open_shop(conn, 721);
  Shop other = open_shop(conn, 722);
  const std::string stored_id = order_id(7210);
  REQUIRE(push(conn, s, {order_for(s, 721, stored_id)})[0].outcome == IngestOutcome::kAccepted);

  json conflict = order_for(s, 721, stored_id);
  conflict["number"] = "K1-9999";
  json foreign_item = order_for(s, 721, order_id(7213));
  foreign_item["items"][1]["item_id"] = id(722, 31);
  json foreign_option = order_for(s, 721, order_id(7214));
  foreign_option["items"][1]["options"][0]["option_id"] = id(722, 51);
  json elsewhere = order_for(s, 721, order_id(7215));
  elsewhere["location_id"] = other.p.location;
  // The right shape, but no such day: only PostgreSQL refuses it.
  json no_such_day = order_for(s, 721, order_id(7216));
  no_such_day["placed_at"] = "2024-02-30T12:00:00Z";
  json upper = order_for(s, 721, order_id(7218));
  upper["id"] = "01900000-0000-7000-8000-0000000072AB";
  const std::vector<json> docs = {order_for(s, 721, order_id(7211)),
                                  conflict,
                                  foreign_item,
                                  order_for(s, 721, order_id(7212)),
                                  foreign_option,
                                  elsewhere,
                                  no_such_day,
                                  order_for(s, 721, order_id(7211)),  // again, in the same push
                                  order_for(s, 721, stored_id),       // a replay of an old push
                                  upper};
  std::vector<IngestResult> r = push(conn, s, docs);
  CHECK(r[0].outcome == IngestOutcome::kAccepted);
  CHECK(r[1].outcome == IngestOutcome::kRejected);
  CHECK(r[1].reason ==
        "conflict: order " + stored_id + " was stored before with different content");
  CHECK(r[2].reason == "invalid: items[1].item_id is not an item of this tenant");
  CHECK(r[3].outcome == IngestOutcome::kAccepted);
  CHECK(r[4].reason == "invalid: items[1].options[0].option_id is not an option of this tenant");
  CHECK(r[5].reason == "order is for another location than the device's");
  CHECK(r[6].outcome == IngestOutcome::kRejected);
  // The node is told what is wrong, never PostgreSQL's text (kept in detail).
  CHECK(r[6].reason == "invalid: placed_at is not a real date and time");
  CHECK(r[6].detail.find("SQLSTATE 22008") != std::string::npos);
  CHECK(r[7].outcome == IngestOutcome::kDuplicate);
  CHECK(r[8].outcome == IngestOutcome::kDuplicate);
  CHECK(r[9].outcome == IngestOutcome::kAccepted);
  for (std::size_t i = 0; i < docs.size(); ++i) {
    CHECK(r[i].order_id == docs[i]["id"].get<std::string>());
    CHECK((r[i].outcome == IngestOutcome::kRejected) == !r[i].reason.empty());
  }
  // Stored: the old order and the three good ones, each whole; nothing of a rejected one.
  CHECK(count(conn, s.p.tenant, "SELECT count(*) AS n FROM orders") == 4);
  CHECK(count(conn, s.p.tenant, "SELECT count(*) AS n FROM order_items") == 8);
  CHECK(count(conn, s.p.tenant, "SELECT count(*) AS n FROM order_item_options") == 8);
  CHECK(count(conn, s.p.tenant, "SELECT count(*) AS n FROM orders WHERE number = 'K1-9999'") == 0);
  CHECK(count(conn, s.p.tenant,
              "SELECT count(*) AS n FROM orders WHERE placed_at = '2024-05-01T12:00:00Z'"
              " AND status = 'placed' AND content_hash ~ '^[0-9a-f]{64}$'") == 4);
  // Every rejection recorded, in push order, with its reason and document.
  auto tx = Transaction::begin_for_tenant(conn, s.p.tenant);
  auto events = tx->exec(
      "SELECT subject, detail->>'reason' AS reason, detail->'order'->>'number' AS number,"
      " coalesce(detail->>'database_error', '') AS database_error"
      " FROM events WHERE kind = 'order_rejected' ORDER BY id");
  REQUIRE(events.is_ok());
  REQUIRE(events->rows() == 5);
  const std::size_t rejected[] = {1, 2, 4, 5, 6};
  for (int k = 0; k < 5; ++k) {
    CHECK(events->get(k, "subject") == r[rejected[k]].order_id);
    CHECK(events->get(k, "reason") == r[rejected[k]].reason);
    CHECK(events->get(k, "number") == docs[rejected[k]]["number"].get<std::string>());
    CHECK(events->get(k, "database_error") == r[rejected[k]].detail);
  }
  (void)tx->commit();

  // The same push again (its answer was lost): nothing more stored, the
  // good ones are duplicates, the bad ones rejected (and recorded) again.
  std::vector<IngestResult> again = push(conn, s, docs);
  for (std::size_t i = 0; i < docs.size(); ++i) {
    bool good = r[i].outcome != IngestOutcome::kRejected;
    CHECK_MESSAGE(again[i].outcome == (good ? IngestOutcome::kDuplicate : IngestOutcome::kRejected),
                  "order ", i);
    CHECK(again[i].reason == r[i].reason);
  }
  CHECK(count(conn, s.p.tenant, "SELECT count(*) AS n FROM orders") == 4);
  CHECK(count(conn, s.p.tenant, "SELECT count(*) AS n FROM order_items") == 8);
  CHECK(count(conn, s.p.tenant, "SELECT count(*) AS n FROM events WHERE kind = 'order_rejected'") ==
        10);
  CHECK(count(conn, other.p.tenant, "SELECT count(*) AS n FROM orders") == 0);
}

TEST_CASE(
    "an item deleted after the node sold it is still accepted (its tombstone is in the feed)") {
  PgConnection conn = ops_test::hub();
  Shop s = open_shop(conn, 723);
  feed_test::exec_for_tenant(conn, s.p.tenant, "DELETE FROM items WHERE id = $1", {id(723, 31)});
  feed_test::exec_for_tenant(conn, s.p.tenant, "DELETE FROM options WHERE id = $1", {id(723, 51)});
  CHECK(push(conn, s, {order_for(s, 723, order_id(7230))})[0].outcome == IngestOutcome::kAccepted);
  // Never on the menu: no tombstone either.
  json never = order_for(s, 723, order_id(7231));
  never["items"][1]["item_id"] = id(723, 39);
  CHECK(push(conn, s, {never})[0].reason ==
        "invalid: items[1].item_id is not an item of this tenant");
}

TEST_CASE("two pushes of the same orders at once store each order exactly once") {
  PgConnection setup = ops_test::hub();
  Shop s = open_shop(setup, 724);
  std::vector<json> forward;
  for (int n = 0; n < 40; ++n) forward.push_back(order_for(s, 724, order_id(72400 + n)));
  std::vector<json> backward(forward.rbegin(), forward.rend());
  auto checked = [](const std::vector<json>& docs) {
    std::vector<CheckedOrder> out;
    for (const json& d : docs) out.push_back(check_order(d));
    return out;
  };
  const std::vector<CheckedOrder> up = checked(forward), down = checked(backward);
  Result<std::vector<IngestResult>> ra = internal_error("not run"), rb = internal_error("not run");
  {
    PgConnection ca = ops_test::hub();
    PgConnection cb = ops_test::hub();
    // No assertions in the threads: doctest's REQUIRE must not throw there.
    std::thread ta([&] { ra = ingest_orders(ca, s.device, up); });
    std::thread tb([&] { rb = ingest_orders(cb, s.device, down); });
    ta.join();
    tb.join();
  }
  REQUIRE_MESSAGE(ra.is_ok(), ra.status().to_string());
  REQUIRE_MESSAGE(rb.is_ok(), rb.status().to_string());
  const std::vector<IngestResult>& a = *ra;
  const std::vector<IngestResult>& b = *rb;
  REQUIRE(a.size() == 40);
  REQUIRE(b.size() == 40);
  for (std::size_t i = 0; i < 40; ++i) {
    const IngestResult& x = a[i];
    const IngestResult& y = b[39 - i];
    CHECK(x.order_id == y.order_id);
    CHECK(x.outcome != IngestOutcome::kRejected);
    CHECK(y.outcome != IngestOutcome::kRejected);
    CHECK(((x.outcome == IngestOutcome::kAccepted) != (y.outcome == IngestOutcome::kAccepted)));
  }
  CHECK(count(setup, s.p.tenant, "SELECT count(*) AS n FROM orders") == 40);
  CHECK(count(setup, s.p.tenant, "SELECT count(*) AS n FROM order_items") == 80);
}

// The generic plan of a check, as a connection keeps it.
std::string generic_plan(PgConnection& su, const std::string& where) {
  REQUIRE(su.exec("SET plan_cache_mode = force_generic_plan").is_ok());
  REQUIRE(su.exec("DEALLOCATE ALL").is_ok());
  REQUIRE(su.exec("PREPARE q(uuid, uuid) AS SELECT 1 FROM ONLY orders x WHERE " + where +
                  " FOR KEY SHARE OF x")
              .is_ok());
  auto plan = su.exec(
      "EXPLAIN EXECUTE q('00000000-0000-4000-8000-000000000001',"
      " '00000000-0000-4000-8000-000000000002')");
  REQUIRE_MESSAGE(plan.is_ok(), plan.status().to_string());
  std::string text;
  for (int r = 0; r < plan->rows(); ++r) text += std::string(plan->get(r, 0)) + "\n";
  return text;
}

// Regression: while orders had no statistics (a new database, until
// autovacuum first analyzed it), the foreign-key check that every order
// line runs took the (tenant_id, device_id) index and read all the
// tenant's orders, and each connection kept that plan: ingest slowed down
// with every order stored. Migration 005 puts the tenant second.
TEST_CASE(
    "an order line's foreign-key check takes the primary key while orders has no statistics") {
  auto db = HubTestDatabase::create(testing::shared_pg_server(), "fk_plan");
  REQUIRE_MESSAGE(db.is_ok(), db.status().to_string());
  PgConnection su = ops_test::connect(db->superuser_conninfo);
  const std::string line_check = "tenant_id = $1 AND id = $2";
  std::string plan = generic_plan(su, line_check);
  CHECK_MESSAGE(plan.find("orders_pkey") != std::string::npos, plan);
  // Deleting a device or a location still finds its orders by an index.
  plan = generic_plan(su, "tenant_id = $1 AND device_id = $2");
  CHECK_MESSAGE(plan.find("orders_device") != std::string::npos, plan);
  plan = generic_plan(su, "tenant_id = $1 AND location_id = $2");
  CHECK_MESSAGE(plan.find("orders_location") != std::string::npos, plan);

  // Before 005 (on PostgreSQL 15): the device index, the slow plan.
  PgConnection owner = ops_test::connect(db->owner_conninfo);
  REQUIRE(migrate_down(owner, 4).is_ok());
  plan = generic_plan(su, line_check);
  CHECK_MESSAGE(plan.find("orders_pkey") == std::string::npos, plan);
}

}  // namespace
}  // namespace larder::hub::db
