#include "sync/hub/db/orders.h"

#include <doctest/doctest.h>

#include "sync/hub/db/menu_import.h"
#include "sync/hub/db/ops_test_fixture.h"

namespace larder::hub::db {
namespace {

using nlohmann::json;
using feed_test::id;

struct Shop {
  ops_test::Provisioned p;
  DeviceIdentity device;
};

Shop open_shop(PgConnection& conn, int tag) {
  Shop s{ops_test::provision(conn, tag), {}};
  json menu = {{"menus", {{{"id", id(tag, 10)}, {"name", "All"}}}},
               {"categories", {{{"id", id(tag, 20)}, {"menu_id", id(tag, 10)}, {"name", "Food"}}}},
               {"items", {{{"id", id(tag, 30)}, {"category_id", id(tag, 20)}, {"name", "Burger"}, {"price_minor", 900}}}},
               {"modifiers", {{{"id", id(tag, 40)}, {"name", "Extras"}, {"selection", "multi"}, {"max_choices", 3}}}},
               {"options", {{{"id", id(tag, 50)}, {"modifier_id", id(tag, 40)}, {"name", "Bacon"}, {"price_delta_minor", 150}}}}};
  REQUIRE(import_menu(conn, s.p.tenant, menu.dump()).is_ok());
  FakeEnv env;
  auto dev = add_device(conn, env, s.p.tenant, s.p.location, "Kiosk", "K1", std::chrono::seconds(60));
  REQUIRE(dev.is_ok());
  auto enrolled = enroll_device(conn, env, dev->enrollment_code);
  REQUIRE(enrolled.is_ok());
  s.device = enrolled->identity;
  return s;
}

json order_for(const Shop& s, int tag, const std::string& order_id) {
  return {{"id", order_id}, {"location_id", s.p.location}, {"device_id", s.device.device_id},
          {"number", "K1-0001"}, {"currency", "USD"}, {"placed_at", "2024-05-01T12:00:00Z"},
          {"subtotal_minor", 2100}, {"tax_minor", 168}, {"total_minor", 2268},
          {"items", {{{"line_no", 1}, {"item_id", id(tag, 30)}, {"name", "Burger"}, {"unit_price_minor", 1050},
                      {"quantity", 2}, {"line_total_minor", 2100},
                      {"options", {{{"option_id", id(tag, 50)}, {"modifier_id", id(tag, 40)}, {"name", "Bacon"},
                                    {"price_delta_minor", 150}}}}}}}};
}

std::int64_t count(PgConnection& conn, const std::string& tenant, const std::string& sql) {
  auto tx = Transaction::begin_for_tenant(conn, tenant);
  auto r = tx->exec(sql);
  REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
  return r->get_int(0, "n");
}

TEST_CASE("exactly once: an order ingested 3 times is stored once; a different one with its id is rejected") {
  PgConnection conn = ops_test::hub();
  Shop s = open_shop(conn, 701);
  const std::string order_id = "01900000-0000-7000-8000-000000000001";
  json order = order_for(s, 701, order_id);
  auto first = ingest_order(conn, s.device, order);
  REQUIRE_MESSAGE(first.is_ok(), first.status().to_string());
  CHECK(first->outcome == IngestOutcome::kAccepted);
  for (int i = 0; i < 2; ++i) {
    auto again = ingest_order(conn, s.device, order);
    REQUIRE(again.is_ok());
    CHECK(again->outcome == IngestOutcome::kDuplicate);
  }
  CHECK(count(conn, s.p.tenant, "SELECT count(*) AS n FROM orders") == 1);
  CHECK(count(conn, s.p.tenant, "SELECT count(*) AS n FROM order_items") == 1);
  CHECK(count(conn, s.p.tenant, "SELECT count(*) AS n FROM order_item_options") == 1);

  json changed = order;
  changed["tax_minor"] = 0;
  changed["total_minor"] = 2100;
  auto conflict = ingest_order(conn, s.device, changed);
  REQUIRE(conflict.is_ok());
  CHECK(conflict->outcome == IngestOutcome::kRejected);
  CHECK(conflict->reason.rfind("conflict:", 0) == 0);
  CHECK(count(conn, s.p.tenant, "SELECT tax_minor AS n FROM orders") == 168);  // unchanged
  CHECK(count(conn, s.p.tenant,
              "SELECT count(*) AS n FROM events WHERE kind = 'order_rejected'") == 1);  // kept, not dropped

  // Status is not content: a later status on a replay is still a duplicate.
  json replay = order;
  replay["status"] = "accepted";
  CHECK(ingest_order(conn, s.device, replay)->outcome == IngestOutcome::kDuplicate);
}

TEST_CASE("orders carrying another tenant's or location's ids, or bad data, are rejected") {
  PgConnection conn = ops_test::hub();
  Shop a = open_shop(conn, 702);
  Shop b = open_shop(conn, 703);
  // B's item ids in an order from A's device.
  json foreign_items = order_for(a, 703, "01900000-0000-7000-8000-000000000002");
  auto r1 = ingest_order(conn, a.device, foreign_items);
  REQUIRE(r1.is_ok());
  CHECK(r1->outcome == IngestOutcome::kRejected);
  CHECK(r1->reason == "invalid: items[0].item_id is not an item of this tenant");
  // B's location.
  json foreign_location = order_for(a, 702, "01900000-0000-7000-8000-000000000003");
  foreign_location["location_id"] = b.p.location;
  CHECK(ingest_order(conn, a.device, foreign_location)->reason ==
        "order is for another location than the device's");
  json foreign_tenant = order_for(a, 702, "01900000-0000-7000-8000-000000000004");
  foreign_tenant["tenant_id"] = b.p.tenant;
  CHECK(ingest_order(conn, a.device, foreign_tenant)->reason == "order is for another tenant than the device's");
  json bad = order_for(a, 702, "01900000-0000-7000-8000-000000000005");
  bad["items"][0]["quantity"] = 0;
  CHECK(ingest_order(conn, a.device, bad)->reason == "invalid: items[0].quantity must be >= 1");
  json bad_sum = order_for(a, 702, "01900000-0000-7000-8000-000000000006");
  bad_sum["subtotal_minor"] = 1;
  CHECK(ingest_order(conn, a.device, bad_sum)->reason ==
        "invalid: subtotal_minor must equal the sum of items[].line_total_minor");
  CHECK(count(conn, a.p.tenant, "SELECT count(*) AS n FROM orders") == 0);
  CHECK(count(conn, b.p.tenant, "SELECT count(*) AS n FROM orders") == 0);
}

TEST_CASE("order status only moves forward") {
  PgConnection conn = ops_test::hub();
  Shop s = open_shop(conn, 704);
  const std::string order_id = "01900000-0000-7000-8000-000000000010";
  REQUIRE(ingest_order(conn, s.device, order_for(s, 704, order_id))->outcome == IngestOutcome::kAccepted);
  CHECK(set_order_status(conn, s.p.tenant, order_id, "accepted").is_ok());
  CHECK(set_order_status(conn, s.p.tenant, order_id, "ready").is_ok());
  CHECK(set_order_status(conn, s.p.tenant, order_id, "ready").is_ok());
  Status back = set_order_status(conn, s.p.tenant, order_id, "accepted");
  CHECK(back.code() == Code::kFailedPrecondition);
  CHECK(back.message() == "order " + order_id + " is ready; it cannot move back to accepted");
  CHECK(set_order_status(conn, s.p.tenant, order_id, "done").code() == Code::kInvalidArgument);
  CHECK(set_order_status(conn, s.p.tenant, "01900000-0000-7000-8000-0000000000ff", "ready").code() ==
        Code::kNotFound);
  // Another tenant cannot move it.
  Shop other = open_shop(conn, 705);
  CHECK(set_order_status(conn, other.p.tenant, order_id, "completed").code() == Code::kNotFound);
}

TEST_CASE("regression: completed and cancelled are both final, through the CLI path and SQL") {
  PgConnection conn = ops_test::hub();
  Shop s = open_shop(conn, 706);
  const std::string done = "01900000-0000-7000-8000-000000000020";
  const std::string dropped = "01900000-0000-7000-8000-000000000021";
  for (const std::string& id : {done, dropped}) {
    REQUIRE(ingest_order(conn, s.device, order_for(s, 706, id))->outcome ==
            IngestOutcome::kAccepted);
  }
  REQUIRE(set_order_status(conn, s.p.tenant, done, "completed").is_ok());
  REQUIRE(set_order_status(conn, s.p.tenant, dropped, "cancelled").is_ok());
  CHECK(set_order_status(conn, s.p.tenant, done, "completed").is_ok());  // same status: no change
  Status cancel = set_order_status(conn, s.p.tenant, done, "cancelled");
  CHECK(cancel.code() == Code::kFailedPrecondition);
  CHECK(cancel.message() ==
        "order " + done + " is completed, a final status; it cannot become cancelled");
  Status complete = set_order_status(conn, s.p.tenant, dropped, "completed");
  CHECK(complete.code() == Code::kFailedPrecondition);
  CHECK(complete.message() ==
        "order " + dropped + " is cancelled, a final status; it cannot become completed");
  CHECK(set_order_status(conn, s.p.tenant, dropped, "ready").code() == Code::kFailedPrecondition);
  // Whoever writes: the trigger refuses the same moves (LD412).
  for (const auto& [id, to] : {std::pair{done, "cancelled"}, std::pair{dropped, "completed"}}) {
    CAPTURE(to);
    auto tx = Transaction::begin_for_tenant(conn, s.p.tenant);
    REQUIRE(tx.is_ok());
    auto r = tx->exec("UPDATE orders SET status = $2 WHERE id = $1", {id, to});
    CHECK(r.status().code() == Code::kFailedPrecondition);
    CHECK(r.status().message().find("a final status") != std::string::npos);
  }
  CHECK(count(conn, s.p.tenant,
              "SELECT count(*) AS n FROM orders WHERE (id = '" + done +
                  "' AND status = 'completed')"
                  " OR (id = '" +
                  dropped + "' AND status = 'cancelled')") == 2);
  // A status not yet final still moves to either.
  const std::string open = "01900000-0000-7000-8000-000000000022";
  REQUIRE(ingest_order(conn, s.device, order_for(s, 706, open))->outcome ==
          IngestOutcome::kAccepted);
  CHECK(set_order_status(conn, s.p.tenant, open, "ready").is_ok());
  CHECK(set_order_status(conn, s.p.tenant, open, "cancelled").is_ok());
}

}  // namespace
TEST_CASE("the diner's note and the tax basis are stored and are part of the content") {
  PgConnection conn = ops_test::hub();
  Shop s = open_shop(conn, 707);
  const std::string order_id = "01900000-0000-7000-8000-000000000707";
  json order = order_for(s, 707, order_id);
  order["note"] = "no onions, please";
  order["tax_rate_bp"] = 800;
  order["tax_inclusive"] = false;
  auto first = ingest_order(conn, s.device, order);
  REQUIRE_MESSAGE(first.is_ok(), first.status().to_string());
  CHECK(first->outcome == IngestOutcome::kAccepted);
  CHECK(count(conn, s.p.tenant,
              "SELECT count(*) AS n FROM orders WHERE note = 'no onions, please' AND tax_rate_bp = "
              "800") == 1);
  json changed = order;
  changed["note"] = "extra onions";
  auto second = ingest_order(conn, s.device, changed);
  REQUIRE(second.is_ok());
  CHECK(second->outcome == IngestOutcome::kRejected);
  json bad = order;
  bad["id"] = "01900000-0000-7000-8000-000000000708";
  bad["tax_inclusive"] = "yes";
  auto third = ingest_order(conn, s.device, bad);
  REQUIRE(third.is_ok());
  CHECK(third->reason == "invalid: tax_inclusive must be true or false");
}

}  // namespace larder::hub::db
