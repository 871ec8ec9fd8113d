// storage_bench: the encrypted store against plain SQLite, same engine, same run.
//
// Both sides use the pinned SQLite 3.51.3 inside SQLCipher 4.14.0 through
// storage::Database, with WAL; "plain" opens without a key (no codec), the
// "encrypted" side with a raw 256-bit key as the product does. Workloads:
//   durable_commits   N single-row INSERT transactions, synchronous=FULL each
//   bulk_insert       M rows in one transaction
//   point_reads_in_cache  M lookups by primary key, random order, on a fresh
//                     connection whose cache can hold the whole file (each
//                     page is read and decrypted once)
//   point_reads       the same through the product's cache, the file about
//                     three times its size (most reads miss it)
// Each workload runs in alternating rounds (plain, encrypted, plain, ...) on
// fresh files and the median round is reported, so drift of the machine hits
// both sides alike. Both sides use the same page size: the product's
// (storage::kPageSize, 1 KiB) unless --page-size says otherwise, e.g. 4096
// for the layout of files made before schema v4.
//
// Usage: storage_bench [--commits N] [--rows M] [--rounds R] [--cache-kib K] [--spill-kib S]
//                      [--page-size P] [--dir DIR] [--only plain|encrypted] [--workload NAME]
// --only and --workload narrow a run for a profiler (perf record); the table
// for docs/BENCHMARKS.md comes from a run with both sides.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "storage/database.h"
#include "storage/transaction.h"

namespace {

using larder::storage::Database;
using larder::storage::Durability;
using larder::storage::OpenOptions;
using larder::storage::SecretKey;
using larder::storage::Transaction;
using Clock = std::chrono::steady_clock;

// The product's settings unless the command line says otherwise; the same for both sides.
int g_cache_kib = OpenOptions{}.cache_kib;  // page cache per connection
int g_spill_kib = OpenOptions{}.spill_kib;  // dirty pages a transaction keeps before spilling
int g_page_size = larder::storage::kPageSize;

void die(const larder::Status& s) {
  std::fprintf(stderr, "storage_bench: %s\n", s.to_string().c_str());
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

struct Side {
  const char* name;
  bool encrypted;
};

// Both sides open with the same fixed key (ignored by the plain side).
std::unique_ptr<Database> open_bench_db(const std::string& path, const Side& side, bool create,
                                        int cache_kib) {
  std::array<std::uint8_t, 32> k{};
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(i * 7 + 1);
  OpenOptions o;
  o.label = side.name;
  o.encrypted = side.encrypted;
  o.create = create;
  o.cache_kib = cache_kib;
  o.spill_kib = g_spill_kib;
  o.page_size = g_page_size;
  return must(Database::open(path, SecretKey(k), o));
}

std::unique_ptr<Database> open_fresh(const std::string& path, const Side& side) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  auto db = open_bench_db(path, side, true, g_cache_kib);
  if (must(db->page_size()) != g_page_size) die(larder::internal_error("page size not applied"));
  must(
      db->exec("CREATE TABLE orders (id TEXT PRIMARY KEY, payload TEXT NOT NULL,"
               " total_minor INTEGER NOT NULL)"));
  return db;
}

std::string row_id(int i) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "0190b3c4-%04x-7000-8000-%012d", i % 0xffff, i);
  return buf;
}

const std::string kPayload(120, 'x');

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double durable_commits(const std::string& path, const Side& side, int n) {
  auto db = open_fresh(path, side);
  auto t0 = Clock::now();
  for (int i = 0; i < n; ++i) {
    auto tx = must(Transaction::begin(*db, Durability::kFull));
    auto ins = must(db->prepare("INSERT INTO orders VALUES (?, ?, ?)"));
    must(ins->bind_all(row_id(i), kPayload, i).run());
    must(tx.commit());
  }
  return seconds_since(t0);
}

double bulk_insert(const std::string& path, const Side& side, int rows) {
  auto db = open_fresh(path, side);
  auto t0 = Clock::now();
  auto tx = must(Transaction::begin(*db, Durability::kFull));
  for (int i = 0; i < rows; ++i) {
    auto ins = must(db->prepare("INSERT INTO orders VALUES (?, ?, ?)"));
    must(ins->bind_all(row_id(i), kPayload, i).run());
  }
  must(tx.commit());
  return seconds_since(t0);
}

double point_reads_with_cache(const std::string& path, const Side& side, int rows, int cache_kib) {
  {
    auto db = open_fresh(path, side);
    auto tx = must(Transaction::begin(*db));
    for (int i = 0; i < rows; ++i) {
      auto ins = must(db->prepare("INSERT INTO orders VALUES (?, ?, ?)"));
      must(ins->bind_all(row_id(i), kPayload, i).run());
    }
    must(tx.commit());
  }
  // Reopen so the reads start from a cold page cache (and, encrypted, must decrypt).
  auto db = open_bench_db(path, side, false, cache_kib);
  std::vector<int> order(static_cast<std::size_t>(rows));
  for (int i = 0; i < rows; ++i) order[static_cast<std::size_t>(i)] = i;
  std::shuffle(order.begin(), order.end(), std::mt19937(12345));
  std::int64_t sum = 0;
  auto t0 = Clock::now();
  for (int i : order) {
    auto q = must(db->prepare("SELECT total_minor FROM orders WHERE id = ?"));
    q->bind(1, row_id(i));
    if (!must(q->step())) die(larder::internal_error("row missing"));
    sum += q->column_int(0);
  }
  double s = seconds_since(t0);
  if (sum != static_cast<std::int64_t>(rows) * (rows - 1) / 2)
    die(larder::internal_error("bad sum"));
  return s;
}

// The product's page cache (8 MiB by default) and a table about three times
// its size: most reads miss the cache, and each miss decrypts a page.
double point_reads(const std::string& path, const Side& side, int rows) {
  return point_reads_with_cache(path, side, rows, g_cache_kib);
}

// The same reads through a cache that can hold the whole file (as a tenant
// whose working set fits its cache): each page is read, and decrypted, once.
constexpr int kWholeFileCacheKib = 128 * 1024;
double point_reads_in_cache(const std::string& path, const Side& side, int rows) {
  return point_reads_with_cache(path, side, rows, kWholeFileCacheKib);
}

double median(std::vector<double> v) {  // 0 for a side --only left out
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int commits = 10'000, rows = 100'000, rounds = 3;
  std::string dir = std::filesystem::temp_directory_path().string() + "/larder-storage-bench";
  std::string only, workload;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--commits")
      commits = std::atoi(argv[i + 1]);
    else if (a == "--rows")
      rows = std::atoi(argv[i + 1]);
    else if (a == "--rounds")
      rounds = std::atoi(argv[i + 1]);
    else if (a == "--dir")
      dir = argv[i + 1];
    else if (a == "--cache-kib")
      g_cache_kib = std::atoi(argv[i + 1]);
    else if (a == "--spill-kib")
      g_spill_kib = std::atoi(argv[i + 1]);
    else if (a == "--page-size")
      g_page_size = std::atoi(argv[i + 1]);
    else if (a == "--only")
      only = argv[i + 1];
    else if (a == "--workload")
      workload = argv[i + 1];
    else {
      std::fprintf(
          stderr,
          "usage: storage_bench [--commits N] [--rows M] [--rounds R] [--cache-kib K] "
          "[--spill-kib S] [--page-size P] [--dir DIR] [--only plain|encrypted] [--workload "
          "durable_commits|bulk_insert|point_reads|point_reads_in_cache]\n");
      return 2;
    }
  }
  std::filesystem::create_directories(dir);
  const Side sides[] = {{"plain SQLite 3.51.3", false}, {"encrypted (SQLCipher 4.14.0)", true}};
  auto wanted = [&only](const Side& side) {
    return only.empty() || only == (side.encrypted ? "encrypted" : "plain");
  };
  struct Workload {
    const char* key;
    const char* name;
    int count;
    const char* unit;
    double (*run)(const std::string&, const Side&, int);
  };
  const Workload workloads[] = {
      {"durable_commits", "durable single-row commits", commits, "commits/s", durable_commits},
      {"bulk_insert", "rows inserted in one transaction", rows, "rows/s", bulk_insert},
      {"point_reads_in_cache", "point reads, file within the page cache", rows, "reads/s",
       point_reads_in_cache},
      {"point_reads", "point reads, file 3x the page cache", rows, "reads/s", point_reads},
  };
  std::printf(
      "Page size %d bytes, page cache %d KiB (%d KiB for the reads within the cache) and"
      " spill threshold %d KiB on both sides.\n\n",
      g_page_size, g_cache_kib, kWholeFileCacheKib, g_spill_kib);
  std::printf("| workload | n | plain SQLite | encrypted | encrypted / plain time |\n");
  std::printf("|---|---:|---:|---:|---:|\n");
  for (const Workload& w : workloads) {
    if (!workload.empty() && workload != w.key) continue;
    std::vector<double> t[2];
    for (int r = 0; r < rounds; ++r) {
      for (int s = 0; s < 2; ++s) {
        if (wanted(sides[s])) t[s].push_back(w.run(dir + "/bench.db", sides[s], w.count));
      }
    }
    double plain = median(t[0]), enc = median(t[1]);
    std::printf("| %s | %d | %.0f %s | %.0f %s | %.2fx |\n", w.name, w.count, w.count / plain,
                w.unit, w.count / enc, w.unit, enc / plain);
    std::fflush(stdout);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
