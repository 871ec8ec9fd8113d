#include "storage/order_ledger.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

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

std::string load_push_time(Database& db) {
  return *db.query_text("SELECT last_push_at FROM sync_state WHERE id = 1");
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

TEST_CASE("the stored lines are the JSON of FORMAT.md, byte for byte as nlohmann writes it") {
  testing::ReplicaDb db;
  OrderRecord o = sample("o-text");
  o.lines.push_back({2, "i-fries", "Fries \"large\"\n", 300, 1, 300, {}});
  place(*db, o);
  nlohmann::json expected = nlohmann::json::array();
  for (const OrderLineRecord& l : o.lines) {
    nlohmann::json options = nlohmann::json::array();
    for (const OrderOptionRecord& opt : l.options) {
      options.push_back({{"option_id", opt.option_id},
                         {"modifier_id", opt.modifier_id},
                         {"name", opt.name},
                         {"price_delta_minor", opt.price_delta_minor}});
    }
    expected.push_back({{"line_no", l.line_no},
                        {"item_id", l.item_id},
                        {"name", l.name},
                        {"unit_price_minor", l.unit_price_minor},
                        {"quantity", l.quantity},
                        {"line_total_minor", l.line_total_minor},
                        {"options", options}});
  }
  CHECK(*db->query_text("SELECT lines FROM orders WHERE id = 'o-text'") == expected.dump());
}

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

TEST_CASE("find_by_idempotency_key: the stored order with its request hash, or nothing") {
  testing::ReplicaDb db;
  place(*db, sample("o1", "key-1", "hash-a"));
  place(*db, sample("o2"));
  auto found = find_by_idempotency_key(*db, "key-1");
  REQUIRE_MESSAGE(found.is_ok(), found.status().to_string());
  REQUIRE(found->has_value());
  CHECK((*found)->id == "o1");
  CHECK((*found)->request_hash == "hash-a");
  CHECK((*found)->number == "K1-0001");
  CHECK((*found)->sync_state == "pending");
  auto missing = find_by_idempotency_key(*db, "key-2");
  REQUIRE(missing.is_ok());
  CHECK_FALSE(missing->has_value());
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
  CHECK(r[1].status().message() == "order b line 1: quantity 0 is outside 1..99");
  CHECK(*db->query_int("SELECT count(*) FROM orders") == 2);
  CHECK(*db->query_int("SELECT count(*) FROM outbox") == 2);
  CHECK_FALSE(find_order(*db, "b")->has_value());
}

TEST_CASE("lines are checked as the v2 schema's constraints did") {
  testing::ReplicaDb db;
  auto fails = [&](OrderRecord o) {
    std::vector<OrderRecord> one;
    one.push_back(std::move(o));
    auto r = place_orders(*db, std::move(one), "K1");
    return r[0].is_ok() ? std::string() : r[0].status().message();
  };
  OrderRecord o = sample("a");
  o.lines[0].line_no = 0;
  CHECK(fails(o) == "order a line 0: line numbers start at 1");
  o = sample("a");
  o.lines.push_back(o.lines[0]);
  CHECK(fails(o) == "order a line 1: the line number is used twice");
  o = sample("a");
  o.lines[0].quantity = 100;
  CHECK(fails(o) == "order a line 1: quantity 100 is outside 1..99");
  o = sample("a");
  o.lines[0].unit_price_minor = -1;
  CHECK(fails(o) == "order a line 1: a price is negative");
  o = sample("a");
  o.lines[0].options.push_back(o.lines[0].options[0]);
  CHECK(fails(o) == "order a line 1: option o-cheese is chosen twice");
  CHECK(*db->query_int("SELECT count(*) FROM orders") == 0);
  CHECK(fails(sample("a")).empty());
}

TEST_CASE("unreadable lines in the file are data loss, not a crash") {
  testing::ReplicaDb db;
  place(*db, sample("o1"));
  REQUIRE(db->exec("UPDATE orders SET lines = '[{\"line_no\": \"one\"}]'").is_ok());
  auto found = find_order(*db, "o1");
  CHECK(found.status().code() == Code::kDataLoss);
  CHECK(found.status().message().find("tenant test: order o1: its lines cannot be read") == 0);
  REQUIRE(db->exec("UPDATE orders SET lines = '{}'").is_ok());
  CHECK(find_order(*db, "o1").status().code() == Code::kDataLoss);
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
  CHECK((*find_order(*db, "o1"))->sync_state == "synced");
  CHECK((*find_order(*db, "o1"))->lines.size() == 1);
  CHECK(*db->query_int("SELECT count(*) FROM orders") == 3);  // nothing dropped
  CHECK(load_push_time(*db) != "");
}

TEST_CASE("one push's answers are recorded in one transaction") {
  testing::ReplicaDb db;
  for (const char* id : {"o1", "o2", "o3", "o4", "o5"}) place(*db, sample(id));
  REQUIRE(
      record_push_outcomes(*db, {"o1", "o3", "unknown"}, {{"o2", "rejected: conflict"}}).is_ok());
  auto counts = *outbox_counts(*db);
  CHECK(counts.pending == 2);
  CHECK(counts.dead == 1);
  CHECK(counts.synced == 2);
  CHECK((*find_order(*db, "o2"))->sync_error == "rejected: conflict");
  CHECK((*pending_outbox(*db, 10)).size() == 2);
  // A failing statement half-way leaves every answer unrecorded.
  REQUIRE(db->exec("CREATE TRIGGER no_dead BEFORE UPDATE OF state ON outbox"
                   " BEGIN SELECT RAISE(ABORT, 'refused'); END")
              .is_ok());
  CHECK_FALSE(record_push_outcomes(*db, {"o4"}, {{"o5", "x"}}).is_ok());
  CHECK((*find_order(*db, "o4"))->sync_state == "pending");
  CHECK((*find_order(*db, "o5"))->sync_state == "pending");
}

TEST_CASE("an order's commit writes few pages (SD-card wear)") {
  // Every page a commit touches is appended whole to the WAL: the bytes an
  // order costs the SD card are its frames. Schema v2 on 4 KiB pages took
  // about 12 frames (48 KiB) per order and 3 more to mark it synced.
  testing::ReplicaDb db;
  REQUIRE(*db->page_size() == kPageSize);
  REQUIRE(db->exec("PRAGMA wal_autocheckpoint=0").is_ok());  // the WAL only grows
  std::string wal = db->path() + "-wal";
  auto id = [](int i) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "0190b3c4-%04x-7000-8000-%012d", i / 100, i);
    return std::string(buf);
  };
  for (int i = 0; i < 50; ++i) place(*db, sample(id(i)));  // past the first pages
  const int n = 200;
  std::uintmax_t placing = 0, syncing = 0;
  for (int i = 50; i < 50 + n; ++i) {
    auto before = std::filesystem::file_size(wal);
    place(*db, sample(id(i), "key-" + std::to_string(i * 7919 % 1000)));
    auto placed = std::filesystem::file_size(wal);
    REQUIRE(mark_synced(*db, {id(i)}).is_ok());
    placing += placed - before;
    syncing += std::filesystem::file_size(wal) - placed;
  }
  const double frame = kPageSize + 24;
  double per_order = static_cast<double>(placing) / n / frame;
  double per_sync = static_cast<double>(syncing) / n / frame;
  MESSAGE("WAL frames per order " << per_order << ", per mark_synced " << per_sync);
  CHECK(per_order <= 7.0);
  CHECK(per_sync <= 2.1);
  CHECK(placing / n <= 8 * 1024);
}

}  // namespace larder::storage
