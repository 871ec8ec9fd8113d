#include "storage/migrations.h"

#include <doctest/doctest.h>

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
                            "item_modifiers", "options", "orders", "order_items",
                            "order_item_options", "outbox", "sync_state"}) {
    auto n = db.query_int(std::string("SELECT count(*) FROM sqlite_schema WHERE name = '") +
                          table + "'");
    CHECK_MESSAGE(*n == 1, table);
  }
  CHECK(db.check_integrity().is_ok());
}

}  // namespace

TEST_CASE("migrations from an empty file reach the latest schema; running twice changes nothing") {
  TempDir dir;
  auto db = open_db(dir.file("t.db"));
  CHECK(*schema_version(*db) == 0);
  REQUIRE(migrate(*db, replica_migrations()).is_ok());
  check_latest(*db);
  auto before = db->query_text("SELECT group_concat(version || name || applied_at) FROM schema_migrations");
  REQUIRE(migrate(*db, replica_migrations()).is_ok());
  CHECK(*db->query_text("SELECT group_concat(version || name || applied_at) FROM schema_migrations") ==
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

TEST_CASE("a database from a newer schema is refused and left unchanged") {
  TempDir dir;
  std::string path = dir.file("t.db");
  {
    auto db = open_db(path);
    REQUIRE(migrate(*db, replica_migrations()).is_ok());
    REQUIRE(db->exec("PRAGMA user_version = " + std::to_string(latest_replica_version() + 4))
                .is_ok());
    REQUIRE(db->exec("PRAGMA wal_checkpoint(TRUNCATE)").is_ok());
  }
  std::string before = testing::sha256_file(path);
  auto db = open_db(path);
  Status s = migrate(*db, replica_migrations());
  CHECK(s.code() == Code::kFailedPrecondition);
  CHECK(s.message() == "tenant m: database schema version " +
                           std::to_string(latest_replica_version() + 4) +
                           " is newer than this build supports (" +
                           std::to_string(latest_replica_version()) +
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
