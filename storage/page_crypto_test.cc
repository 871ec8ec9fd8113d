#include "storage/page_crypto.h"

#include <doctest/doctest.h>

#include <fstream>

#include "storage/database.h"
#include "storage/testing/temp_dir.h"
#include "storage/transaction.h"

namespace larder::storage {
using testing::TempDir;

namespace {

SecretKey key_of(std::uint8_t fill) {
  std::array<std::uint8_t, 32> b{};
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::uint8_t>(fill + i * 13);
  return SecretKey(b);
}

std::unique_ptr<Database> must_open(const std::string& path, const SecretKey& key) {
  OpenOptions o;
  o.label = "tenant pc";
  auto db = Database::open(path, key, o);
  REQUIRE_MESSAGE(db.is_ok(), db.status().to_string());
  return std::move(db).value();
}

std::string row_body(int i) {
  return "order-" + std::to_string(i) + std::string(200, 'a' + i % 26);
}

// Enough rows for a few hundred pages, some checkpointed into the .db and the
// rest left in the -wal, so both files' pages are read back.
void write_rows(Database& db, int from, int to) {
  auto tx = Transaction::begin(db, Durability::kFull);
  REQUIRE(tx.is_ok());
  for (int i = from; i < to; ++i) {
    auto ins = db.prepare("INSERT INTO t (id, body) VALUES (?, ?)");
    REQUIRE(ins.is_ok());
    REQUIRE((*ins)->bind_all(i, row_body(i)).run().is_ok());
  }
  REQUIRE(tx->commit().is_ok());
}

void make_file(const std::string& path, const SecretKey& key) {
  auto db = must_open(path, key);
  REQUIRE(db->exec("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)").is_ok());
  write_rows(*db, 0, 600);
  REQUIRE(db->exec("PRAGMA wal_checkpoint(TRUNCATE)").is_ok());
  write_rows(*db, 600, 1000);
  // Closing checkpoints; copy the files first so a WAL is part of the test.
}

void check_rows(Database& db, int n) {
  REQUIRE(db.check_integrity().is_ok());
  auto count = db.query_int("SELECT count(*) FROM t");
  REQUIRE(count.is_ok());
  CHECK(*count == n);
  auto q = db.prepare("SELECT body FROM t WHERE id = ?");
  REQUIRE(q.is_ok());
  for (int i : {0, 1, 599, 600, n - 1}) {
    (*q)->reset();
    (*q)->bind(1, i);
    auto row = (*q)->step();
    REQUIRE(row.is_ok());
    REQUIRE(*row);
    CHECK((*q)->column_text(0) == row_body(i));
  }
}

std::string provider_of(Database& db) {
  auto name = db.query_text("PRAGMA cipher_provider");
  REQUIRE(name.is_ok());
  return *name;
}

// Restores Larder's provider however a test ends.
struct ProviderGuard {
  ~ProviderGuard() { (void)use_page_crypto_for_testing(PageCrypto::kLarder); }
};

}  // namespace

TEST_CASE("this build pages through Larder's provider") {
  REQUIRE(install_page_crypto() == PageCrypto::kLarder);
  TempDir dir;
  auto db = must_open(dir.file("a.db"), key_of(1));
  CHECK(provider_of(*db) == kLarderProviderName);
}

TEST_CASE("files written by Larder's provider open with SQLCipher's stock provider and back") {
  REQUIRE(install_page_crypto() == PageCrypto::kLarder);
  ProviderGuard guard;
  TempDir dir;
  const SecretKey key = key_of(3);

  SUBCASE("Larder writes, stock reads and appends, Larder reads again") {
    make_file(dir.file("l.db"), key);
    REQUIRE(use_page_crypto_for_testing(PageCrypto::kStock).is_ok());
    {
      auto db = must_open(dir.file("l.db"), key);
      CHECK(provider_of(*db) == "openssl");
      check_rows(*db, 1000);
      write_rows(*db, 1000, 1200);
    }
    REQUIRE(use_page_crypto_for_testing(PageCrypto::kLarder).is_ok());
    auto db = must_open(dir.file("l.db"), key);
    check_rows(*db, 1200);
  }
  SUBCASE("stock writes, Larder reads") {
    REQUIRE(use_page_crypto_for_testing(PageCrypto::kStock).is_ok());
    make_file(dir.file("s.db"), key);
    REQUIRE(use_page_crypto_for_testing(PageCrypto::kLarder).is_ok());
    auto db = must_open(dir.file("s.db"), key);
    CHECK(provider_of(*db) == kLarderProviderName);
    check_rows(*db, 1000);
  }
  SUBCASE("a WAL written by one provider is recovered by the other") {
    // Copy the files while the writer is open: the copy has a WAL to replay.
    {
      auto db = must_open(dir.file("w.db"), key);
      REQUIRE(db->exec("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)").is_ok());
      write_rows(*db, 0, 600);
      REQUIRE(db->exec("PRAGMA wal_checkpoint(TRUNCATE)").is_ok());
      write_rows(*db, 600, 1000);
      testing::copy_file(dir.file("w.db"), dir.file("copy.db"));
      testing::copy_file(dir.file("w.db-wal"), dir.file("copy.db-wal"));
    }
    REQUIRE(use_page_crypto_for_testing(PageCrypto::kStock).is_ok());
    auto db = must_open(dir.file("copy.db"), key);
    check_rows(*db, 1000);
  }
}

TEST_CASE("Larder's provider keeps each database's keys apart and follows a rekey") {
  REQUIRE(install_page_crypto() == PageCrypto::kLarder);
  TempDir dir;
  // Two databases with different keys, used in turn on one thread.
  auto a = must_open(dir.file("a.db"), key_of(10));
  auto b = must_open(dir.file("b.db"), key_of(20));
  for (auto* db : {a.get(), b.get()}) {
    REQUIRE(db->exec("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)").is_ok());
  }
  for (int round = 0; round < 4; ++round) {
    write_rows(*a, round * 250, (round + 1) * 250);
    write_rows(*b, round * 250, (round + 1) * 250);
  }
  REQUIRE(a->rekey(key_of(30)).is_ok());
  write_rows(*a, 1000, 1100);
  a.reset();
  b.reset();

  auto wrong = Database::open(dir.file("a.db"), key_of(10), OpenOptions{});
  CHECK(wrong.status().code() == Code::kPermissionDenied);
  auto a2 = must_open(dir.file("a.db"), key_of(30));
  check_rows(*a2, 1100);
  auto b2 = must_open(dir.file("b.db"), key_of(20));
  check_rows(*b2, 1000);
}

TEST_CASE("a changed byte in a page fails its HMAC under Larder's provider") {
  REQUIRE(install_page_crypto() == PageCrypto::kLarder);
  TempDir dir;
  const std::string path = dir.file("t.db");
  {
    auto db = must_open(path, key_of(5));
    REQUIRE(db->exec("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)").is_ok());
    write_rows(*db, 0, 400);
  }  // closing checkpoints everything into the .db
  std::string bytes = testing::slurp(path);
  const std::size_t page = static_cast<std::size_t>(kPageSize);
  REQUIRE(bytes.size() > 10 * page);
  bytes[5 * page + 100] = static_cast<char>(bytes[5 * page + 100] ^ 0x01);  // page 6
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;

  auto db = must_open(path, key_of(5));
  Status s = db->check_integrity();
  CHECK(s.code() == Code::kDataLoss);
}

}  // namespace larder::storage
