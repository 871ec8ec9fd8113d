#include "node/core/tenant_writer.h"

#include <doctest/doctest.h>

#include <set>
#include <thread>

#include "storage/testing/replica_db.h"

namespace larder::node {

namespace {

storage::OrderRecord order(const std::string& id) {
  storage::OrderRecord o;
  o.id = id;
  o.location_id = "loc";
  o.subtotal_minor = o.total_minor = 500;
  o.currency = "USD";
  o.request_hash = "h";
  o.placed_at = o.updated_at = "2026-11-23T12:00:00.000Z";
  o.lines.push_back({1, "i", "Item", 500, 1, 500, {}});
  return o;
}

}  // namespace

TEST_CASE("concurrent orders are all placed, numbered uniquely, and share commits") {
  storage::testing::ReplicaDb replica;
  std::set<std::string> numbers;
  std::mutex mu;
  {
    TenantWriter writer(std::move(replica.db), "K1");
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 25; ++i) {
          auto r = writer.place(order("o-" + std::to_string(t) + "-" + std::to_string(i)));
          REQUIRE(r.is_ok());
          std::lock_guard<std::mutex> lock(mu);
          numbers.insert(r->order.number);
        }
      });
    }
    for (auto& th : threads) th.join();
    CHECK(writer.orders_committed() == 200);
    // With eight writers waiting at once, groups form; each group is one fsync.
    CHECK(writer.groups_committed() <= 200);
    MESSAGE("groups for 200 orders: " << writer.groups_committed());
    Status counted = writer.run([](storage::Database& db) -> Status {
      auto n = db.query_int("SELECT count(*) FROM outbox");
      if (!n.is_ok() || *n != 200) return internal_error("outbox does not hold 200 entries");
      return Status::ok();
    });
    CHECK(counted.is_ok());
  }
  CHECK(numbers.size() == 200);
}

TEST_CASE("jobs run in submission order and report their errors") {
  storage::testing::ReplicaDb replica;
  TenantWriter writer(std::move(replica.db), "K1");
  CHECK(writer.run([](storage::Database& db) { return db.exec("CREATE TABLE t (x)"); }).is_ok());
  CHECK(writer.place(order("a")).is_ok());
  Status s =
      writer.run([](storage::Database& db) { return db.exec("INSERT INTO nowhere VALUES (1)"); });
  CHECK(s.code() == Code::kInternal);
  auto dup = writer.place(order("a"));
  CHECK(dup.status().code() == Code::kAlreadyExists);
}

}  // namespace larder::node
