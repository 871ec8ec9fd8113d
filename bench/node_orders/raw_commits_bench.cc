// raw_commits_bench: the reference for the node's order placement: T threads,
// each with its own connection to one plain (unencrypted) SQLite database in
// WAL mode, each committing single-row INSERT transactions with
// synchronous=FULL (BEGIN IMMEDIATE, busy timeout 120 s) for a fixed time.
// The engine is the project's pinned SQLite 3.51.3 inside SQLCipher 4.14.0,
// through storage::Database with encrypted=false. Prints commits/s.
//
// usage: raw_commits_bench --dir DIR [--threads T] [--seconds S] [--payload BYTES]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "storage/database.h"
#include "storage/transaction.h"

namespace {

using larder::storage::Database;
using larder::storage::Durability;
using larder::storage::OpenOptions;
using larder::storage::SecretKey;
using larder::storage::Transaction;

[[noreturn]] void die(const larder::Status& s) {
  std::fprintf(stderr, "raw_commits_bench: %s\n", s.to_string().c_str());
  std::exit(1);
}

template <typename T>
T must(larder::Result<T> r) {
  if (!r.is_ok()) die(r.status());
  return std::move(r).value();
}

void must(const larder::Status& s) {
  if (!s.is_ok()) die(s);
}

std::unique_ptr<Database> open_db(const std::string& path) {
  OpenOptions o;
  o.label = "raw commits reference";
  o.encrypted = false;
  // 8 writers queue for one lock; SQLite's busy handler is unfair (sleeping
  // retries), so one writer can starve past the default 5 s on a loaded machine.
  o.busy_timeout_ms = 120000;
  return must(Database::open(path, SecretKey(std::array<std::uint8_t, 32>{}), o));
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  int threads = 8;
  double seconds = 10;
  std::size_t payload = 600;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--dir") dir = argv[i + 1];
    else if (a == "--threads") threads = std::atoi(argv[i + 1]);
    else if (a == "--seconds") seconds = std::atof(argv[i + 1]);
    else if (a == "--payload") payload = static_cast<std::size_t>(std::atol(argv[i + 1]));
    else {
      std::fprintf(stderr, "usage: raw_commits_bench --dir DIR [--threads T] [--seconds S] [--payload BYTES]\n");
      return 2;
    }
  }
  if (dir.empty()) {
    std::fprintf(stderr, "raw_commits_bench: --dir is required (put it on the node's disk)\n");
    return 2;
  }
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/raw_commits.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  {
    auto db = open_db(path);
    must(db->exec("CREATE TABLE orders (id TEXT PRIMARY KEY, payload TEXT NOT NULL)"));
  }
  const std::string body(payload, 'x');
  std::atomic<bool> stop{false};
  std::atomic<long> commits{0};
  // Open every connection before timing (and one at a time: opening sets WAL
  // mode, which does not wait on another connection's lock).
  std::vector<std::unique_ptr<Database>> dbs;
  for (int t = 0; t < threads; ++t) dbs.push_back(open_db(path));
  std::vector<std::thread> pool;
  auto t0 = std::chrono::steady_clock::now();
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      Database* db = dbs[static_cast<std::size_t>(t)].get();
      long n = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        auto tx = must(Transaction::begin(*db, Durability::kFull));
        auto ins = must(db->prepare("INSERT INTO orders VALUES (?, ?)"));
        must(ins->bind_all(std::to_string(t) + "-" + std::to_string(n++), body).run());
        must(tx.commit());
        commits.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : pool) th.join();
  dbs.clear();
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("commits_per_second %.1f\n", static_cast<double>(commits.load()) / elapsed);
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  return 0;
}
