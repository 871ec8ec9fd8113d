#include "storage/database.h"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include "storage/keys.h"
#include "storage/testing/temp_dir.h"
#include "storage/transaction.h"

namespace larder::storage {
using testing::TempDir;

namespace {

SecretKey test_key(std::uint8_t fill) {
  std::array<std::uint8_t, 32> b{};
  b.fill(fill);
  return SecretKey(b);
}

OpenOptions labelled(const std::string& label) {
  OpenOptions o;
  o.label = label;
  return o;
}

std::unique_ptr<Database> must_open(const std::string& path, const SecretKey& key,
                                    OpenOptions o = labelled("tenant t1")) {
  auto db = Database::open(path, key, o);
  REQUIRE_MESSAGE(db.is_ok(), db.status().to_string());
  return std::move(db).value();
}

}  // namespace

TEST_CASE("encryption is really on: SQLCipher 4 and no plaintext in the .db or -wal") {
  TempDir dir;
  std::string path = dir.file("t.db");
  const std::string secret = "PLAINTEXT-MARKER-the-diner-ordered-a-burger";
  auto db = must_open(path, test_key(7));
  auto version = db->query_text("PRAGMA cipher_version");
  REQUIRE(version.is_ok());
  CHECK(version->rfind("4.", 0) == 0);
  REQUIRE(db->exec("CREATE TABLE notes (body TEXT)").is_ok());
  for (int i = 0; i < 50; ++i) {
    auto ins = db->prepare("INSERT INTO notes VALUES (?)");
    REQUIRE(ins.is_ok());
    REQUIRE((*ins)->bind(1, secret + std::to_string(i)).run().is_ok());
  }
  // The rows sit in the WAL now; check it before and after a checkpoint.
  CHECK(testing::slurp(path + "-wal").size() > 0);
  CHECK_FALSE(testing::file_contains(path + "-wal", "PLAINTEXT-MARKER"));
  REQUIRE(db->exec("PRAGMA wal_checkpoint(TRUNCATE)").is_ok());
  CHECK_FALSE(testing::file_contains(path, "PLAINTEXT-MARKER"));
  CHECK_FALSE(testing::file_contains(path, "SQLite format 3"));
  db.reset();

  // The same workload on a plain database does show the plaintext: the check can fail.
  OpenOptions plain = labelled("plain");
  plain.encrypted = false;
  auto pdb = must_open(dir.file("plain.db"), SecretKey(), plain);
  REQUIRE(pdb->exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('PLAINTEXT-MARKER')")
              .is_ok());
  REQUIRE(pdb->exec("PRAGMA wal_checkpoint(TRUNCATE)").is_ok());
  CHECK(testing::file_contains(dir.file("plain.db"), "PLAINTEXT-MARKER"));
}

TEST_CASE("a wrong key is refused with a clear error and the file is not changed") {
  TempDir dir;
  std::string path = dir.file("t.db");
  {
    auto db = must_open(path, test_key(1));
    REQUIRE(db->exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (42)").is_ok());
  }
  std::string before = testing::sha256_file(path);
  REQUIRE_FALSE(before.empty());
  auto bad = Database::open(path, test_key(2), labelled("tenant acme"));
  REQUIRE_FALSE(bad.is_ok());
  CHECK(bad.status().code() == Code::kPermissionDenied);
  CHECK(bad.status().message().find("tenant acme: the key does not open") == 0);
  CHECK(testing::sha256_file(path) == before);
  CHECK(testing::sha256_file(path + "-wal").empty());
  // The right key still opens it, with the data intact.
  auto db = must_open(path, test_key(1));
  CHECK(*db->query_int("SELECT x FROM t") == 42);
}

TEST_CASE("open without create refuses a missing file") {
  TempDir dir;
  OpenOptions o = labelled("tenant gone");
  o.create = false;
  auto db = Database::open(dir.file("missing.db"), test_key(1), o);
  CHECK(db.status().code() == Code::kNotFound);
}

TEST_CASE("WAL, foreign keys and durability settings") {
  TempDir dir;
  auto db = must_open(dir.file("t.db"), test_key(3));
  CHECK(*db->query_text("PRAGMA journal_mode") == "wal");
  CHECK(*db->query_int("PRAGMA foreign_keys") == 1);
  CHECK(*db->query_int("PRAGMA synchronous") == 1);  // NORMAL
  {
    auto tx = Transaction::begin(*db, Durability::kFull);
    REQUIRE(tx.is_ok());
    CHECK(*db->query_int("PRAGMA synchronous") == 2);  // FULL for this commit
    REQUIRE(tx->commit().is_ok());
  }
  REQUIRE(db->set_durability(Durability::kNormal).is_ok());
  CHECK(*db->query_int("PRAGMA synchronous") == 1);
}

namespace {

// The current value of one of SQLite's per-connection counters.
int db_status(Database& db, int op) {
  int current = 0, highwater = 0;
  REQUIRE(sqlite3_db_status(db.handle(), op, &current, &highwater, 0) == SQLITE_OK);
  return current;
}

// Pages SQLite wrote out of the page cache before the transaction committed
// (each such page is encrypted again when it is written a second time).
int spilled_pages(Database& db) { return db_status(db, SQLITE_DBSTATUS_CACHE_SPILL); }

// One transaction of about 6 MiB of pages, with random keys in an index, as a
// bootstrap or a resync writes.
void write_big_transaction(Database& db) {
  REQUIRE(
      db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT NOT NULL UNIQUE, v BLOB)").is_ok());
  auto tx = Transaction::begin(db);
  REQUIRE(tx.is_ok());
  REQUIRE(db.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) "
                  "INSERT INTO t (k, v) SELECT hex(randomblob(16)), randomblob(200) FROM n")
              .is_ok());
  REQUIRE(tx->commit().is_ok());
}

}  // namespace

TEST_CASE("a transaction's dirty pages stay in memory up to spill_kib, beyond the page cache") {
  TempDir dir;
  OpenOptions o = labelled("tenant t1");
  o.cache_kib = 1024;  // far smaller than the transaction
  SUBCASE("under the spill limit: every page is written once, at commit") {
    o.spill_kib = 32768;
    auto db = must_open(dir.file("t.db"), test_key(4), o);
    write_big_transaction(*db);
    CHECK(spilled_pages(*db) == 0);
    // Written at commit, the pages leave the cache down to its own size.
    int used = db_status(*db, SQLITE_DBSTATUS_CACHE_USED);
    MESSAGE("cache used after commit: " << used << " bytes");
    CHECK(used < 2 * 1024 * 1024);
  }
  SUBCASE("over it: SQLite writes pages early, as it must to bound memory") {
    o.spill_kib = 1024;
    auto db = must_open(dir.file("t.db"), test_key(4), o);
    write_big_transaction(*db);
    CHECK(spilled_pages(*db) > 0);
  }
}

TEST_CASE("a transaction rolls back unless committed, also on an error half-way") {
  TempDir dir;
  auto db = must_open(dir.file("t.db"), test_key(4));
  REQUIRE(db->exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)").is_ok());
  {
    auto tx = Transaction::begin(*db);
    REQUIRE(tx.is_ok());
    REQUIRE(db->exec("INSERT INTO t VALUES (1, 'a')").is_ok());
    // A failing statement inside the transaction; the caller returns early.
    Status s = db->exec("INSERT INTO t VALUES (1, 'duplicate')");
    CHECK(s.code() == Code::kConflict);
    CHECK(s.message().find(
              "tenant t1: INSERT INTO t VALUES (1, 'duplicate'): UNIQUE constraint failed") == 0);
  }
  CHECK_FALSE(db->in_transaction());
  CHECK(*db->query_int("SELECT count(*) FROM t") == 0);
  {
    auto tx = Transaction::begin(*db);
    REQUIRE(db->exec("INSERT INTO t VALUES (2, 'b')").is_ok());
    REQUIRE(tx->commit().is_ok());
    CHECK(tx->commit().code() == Code::kFailedPrecondition);
  }
  CHECK(*db->query_int("SELECT count(*) FROM t") == 1);
  CHECK(db->exec("INSERT INTO t VALUES (3, NULL)").code() == Code::kInvalidArgument);
}

TEST_CASE("prepared statements are cached and reused; nested use gets its own") {
  TempDir dir;
  auto db = must_open(dir.file("t.db"), test_key(5));
  REQUIRE(db->exec("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1), (2)").is_ok());
  const char* sql = "SELECT v FROM t ORDER BY v";
  Statement* first = nullptr;
  {
    auto a = db->prepare(sql);
    REQUIRE(a.is_ok());
    first = &**a;
    CHECK(*(*a)->step() == true);
    // Same SQL while the first is mid-iteration: a separate statement.
    auto b = db->prepare(sql);
    REQUIRE(b.is_ok());
    CHECK(&**b != first);
    CHECK(*(*b)->step() == true);
    CHECK((*b)->column_int(0) == 1);
    CHECK(*(*a)->step() == true);
    CHECK((*a)->column_int(0) == 2);
  }
  auto again = db->prepare(sql);
  REQUIRE(again.is_ok());
  CHECK(&**again == first);  // reused, reset to the first row
  CHECK(*(*again)->step() == true);
  CHECK((*again)->column_int(0) == 1);
}

TEST_CASE("typed binding and reading round-trip, NULL included") {
  TempDir dir;
  auto db = must_open(dir.file("t.db"), test_key(6));
  REQUIRE(db->exec("CREATE TABLE t (i INTEGER, s TEXT, b BLOB, n TEXT)").is_ok());
  std::vector<std::uint8_t> blob{0, 1, 2, 255};
  {
    auto ins = db->prepare("INSERT INTO t VALUES (?, ?, ?, ?)");
    REQUIRE(ins.is_ok());
    (*ins)
        ->bind(1, std::int64_t{9'007'199'254'740'993})
        .bind(2, "héllo")
        .bind_blob(3, blob.data(), blob.size());
    (*ins)->bind(4, std::optional<std::string>());
    REQUIRE((*ins)->run().is_ok());
  }
  auto q = db->prepare("SELECT i, s, b, n FROM t");
  REQUIRE(*(*q)->step());
  CHECK((*q)->column_int(0) == 9'007'199'254'740'993);
  CHECK((*q)->column_text(1) == "héllo");
  CHECK((*q)->column_blob(2) == blob);
  CHECK((*q)->column_is_null(3));
  CHECK_FALSE((*q)->column_optional_text(3).has_value());
  // Binding past the last parameter is reported by step().
  auto bad = db->prepare("SELECT ?");
  (*bad)->bind(2, 1);
  CHECK((*bad)->step().status().code() != Code::kOk);
}

TEST_CASE("rekey re-encrypts: the old key no longer opens the file, the new one does") {
  TempDir dir;
  std::string path = dir.file("t.db");
  {
    auto db = must_open(path, test_key(1));
    REQUIRE(db->exec("CREATE TABLE t (x); INSERT INTO t VALUES ('kept')").is_ok());
    REQUIRE(db->rekey(test_key(9)).is_ok());
    CHECK(*db->query_text("SELECT x FROM t") == "kept");
  }
  CHECK(Database::open(path, test_key(1), labelled("t")).status().code() ==
        Code::kPermissionDenied);
  auto db = must_open(path, test_key(9));
  CHECK(*db->query_text("SELECT x FROM t") == "kept");
  CHECK(db->check_integrity().is_ok());
}

TEST_CASE("a new file has 1 KiB pages, encrypted or plain") {
  TempDir dir;
  auto db = must_open(dir.file("t.db"), test_key(1));
  REQUIRE(db->exec("CREATE TABLE t (x); INSERT INTO t VALUES (1)").is_ok());
  CHECK(*db->page_size() == kPageSize);
  CHECK(*db->query_int("PRAGMA cipher_page_size") == kPageSize);
  db.reset();
  db = must_open(dir.file("t.db"), test_key(1));
  CHECK(*db->page_size() == kPageSize);
  OpenOptions plain = labelled("plain");
  plain.encrypted = false;
  auto pdb = must_open(dir.file("plain.db"), SecretKey(), plain);
  REQUIRE(pdb->exec("CREATE TABLE t (x)").is_ok());
  CHECK(*pdb->page_size() == kPageSize);
  OpenOptions odd = labelled("tenant odd");
  odd.page_size = 1000;
  CHECK(Database::open(dir.file("odd.db"), test_key(1), odd).status().code() ==
        Code::kInvalidArgument);
}

TEST_CASE("a file of the earlier format (4 KiB pages) opens, also with a crash's WAL") {
  TempDir dir;
  std::string path = dir.file("old.db");
  OpenOptions legacy = labelled("tenant old");
  legacy.page_size = kLegacyPageSize;
  {
    auto db = must_open(path, test_key(1), legacy);
    REQUIRE(db->exec("CREATE TABLE t (x); INSERT INTO t VALUES ('checkpointed')").is_ok());
    REQUIRE(db->exec("PRAGMA wal_checkpoint(TRUNCATE)").is_ok());
    REQUIRE(db->exec("INSERT INTO t VALUES ('in the WAL')").is_ok());
    // A crash now: the files as they are, WAL and all, before any checkpoint.
    testing::copy_file(path, dir.file("crash.db"));
    testing::copy_file(path + "-wal", dir.file("crash.db-wal"));
  }
  for (const char* name : {"old.db", "crash.db"}) {
    CAPTURE(name);
    std::string p = dir.file(name);
    std::string before = testing::sha256_file(p);
    std::string wal_before = testing::sha256_file(p + "-wal");
    // The wrong key fails at both page sizes and changes nothing.
    auto bad = Database::open(p, test_key(2), labelled("tenant old"));
    CHECK(bad.status().code() == Code::kPermissionDenied);
    CHECK(bad.status().message().find("tenant old: the key does not open") == 0);
    CHECK(testing::sha256_file(p) == before);
    CHECK(testing::sha256_file(p + "-wal") == wal_before);
    auto db = must_open(p, test_key(1));  // default options: 1 KiB for a new file
    CHECK(*db->page_size() == kLegacyPageSize);
    CHECK(*db->query_int("SELECT count(*) FROM t") == 2);
    REQUIRE(db->exec("INSERT INTO t VALUES ('after')").is_ok());
    CHECK(db->check_integrity().is_ok());
  }
}

}  // namespace larder::storage
