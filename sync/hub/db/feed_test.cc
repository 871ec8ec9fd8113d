#include "sync/hub/db/feed.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <numeric>
#include <random>
#include <set>
#include <thread>

#include "sync/hub/db/change_listener.h"
#include "sync/hub/db/feed_test_util.h"
#include "sync/hub/db/pg_error.h"
#include "sync/hub/db/test_database.h"

namespace larder::hub::db {
namespace {

using feed_test::current_state;
using feed_test::exec_for_tenant;
using feed_test::id;
using feed_test::make_tenant;
using feed_test::Replica;

// One migrated database for this file's tests; each test uses its own tenants.
const HubTestDatabase& database() {
  static HubTestDatabase db = [] {
    auto created = HubTestDatabase::create(testing::shared_pg_server(), "feed");
    REQUIRE_MESSAGE(created.is_ok(), created.status().to_string());
    return *created;
  }();
  return db;
}

PgConnection hub_connection() {
  auto c = PgConnection::connect(database().hub_conninfo);
  REQUIRE_MESSAGE(c.is_ok(), c.status().to_string());
  return std::move(c).value();
}

std::string insert_item_sql() {
  return "INSERT INTO items (tenant_id, id, category_id, name, price_minor)"
         " VALUES ($1, $2, $3, $4, $5)"
         " ON CONFLICT (tenant_id, id) DO UPDATE SET name = EXCLUDED.name,"
         " price_minor = EXCLUDED.price_minor";
}

// Waits until another backend of this database is blocked on a lock.
void wait_until_someone_waits_for_a_lock(PgConnection& observer) {
  for (int i = 0; i < 2000; ++i) {
    auto r = observer.exec(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database()"
        " AND wait_event_type = 'Lock'");
    REQUIRE(r.is_ok());
    if (r->get_int(0, "n") > 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  FAIL("no backend ever waited for the scope lock");
}

TEST_CASE("never skip: a transaction that stays open is delivered after it commits") {
  PgConnection setup = hub_connection();
  auto f = make_tenant(setup, 101);
  PgConnection reader = hub_connection();
  Replica replica;
  replica.catch_up(reader, f.tenant, f.location, 100);
  const FeedPosition before = replica.position;

  // A writes and stays open: it holds version v of the tenant scope.
  PgConnection conn_a = hub_connection();
  auto a = Transaction::begin_for_tenant(conn_a, f.tenant);
  REQUIRE(a.is_ok());
  REQUIRE(a->exec(insert_item_sql(), {f.tenant, id(101, 10), f.category, "A", "100"}).is_ok());

  // B writes and commits. In the same scope it must wait for A (the scope's
  // counter row orders the commits), so it runs on its own thread.
  std::thread b([&] {
    PgConnection conn_b = hub_connection();
    exec_for_tenant(conn_b, f.tenant, insert_item_sql(),
                    {f.tenant, id(101, 11), f.category, "B", "200"});
  });
  wait_until_someone_waits_for_a_lock(reader);

  // A read now sees neither; the position does not move past A's version.
  auto page = read_feed(reader, f.tenant, f.location, replica.position, 100);
  REQUIRE(page.is_ok());
  CHECK(page->entries.empty());
  CHECK(page->next == before);
  replica.apply(*page);

  REQUIRE(a->commit().is_ok());
  b.join();
  auto after = read_feed(reader, f.tenant, f.location, replica.position, 100);
  REQUIRE(after.is_ok());
  REQUIRE(after->entries.size() == 2);
  CHECK(after->entries[0].row_json.find("\"A\"") != std::string::npos);
  CHECK(after->entries[1].row_json.find("\"B\"") != std::string::npos);
  CHECK(after->entries[0].version < after->entries[1].version);
  replica.apply(*after);
  CHECK(replica.rows == current_state(reader, f.tenant, f.location));
}

TEST_CASE("never skip: a change in another scope commits first, the open one still arrives") {
  // A writes the location scope (a locations row) and stays open; B writes
  // the tenant scope and commits at once; neither waits for the other.
  PgConnection setup = hub_connection();
  auto f = make_tenant(setup, 102);
  PgConnection reader = hub_connection();
  Replica replica;
  replica.catch_up(reader, f.tenant, f.location, 100);

  PgConnection conn_a = hub_connection();
  auto a = Transaction::begin_for_tenant(conn_a, f.tenant);
  REQUIRE(a.is_ok());
  REQUIRE(a->exec("UPDATE locations SET name = 'Renamed' WHERE tenant_id = $1 AND id = $2",
                  {f.tenant, f.location})
              .is_ok());
  exec_for_tenant(setup, f.tenant, insert_item_sql(),
                  {f.tenant, id(102, 10), f.category, "B", "1"});

  auto page = read_feed(reader, f.tenant, f.location, replica.position, 100);
  REQUIRE(page.is_ok());
  REQUIRE(page->entries.size() == 1);
  CHECK(page->entries[0].table == "items");
  replica.apply(*page);

  REQUIRE(a->commit().is_ok());
  replica.catch_up(reader, f.tenant, f.location, 100);
  CHECK(replica.rows == current_state(reader, f.tenant, f.location));
  CHECK(replica.rows["locations|{\"id\":\"" + f.location + "\"}"]["name"] == "Renamed");
}

TEST_CASE("a transaction of 10 changes never splits across pages, even with limit 3") {
  PgConnection conn = hub_connection();
  auto f = make_tenant(conn, 103);
  PgConnection reader = hub_connection();
  Replica replica;
  replica.catch_up(reader, f.tenant, f.location, 100);

  for (int round = 0; round < 3; ++round) {
    auto tx = Transaction::begin_for_tenant(conn, f.tenant);
    REQUIRE(tx.is_ok());
    for (int i = 0; i < 10; ++i) {
      REQUIRE(tx->exec(insert_item_sql(), {f.tenant, id(103, 100 * round + i), f.category,
                                           "item " + std::to_string(i), std::to_string(round)})
                  .is_ok());
    }
    REQUIRE(tx->commit().is_ok());
  }
  // Three transactions of 10: each page holds exactly one of them.
  for (int round = 0; round < 3; ++round) {
    auto page = read_feed(reader, f.tenant, f.location, replica.position, 3);
    REQUIRE(page.is_ok());
    REQUIRE(page->entries.size() == 10);
    for (const auto& e : page->entries) CHECK(e.version == page->entries[0].version);
    CHECK(page->more == (round < 2));
    replica.apply(*page);
  }
  // From zero, too: the snapshot pages keep transactions whole.
  Replica fresh;
  auto first = read_feed(reader, f.tenant, f.location, FeedPosition{}, 3);
  REQUIRE(first.is_ok());
  CHECK(first->more);
  fresh.apply(*first);
  fresh.catch_up(reader, f.tenant, f.location, 3);
  CHECK(fresh.rows == current_state(reader, f.tenant, f.location));
  CHECK(fresh.rows == replica.rows);
}

TEST_CASE(
    "a staged snapshot pages a transaction larger than the limit; nothing shows before the swap") {
  PgConnection conn = hub_connection();
  auto f = make_tenant(conn, 109);
  {
    auto tx = Transaction::begin_for_tenant(conn, f.tenant);
    REQUIRE(tx.is_ok());
    for (int i = 0; i < 10; ++i) {
      REQUIRE(tx->exec(insert_item_sql(),
                       {f.tenant, id(109, 100 + i), f.category, "item " + std::to_string(i), "1"})
                  .is_ok());
    }
    REQUIRE(tx->commit().is_ok());
  }
  PgConnection reader = hub_connection();
  const auto state = current_state(reader, f.tenant, f.location);  // 14 rows: 4 + 10 items
  feed_test::StagedReplica staged;
  std::set<std::int64_t> versions_split;
  std::vector<std::size_t> sizes;
  for (;;) {
    auto page = read_feed(reader, f.tenant, f.location, staged.position, 3, SnapshotPaging::kByKey);
    REQUIRE(page.is_ok());
    sizes.push_back(page->entries.size());
    if (page->more) {
      // What a screen sees stays empty until the last page.
      CHECK(staged.rows.empty());
      CHECK(page->next.tenant_snapshot_key.has_value() !=
            page->next.location_snapshot_key.has_value());
    }
    if (!staged.apply(*page, 3)) break;
  }
  CHECK(staged.swaps == 1);
  CHECK(staged.rows == state);
  // Pages of exactly the limit while the snapshot lasts: the 10-row
  // transaction was split (the whole-version reader gets it in one page).
  REQUIRE(sizes.size() >= 5);
  for (std::size_t i = 0; i + 1 < sizes.size(); ++i) CHECK(sizes[i] <= 3);
  CHECK(std::accumulate(sizes.begin(), sizes.end(), std::size_t{0}) == state.size());
  // The position after the snapshot is an ordinary one, and outside the
  // snapshot transactions are whole again, whatever the limit.
  CHECK_FALSE(staged.position.tenant_snapshot_key.has_value());
  CHECK(staged.position.tenant_snapshot_end == 0);
  {
    auto tx = Transaction::begin_for_tenant(conn, f.tenant);
    REQUIRE(tx.is_ok());
    for (int i = 0; i < 10; ++i) {
      REQUIRE(tx->exec(insert_item_sql(), {f.tenant, id(109, 200 + i), f.category, "later", "2"})
                  .is_ok());
    }
    REQUIRE(tx->commit().is_ok());
  }
  auto later = read_feed(reader, f.tenant, f.location, staged.position, 3, SnapshotPaging::kByKey);
  REQUIRE(later.is_ok());
  CHECK(later->entries.size() == 10);
  CHECK_FALSE(later->more);
}

TEST_CASE("never skip in a staged snapshot: rows changed, deleted and added between pages arrive") {
  PgConnection conn = hub_connection();
  auto f = make_tenant(conn, 110);
  {
    auto tx = Transaction::begin_for_tenant(conn, f.tenant);
    REQUIRE(tx.is_ok());
    for (int i = 0; i < 30; ++i) {
      REQUIRE(tx->exec(insert_item_sql(), {f.tenant, id(110, i), f.category, "v1", "1"}).is_ok());
    }
    REQUIRE(tx->commit().is_ok());
  }
  PgConnection reader = hub_connection();
  feed_test::StagedReplica staged;
  auto page = read_feed(reader, f.tenant, f.location, staged.position, 8, SnapshotPaging::kByKey);
  REQUIRE(page.is_ok());
  REQUIRE(page->more);
  staged.apply(*page, 8);
  // Between pages: change one row already delivered and one not yet, delete
  // one of each, add a new one. Then page on.
  exec_for_tenant(conn, f.tenant,
                  "UPDATE items SET name = 'v2' WHERE tenant_id = $1 AND id = ANY($2::uuid[])",
                  {f.tenant, "{" + id(110, 0) + "," + id(110, 29) + "}"});
  exec_for_tenant(conn, f.tenant, "DELETE FROM items WHERE tenant_id = $1 AND id = ANY($2::uuid[])",
                  {f.tenant, "{" + id(110, 1) + "," + id(110, 28) + "}"});
  exec_for_tenant(conn, f.tenant, insert_item_sql(),
                  {f.tenant, id(110, 99), f.category, "new", "3"});
  staged.catch_up(reader, f.tenant, f.location, 8);
  CHECK(staged.resyncs == 0);
  CHECK(staged.rows == current_state(reader, f.tenant, f.location));
  CHECK(staged.rows.count("items|{\"id\":\"" + id(110, 28) + "\"}") == 0);
  CHECK(staged.rows["items|{\"id\":\"" + id(110, 29) + "\"}"]["name"] == "v2");
}

TEST_CASE("a staged snapshot whose snapshot end was purged resyncs; an old v1 snapshot goes on") {
  PgConnection conn = hub_connection();
  auto f = make_tenant(conn, 111);
  for (int i = 0; i < 6; ++i) {
    exec_for_tenant(conn, f.tenant, insert_item_sql(),
                    {f.tenant, id(111, i), f.category, "x", "1"});
  }
  PgConnection reader = hub_connection();
  feed_test::StagedReplica staged;
  auto page = read_feed(reader, f.tenant, f.location, staged.position, 2, SnapshotPaging::kByKey);
  REQUIRE(page.is_ok());
  staged.apply(*page, 2);
  REQUIRE(page->more);
  // A snapshot begun in version order (a cursor from before staged paging,
  // or a node that does not stage) keeps that order although kByKey is asked.
  auto v1 = read_feed(reader, f.tenant, f.location, FeedPosition{}, 2);
  REQUIRE(v1.is_ok());
  CHECK_FALSE(v1->next.tenant_snapshot_key.has_value());
  auto v1_next = read_feed(reader, f.tenant, f.location, v1->next, 2, SnapshotPaging::kByKey);
  REQUIRE(v1_next.is_ok());
  CHECK_FALSE(v1_next->next.tenant_snapshot_key.has_value());
  for (std::size_t i = 1; i < v1_next->entries.size(); ++i) {
    CHECK(v1_next->entries[i - 1].version <= v1_next->entries[i].version);
  }

  // Delete a row and purge its tombstone: the staged snapshot's end is now
  // older than the oldest valid version, so it must start again.
  exec_for_tenant(conn, f.tenant, "DELETE FROM items WHERE tenant_id = $1 AND id = $2",
                  {f.tenant, id(111, 5)});
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  auto purged = purge_feed(conn, f.tenant, std::chrono::seconds(0));
  REQUIRE(purged.is_ok());
  REQUIRE(*purged >= 1);
  auto stale = read_feed(reader, f.tenant, f.location, staged.position, 2, SnapshotPaging::kByKey);
  REQUIRE(stale.is_ok());
  CHECK(stale->resync);
  staged.apply(*stale, 2);
  staged.catch_up(reader, f.tenant, f.location, 2);
  CHECK(staged.resyncs == 1);
  CHECK(staged.rows == current_state(reader, f.tenant, f.location));

  // A key outside a snapshot is refused.
  FeedPosition forged;
  forged.tenant_version = 3;
  forged.tenant_snapshot_key = SnapshotKey{"items", "{}"};
  CHECK(read_feed(reader, f.tenant, f.location, forged, 2).status().code() ==
        Code::kInvalidArgument);
}

TEST_CASE("noisy neighbour: tenant A's open transaction does not delay tenant B") {
  PgConnection conn = hub_connection();
  auto fa = make_tenant(conn, 104);
  auto fb = make_tenant(conn, 105);
  PgConnection reader = hub_connection();
  Replica ra, rb;
  ra.catch_up(reader, fa.tenant, fa.location, 100);
  rb.catch_up(reader, fb.tenant, fb.location, 100);

  PgConnection conn_a = hub_connection();
  auto a = Transaction::begin_for_tenant(conn_a, fa.tenant);
  REQUIRE(a.is_ok());
  REQUIRE(a->exec(insert_item_sql(), {fa.tenant, id(104, 10), fa.category, "A", "1"}).is_ok());

  exec_for_tenant(conn, fb.tenant, insert_item_sql(),
                  {fb.tenant, id(105, 10), fb.category, "B", "2"});
  auto page_b = read_feed(reader, fb.tenant, fb.location, rb.position, 100);
  REQUIRE(page_b.is_ok());
  REQUIRE(page_b->entries.size() == 1);
  CHECK(page_b->entries[0].row_json.find("\"B\"") != std::string::npos);
  auto page_a = read_feed(reader, fa.tenant, fa.location, ra.position, 100);
  REQUIRE(page_a.is_ok());
  CHECK(page_a->entries.empty());
  ra.apply(*page_a);

  REQUIRE(a->commit().is_ok());
  auto later = read_feed(reader, fa.tenant, fa.location, ra.position, 100);
  REQUIRE(later.is_ok());
  REQUIRE(later->entries.size() == 1);
  CHECK(later->entries[0].row_json.find("\"A\"") != std::string::npos);
}

TEST_CASE("order status changes appear in the location scope") {
  PgConnection conn = hub_connection();
  auto f = make_tenant(conn, 106);
  exec_for_tenant(conn, f.tenant,
                  "INSERT INTO devices (tenant_id, id, location_id, name, short_code)"
                  " VALUES ($1, $2, $3, 'K1', 'K1')",
                  {f.tenant, id(106, 50), f.location});
  exec_for_tenant(
      conn, f.tenant,
      "INSERT INTO orders (tenant_id, id, location_id, device_id, number, subtotal_minor,"
      " tax_minor, total_minor, currency, placed_at, content_hash)"
      " VALUES ($1, $2, $3, $4, 'K1-0001', 100, 8, 108, 'USD', now(), repeat('a', 64))",
      {f.tenant, id(106, 60), f.location, id(106, 50)});
  PgConnection reader = hub_connection();
  Replica replica;
  replica.catch_up(reader, f.tenant, f.location, 100);
  const std::string key = "orders|{\"id\":\"" + id(106, 60) + "\"}";
  REQUIRE(replica.rows.count(key) == 1);
  CHECK(replica.rows[key]["status"] == "placed");
  CHECK(replica.rows[key].size() == 3);  // id, status, updated_at only

  exec_for_tenant(conn, f.tenant,
                  "UPDATE orders SET status = 'ready' WHERE tenant_id = $1 AND id = $2",
                  {f.tenant, id(106, 60)});
  auto page = read_feed(reader, f.tenant, f.location, replica.position, 100);
  REQUIRE(page.is_ok());
  REQUIRE(page->entries.size() == 1);
  CHECK(page->entries[0].scope == FeedScope::kLocation);
  replica.apply(*page);
  CHECK(replica.rows[key]["status"] == "ready");
  // A device of another location does not see it.
  Replica other;
  other.catch_up(reader, f.tenant, id(106, 99), 100);
  CHECK(other.rows.count(key) == 0);
}

TEST_CASE("resync: after tombstones are purged a stale position must resync; zero rebuilds") {
  PgConnection conn = hub_connection();
  auto f = make_tenant(conn, 107);
  for (int i = 0; i < 20; ++i) {
    exec_for_tenant(conn, f.tenant, insert_item_sql(),
                    {f.tenant, id(107, i), f.category, "x", "5"});
  }
  PgConnection reader = hub_connection();
  Replica stale;
  stale.catch_up(reader, f.tenant, f.location, 100);
  // Delete half; the stale reader does not read the tombstones yet.
  exec_for_tenant(conn, f.tenant,
                  "DELETE FROM items WHERE tenant_id = $1 AND price_minor = 5 AND name = 'x'"
                  " AND id < $2",
                  {f.tenant, id(107, 10)});
  exec_for_tenant(conn, f.tenant, insert_item_sql(),
                  {f.tenant, id(107, 30), f.category, "late", "6"});
  Replica current;
  current.catch_up(reader, f.tenant, f.location, 100);

  auto purged = purge_feed(conn, f.tenant, std::chrono::seconds(0));
  REQUIRE_MESSAGE(purged.is_ok(), purged.status().to_string());
  CHECK(*purged == 10);

  auto page = read_feed(reader, f.tenant, f.location, stale.position, 100);
  REQUIRE(page.is_ok());
  CHECK(page->resync);
  CHECK(page->entries.empty());
  CHECK(page->resync_reason.find("oldest valid version") != std::string::npos);
  // A reader that already saw the deletes is not affected.
  auto fine = read_feed(reader, f.tenant, f.location, current.position, 100);
  REQUIRE(fine.is_ok());
  CHECK_FALSE(fine->resync);

  Replica rebuilt;
  rebuilt.catch_up(reader, f.tenant, f.location, 4);
  CHECK(rebuilt.resyncs == 0);
  CHECK(rebuilt.rows == current_state(reader, f.tenant, f.location));
  CHECK(rebuilt.rows == current.rows);

  // A position from another database (ahead of this one) resyncs too.
  FeedPosition future = current.position;
  future.tenant_version += 1000;
  CHECK(read_feed(reader, f.tenant, f.location, future, 10)->resync);
  CHECK(read_feed(reader, f.tenant, f.location, FeedPosition{}, 0).status().code() ==
        Code::kInvalidArgument);
}

TEST_CASE("the change listener hears commits of a scope at once") {
  PgConnection conn = hub_connection();
  auto f = make_tenant(conn, 108);
  std::mutex mu;
  std::condition_variable cv;
  std::vector<ScopeChange> heard;
  auto listener = ChangeListener::start(database().hub_conninfo, [&](const ScopeChange& c) {
    std::lock_guard<std::mutex> lock(mu);
    heard.push_back(c);
    cv.notify_all();
  });
  REQUIRE_MESSAGE(listener.is_ok(), listener.status().to_string());
  exec_for_tenant(conn, f.tenant, insert_item_sql(), {f.tenant, id(108, 1), f.category, "n", "1"});
  exec_for_tenant(conn, f.tenant, "UPDATE locations SET name = 'L2' WHERE tenant_id = $1",
                  {f.tenant});
  std::unique_lock<std::mutex> lock(mu);
  auto has = [&](const std::string& loc) {
    for (const auto& c : heard) {
      if (c.tenant_id == f.tenant && c.location_id == loc) return true;
    }
    return false;
  };
  cv.wait_for(lock, std::chrono::seconds(30),
              [&] { return has(kTenantScopeLocation) && has(f.location); });
  CHECK(has(kTenantScopeLocation));
  CHECK(has(f.location));
  CHECK(heard.front().everything);  // the first call after connecting
}

// Several writer threads make >= 100,000 changes (inserts, updates,
// deletes and re-inserts of the same ids, in transactions of 1..20 rows,
// across two tenants and both scopes) while readers pull; at the end each
// reader's replica equals the tables.
TEST_CASE("randomized: concurrent writers, readers pulling throughout, replicas converge") {
  PgConnection setup = hub_connection();
  std::vector<feed_test::TenantFixture> tenants = {make_tenant(setup, 201),
                                                   make_tenant(setup, 202)};
  constexpr int kWriters = 4;
  constexpr long kChangesPerWriter = 25'000;
  std::atomic<long> changes{0};
  std::atomic<int> writers_done{0};

  auto writer = [&](int w) {
    PgConnection conn = hub_connection();
    std::mt19937_64 rng(1000 + w);
    const auto& f = tenants[w % 2];
    long made = 0;
    long deadlocks = 0;
    while (made < kChangesPerWriter) {
      auto tx = Transaction::begin_for_tenant(conn, f.tenant);
      REQUIRE(tx.is_ok());
      // 1..3 statements per transaction, each changing 1..8 rows (in one
      // round trip), tenant-scope statements before the location scope (the
      // order every writer should keep; see FEED.md "Writers").
      int statements = 1 + static_cast<int>(rng() % 3);
      std::vector<int> kinds;
      for (int i = 0; i < statements; ++i) kinds.push_back(static_cast<int>(rng() % 10));
      std::stable_partition(kinds.begin(), kinds.end(), [](int k) { return k != 8; });
      Status failed;
      long rows = 0;
      for (int what : kinds) {
        std::set<long> picked;
        int m = 1 + static_cast<int>(rng() % 8);
        for (int i = 0; i < m; ++i) picked.insert(static_cast<long>(rng() % 400));
        std::string ids = "{";
        for (long n : picked) ids += (ids.size() > 1 ? "," : "") + id(300 + w % 2, n);
        ids += "}";
        Result<PgResult> r = PgResult();
        if (what < 6) {
          r = tx->exec(
              "INSERT INTO items (tenant_id, id, category_id, name, price_minor)"
              " SELECT $1, x::uuid, $3, $4, $5 FROM unnest($2::text[]) x"
              " ON CONFLICT (tenant_id, id) DO UPDATE SET name = EXCLUDED.name,"
              " price_minor = EXCLUDED.price_minor",
              {f.tenant, ids, f.category, "w" + std::to_string(w) + "-" + std::to_string(made),
               std::to_string(rng() % 5000)});
        } else if (what < 8) {
          r = tx->exec("DELETE FROM items WHERE tenant_id = $1 AND id = ANY($2::uuid[])",
                       {f.tenant, ids});
        } else if (what < 9) {
          r = tx->exec("UPDATE locations SET tax_rate_bp = $3 WHERE tenant_id = $1 AND id = $2",
                       {f.tenant, f.location, std::to_string(rng() % 100000)});
        } else {
          r = tx->exec("UPDATE categories SET sort_order = $3 WHERE tenant_id = $1 AND id = $2",
                       {f.tenant, f.category, std::to_string(rng() % 1000)});
        }
        failed = r.status();
        if (!failed.is_ok()) break;
        rows += r->affected_rows();
      }
      if (failed.is_ok()) failed = tx->commit();
      // Two writers of one tenant that take its two scopes (or two item rows)
      // in opposite orders deadlock; PostgreSQL aborts one, which retries.
      if (sqlstate_of(failed) == "40P01") {
        ++deadlocks;
        continue;
      }
      REQUIRE_MESSAGE(failed.is_ok(), failed.to_string());
      made += rows;
    }
    MESSAGE("writer " << w << ": " << made << " changes, " << deadlocks << " deadlocks retried");
    changes += made;
    ++writers_done;
  };

  // Per tenant: one reader from the start, one that starts from zero while
  // the writers are busy (paging a snapshot under concurrent writes), and a
  // staged one that does the same with the snapshot paged by key.
  auto staged_reader = [&](int t) {
    PgConnection conn = hub_connection();
    const auto& f = tenants[t];
    feed_test::StagedReplica replica;
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    while (writers_done.load() < kWriters) {
      auto page =
          read_feed(conn, f.tenant, f.location, replica.position, 40, SnapshotPaging::kByKey);
      REQUIRE_MESSAGE(page.is_ok(), page.status().to_string());
      if (!replica.apply(*page, 40)) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    replica.catch_up(conn, f.tenant, f.location, 40);
    CHECK(replica.resyncs == 0);
    CHECK(replica.rows == current_state(conn, f.tenant, f.location));
    MESSAGE("tenant " << t << " staged reader: " << replica.pages << " pages, " << replica.entries
                      << " entries, " << replica.swaps << " swaps, " << replica.rows.size()
                      << " rows");
  };
  auto reader = [&](int t, bool late) {
    PgConnection conn = hub_connection();
    const auto& f = tenants[t];
    Replica replica;
    if (late) std::this_thread::sleep_for(std::chrono::seconds(1));  // start mid-way
    while (writers_done.load() < kWriters) {
      auto page = read_feed(conn, f.tenant, f.location, replica.position, late ? 50 : 500);
      REQUIRE_MESSAGE(page.is_ok(), page.status().to_string());
      if (!replica.apply(*page)) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    replica.catch_up(conn, f.tenant, f.location, 500);
    CHECK(replica.resyncs == 0);
    CHECK(replica.rows == current_state(conn, f.tenant, f.location));
    MESSAGE("tenant " << t << std::string(late ? " late" : "") << " reader: " << replica.pages
                      << " pages, " << replica.entries << " entries, " << replica.rows.size()
                      << " rows");
  };

  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back(reader, t, false);
    threads.emplace_back(reader, t, true);
    threads.emplace_back(staged_reader, t);
  }
  for (int w = 0; w < kWriters; ++w) threads.emplace_back(writer, w);
  for (auto& th : threads) th.join();
  CHECK(changes.load() >= 100'000);
}

}  // namespace
}  // namespace larder::hub::db
