#include "storage/migrations.h"

#include <doctest/doctest.h>

#include "storage/order_ledger.h"
#include "storage/testing/order_fixture.h"
#include "storage/testing/temp_dir.h"

namespace larder::storage {
using testing::TempDir;

namespace {

SecretKey key() {
  std::array<std::uint8_t, 32> b{};
  b.fill(0x42);
  return SecretKey(b);
}

std::unique_ptr<Database> open_db(const std::string& path) {
  OpenOptions o;
  o.label = "tenant m";
  auto db = Database::open(path, key(), o);
  REQUIRE_MESSAGE(db.is_ok(), db.status().to_string());
  return std::move(db).value();
}

// Every table of the latest schema, and the migrations recorded.
void check_latest(Database& db) {
  CHECK(*schema_version(db) == latest_replica_version());
  CHECK(*db.query_int("SELECT count(*) FROM schema_migrations") == latest_replica_version());
  for (const char* table : {"tenants", "locations", "menus", "categories", "items", "modifiers",
                            "item_modifiers", "options", "orders", "outbox", "sync_state"}) {
    auto n = db.query_int(std::string("SELECT count(*) FROM sqlite_schema WHERE name = '") + table +
                          "'");
    CHECK_MESSAGE(*n == 1, table);
  }
  // v4 folded the lines into the orders row and dropped what no query reads.
  for (const char* gone : {"order_items", "order_item_options", "orders_placed", "outbox_pending",
                           "orders_v4", "outbox_v4"}) {
    CHECK_MESSAGE(*db.query_int(std::string("SELECT count(*) FROM sqlite_schema WHERE name = '") +
                                gone + "'") == 0,
                  gone);
  }
  CHECK(*db.query_text("PRAGMA foreign_key_check") == "");
  CHECK(db.check_integrity().is_ok());
}

}  // namespace

TEST_CASE("migrations from an empty file reach the latest schema; running twice changes nothing") {
  TempDir dir;
  auto db = open_db(dir.file("t.db"));
  CHECK(*schema_version(*db) == 0);
  REQUIRE(migrate(*db, replica_migrations()).is_ok());
  check_latest(*db);
  auto before =
      db->query_text("SELECT group_concat(version || name || applied_at) FROM schema_migrations");
  REQUIRE(migrate(*db, replica_migrations()).is_ok());
  CHECK(*db->query_text(
            "SELECT group_concat(version || name || applied_at) FROM schema_migrations") ==
        *before);
  check_latest(*db);
}

TEST_CASE("migrations from every earlier version keep the data already there") {
  for (int from = 1; from < latest_replica_version(); ++from) {
    CAPTURE(from);
    TempDir dir;
    auto db = open_db(dir.file("t.db"));
    REQUIRE(migrate(*db, replica_migrations(), from).is_ok());
    CHECK(*schema_version(*db) == from);
    REQUIRE(db->exec("INSERT INTO items (id, category_id, name, price_minor, updated_at)"
                     " VALUES ('i1', 'c1', 'Fries', 350, 'now')")
                .is_ok());
    if (from >= 2) {
      REQUIRE(testing::write_test_order(*db, "o1", 1).is_ok());
    }
    db.reset();
    db = open_db(dir.file("t.db"));
    REQUIRE(migrate(*db, replica_migrations()).is_ok());
    check_latest(*db);
    CHECK(*db->query_text("SELECT name FROM items WHERE id = 'i1'") == "Fries");
    if (from >= 2) CHECK(*testing::count_test_order_rows(*db, "o1") == testing::kTestOrderRows);
  }
}

TEST_CASE("migration 4 keeps every order whole, drops synced outbox rows, and numbers go on") {
  TempDir dir;
  auto db = open_db(dir.file("t.db"));
  REQUIRE(migrate(*db, replica_migrations(), 3).is_ok());
  for (int i = 1; i <= 3; ++i) {
    REQUIRE(testing::write_test_order(*db, "o" + std::to_string(i), i).is_ok());
  }
  REQUIRE(db->exec("UPDATE outbox SET state = 'synced' WHERE order_id = 'o1';"
                   "UPDATE outbox SET state = 'dead', last_error = 'rejected: bad tax',"
                   " attempts = 2 WHERE order_id = 'o2';"
                   "UPDATE orders SET note = 'no onions', idempotency_key = 'k-3',"
                   " request_hash = 'h-3', status = 'ready' WHERE id = 'o3';"
                   // Numbers K1-0001..K1-0041 were handed out (orders placed
                   // elsewhere in the sequence's history): the next is 42.
                   "UPDATE sync_state SET next_order_seq = 42")
              .is_ok());
  REQUIRE(migrate(*db, replica_migrations()).is_ok());
  check_latest(*db);
  for (const char* id : {"o1", "o2", "o3"}) {
    CAPTURE(id);
    CHECK(*testing::count_test_order_rows(*db, id) ==
          testing::kTestOrderRows - (std::string(id) == "o1" ? 1 : 0));
  }
  auto o1 = find_order(*db, "o1");
  REQUIRE(o1.is_ok());
  REQUIRE(o1->has_value());
  CHECK((*o1)->number == "T-1");
  CHECK((*o1)->sync_state == "synced");
  CHECK((*o1)->total_minor == 2538);
  REQUIRE((*o1)->lines.size() == 3);
  for (int l = 0; l < 3; ++l) {
    CHECK((*o1)->lines[l].line_no == l + 1);
    CHECK((*o1)->lines[l].name == "Classic burger with a long name");
    CHECK((*o1)->lines[l].line_total_minor == 750);
  }
  // Options keep their lines: opt-3 on line 1, opt-1 and opt-4 on line 2, opt-2 on line 3.
  REQUIRE((*o1)->lines[0].options.size() == 1);
  CHECK((*o1)->lines[0].options[0].option_id == "opt-3");
  REQUIRE((*o1)->lines[1].options.size() == 2);
  CHECK((*o1)->lines[1].options[0].option_id == "opt-1");
  CHECK((*o1)->lines[1].options[1].option_id == "opt-4");
  CHECK((*o1)->lines[1].options[1].price_delta_minor == 50);
  CHECK((*o1)->lines[1].options[1].modifier_id == "mod-extras");
  REQUIRE((*o1)->lines[2].options.size() == 1);
  CHECK((*o1)->lines[2].options[0].option_id == "opt-2");
  auto o2 = *find_order(*db, "o2");
  CHECK(o2->sync_state == "dead");
  CHECK(o2->sync_error == "rejected: bad tax");
  auto o3 = *find_order(*db, "o3");
  CHECK(o3->sync_state == "pending");
  CHECK(o3->status == "ready");
  CHECK(o3->note == "no onions");
  auto counts = *outbox_counts(*db);
  CHECK(counts.pending == 1);
  CHECK(counts.dead == 1);
  CHECK(counts.synced == 1);
  // The idempotency key still finds its order.
  OrderRecord retry = *o3;
  retry.id = "o-retry";
  std::vector<OrderRecord> one;
  one.push_back(retry);
  auto replay = place_orders(*db, std::move(one), "K1");
  REQUIRE(replay[0].is_ok());
  CHECK(replay[0]->replayed);
  CHECK(replay[0]->order.id == "o3");
  // The sequence goes on from sync_state.next_order_seq.
  OrderRecord fresh = *o3;
  fresh.id = "o4";
  fresh.idempotency_key.reset();
  one.clear();
  one.push_back(fresh);
  auto placed = place_orders(*db, std::move(one), "K1");
  REQUIRE_MESSAGE(placed[0].is_ok(), placed[0].status().to_string());
  CHECK(placed[0]->order.number == "K1-0042");
  REQUIRE(mark_synced(*db, {"o4"}).is_ok());
  CHECK((*pending_outbox(*db, 10)).front().id == "o3");
}

TEST_CASE("migration 4 of an empty ledger starts the numbers at 1") {
  TempDir dir;
  auto db = open_db(dir.file("t.db"));
  REQUIRE(migrate(*db, replica_migrations(), 3).is_ok());
  REQUIRE(migrate(*db, replica_migrations()).is_ok());
  check_latest(*db);
  OrderRecord o;
  o.id = "o1";
  o.location_id = "loc-1";
  o.currency = "USD";
  o.placed_at = o.updated_at = "2026-11-23T12:00:00.000Z";
  std::vector<OrderRecord> one;
  one.push_back(o);
  auto placed = place_orders(*db, std::move(one), "K1");
  REQUIRE_MESSAGE(placed[0].is_ok(), placed[0].status().to_string());
  CHECK(placed[0]->order.number == "K1-0001");
}

TEST_CASE("a database from a newer schema is refused and left unchanged") {
  TempDir dir;
  std::string path = dir.file("t.db");
  {
    auto db = open_db(path);
    REQUIRE(migrate(*db, replica_migrations()).is_ok());
    REQUIRE(
        db->exec("PRAGMA user_version = " + std::to_string(latest_replica_version() + 4)).is_ok());
    REQUIRE(db->exec("PRAGMA wal_checkpoint(TRUNCATE)").is_ok());
  }
  std::string before = testing::sha256_file(path);
  auto db = open_db(path);
  Status s = migrate(*db, replica_migrations());
  CHECK(s.code() == Code::kFailedPrecondition);
  CHECK(s.message() ==
        "tenant m: database schema version " + std::to_string(latest_replica_version() + 4) +
            " is newer than this build supports (" + std::to_string(latest_replica_version()) +
            "); install a newer larder-node. The file was not changed.");
  db.reset();
  CHECK(testing::sha256_file(path) == before);
}

TEST_CASE("a failing migration leaves the database at the previous version") {
  TempDir dir;
  auto db = open_db(dir.file("t.db"));
  const Migration broken[] = {
      {1, "001_ok", "CREATE TABLE a (x INTEGER);"},
      {2, "002_broken", "CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);"},
  };
  Status s = migrate(*db, broken);
  CHECK(s.code() == Code::kInternal);
  CHECK(s.message().find("migration 002_broken: ") == 0);
  CHECK(*schema_version(*db) == 1);
  CHECK(*db->query_int("SELECT count(*) FROM sqlite_schema WHERE name = 'b'") == 0);
}

}  // namespace larder::storage
