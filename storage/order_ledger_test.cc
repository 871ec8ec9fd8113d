#include "storage/order_ledger.h"

#include <doctest/doctest.h>

#include "storage/testing/replica_db.h"

namespace larder::storage {

namespace {

OrderRecord sample(const std::string& id, std::optional<std::string> idem = std::nullopt,
                   std::string hash = "h1") {
  OrderRecord o;
  o.id = id;
  o.location_id = "loc-1";
  o.subtotal_minor = 1300;
  o.tax_minor = 104;
  o.total_minor = 1404;
  o.currency = "USD";
  o.tax_rate_bp = 800;
  o.idempotency_key = std::move(idem);
  o.request_hash = std::move(hash);
  o.placed_at = o.updated_at = "2026-11-23T12:00:00.000Z";
  OrderLineRecord burger{1, "i-burger", "Burger", 650, 2, 1300, {}};
  burger.options.push_back({"o-cheese", "m-extras", "Cheese", 50});
  burger.options.push_back({"o-nopickle", "m-extras", "No pickles", 0});
  o.lines.push_back(burger);
  return o;
}

PlaceResult place(Database& db, OrderRecord o) {
  std::vector<OrderRecord> one;
  one.push_back(std::move(o));
  auto r = place_orders(db, std::move(one), "K1");
  REQUIRE(r.size() == 1);
  REQUIRE_MESSAGE(r[0].is_ok(), r[0].status().to_string());
  return std::move(r[0]).value();
}

}  // namespace

TEST_CASE("an order is stored with lines, option snapshots, number and outbox entry") {
  testing::ReplicaDb db;
  PlaceResult p = place(*db, sample("o1"));
  CHECK(p.order.number == "K1-0001");
  CHECK_FALSE(p.replayed);
  auto found = find_order(*db, "o1");
  REQUIRE(found.is_ok());
  REQUIRE(found->has_value());
  const OrderRecord& o = **found;
  CHECK(o.total_minor == 1404);
  CHECK(o.status == "placed");
  CHECK(o.sync_state == "pending");
  REQUIRE(o.lines.size() == 1);
  CHECK(o.lines[0].quantity == 2);
  REQUIRE(o.lines[0].options.size() == 2);
  CHECK(o.lines[0].options[0].name == "Cheese");
  CHECK(place(*db, sample("o2")).order.number == "K1-0002");
  CHECK_FALSE(find_order(*db, "nope")->has_value());
}

TEST_CASE("idempotency key: same request returns the stored order, a different one conflicts") {
  testing::ReplicaDb db;
  PlaceResult first = place(*db, sample("o1", "key-1", "hash-a"));
  PlaceResult again = place(*db, sample("o-retry", "key-1", "hash-a"));
  CHECK(again.replayed);
  CHECK(again.order.id == "o1");
  CHECK(again.order.number == first.order.number);
  std::vector<OrderRecord> other;
  other.push_back(sample("o3", "key-1", "hash-b"));
  auto r = place_orders(*db, std::move(other), "K1");
  CHECK(r[0].status().code() == Code::kConflict);
  CHECK(*db->query_int("SELECT count(*) FROM orders") == 1);
}

TEST_CASE("a group commit places good orders and fails bad ones alone") {
  testing::ReplicaDb db;
  std::vector<OrderRecord> group;
  group.push_back(sample("a"));
  OrderRecord bad = sample("b");
  bad.lines[0].quantity = 0;  // violates the schema's CHECK
  group.push_back(bad);
  group.push_back(sample("c"));
  group.push_back(sample("a"));  // duplicate id within the group
  auto r = place_orders(*db, std::move(group), "K9");
  REQUIRE(r.size() == 4);
  CHECK(r[0].is_ok());
  CHECK(r[1].status().code() == Code::kInvalidArgument);
  CHECK(r[2].is_ok());
  CHECK(r[3].status().code() == Code::kAlreadyExists);
  // The failed order gave its number back: numbers stay dense.
  CHECK(r[0]->order.number == "K9-0001");
  CHECK(r[2]->order.number == "K9-0002");
  CHECK(*db->query_int("SELECT count(*) FROM orders") == 2);
  CHECK(*db->query_int("SELECT count(*) FROM order_items WHERE order_id = 'b'") == 0);
}

TEST_CASE("the outbox drains in order; dead letters are kept and counted") {
  testing::ReplicaDb db;
  for (const char* id : {"o1", "o2", "o3"}) place(*db, sample(id));
  auto pending = pending_outbox(*db, 2);
  REQUIRE(pending.is_ok());
  REQUIRE(pending->size() == 2);
  CHECK((*pending)[0].id == "o1");
  CHECK((*pending)[1].id == "o2");
  REQUIRE(record_push_failure(*db, {"o1", "o2"}, "hub unreachable").is_ok());
  CHECK((*find_order(*db, "o1"))->sync_error == "hub unreachable");
  REQUIRE(mark_synced(*db, {"o1"}).is_ok());
  REQUIRE(mark_dead(*db, "o2", "conflict: same id, different content").is_ok());
  auto counts = outbox_counts(*db);
  CHECK(counts->pending == 1);
  CHECK(counts->dead == 1);
  CHECK(counts->synced == 1);
  CHECK((*pending_outbox(*db, 10))[0].id == "o3");
  CHECK((*find_order(*db, "o2"))->sync_state == "dead");
  CHECK(*db->query_int("SELECT count(*) FROM orders") == 3);  // nothing dropped
}

}  // namespace larder::storage
