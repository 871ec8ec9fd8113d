// Power-loss and I/O-failure sweeps over an order-sized commit (SQLite's
// test6.c crash harness is the model). For N = 1, 2, ... the Nth write or
// sync fails, or the power goes at it, until the commit completes with no
// fault left to fire. After each run the database is reopened through the
// ordinary VFS and must pass integrity_check and cipher_integrity_check, keep
// the order committed before, and hold the new order whole or not at all —
// and whole whenever commit() had reported success.
#include <doctest/doctest.h>

#include "storage/database.h"
#include "storage/fault_vfs.h"
#include "storage/migrations.h"
#include "storage/testing/order_fixture.h"
#include "storage/testing/temp_dir.h"

namespace larder::storage {
using testing::TempDir;

namespace {

SecretKey key() {
  std::array<std::uint8_t, 32> b{};
  b.fill(0x5a);
  return SecretKey(b);
}

OpenOptions via(const std::string& vfs) {
  OpenOptions o;
  o.label = "tenant crash";
  o.vfs = vfs;
  return o;
}

enum class Mode { kFailWriteOnce, kFailWriteForever, kFailSyncOnce, kCrashAtWrite, kCrashAtSync,
                  kCrashAtWriteKeepSome };

const char* mode_name(Mode m) {
  switch (m) {
    case Mode::kFailWriteOnce: return "fail write once";
    case Mode::kFailWriteForever: return "fail write from then on";
    case Mode::kFailSyncOnce: return "fail sync once";
    case Mode::kCrashAtWrite: return "power cut at write, unsynced dropped";
    case Mode::kCrashAtSync: return "power cut at sync, unsynced dropped";
    case Mode::kCrashAtWriteKeepSome: return "power cut at write, random unsynced writes land";
  }
  return "?";
}

void arm(FaultVfs& vfs, Mode m, int n) {
  using Op = FaultVfs::Op;
  vfs.disarm();
  bool crash = m == Mode::kCrashAtWrite || m == Mode::kCrashAtSync || m == Mode::kCrashAtWriteKeepSome;
  vfs.hold_unsynced(crash);
  switch (m) {
    case Mode::kFailWriteOnce: vfs.fail_nth(Op::kWrite, n, false); break;
    case Mode::kFailWriteForever: vfs.fail_nth(Op::kWrite, n, true); break;
    case Mode::kFailSyncOnce: vfs.fail_nth(Op::kSync, n, false); break;
    case Mode::kCrashAtWrite: vfs.crash_at(Op::kWrite, n); break;
    case Mode::kCrashAtSync: vfs.crash_at(Op::kSync, n); break;
    case Mode::kCrashAtWriteKeepSome:
      vfs.crash_at(Op::kWrite, n);
      vfs.crash_keeps_random_subset(0x9e3779b97f4a7c15ULL * static_cast<unsigned>(n));
      break;
  }
}

// Returns how many runs it took until the commit went through untouched.
int sweep(Mode mode) {
  TempDir dir;
  std::string tmpl = dir.file("template.db");
  {
    auto db = Database::open(tmpl, key(), via(""));
    REQUIRE(db.is_ok());
    REQUIRE(migrate(**db, replica_migrations()).is_ok());
    REQUIRE(testing::write_test_order(**db, "o-old", 1).is_ok());
  }  // closing the last connection checkpoints and removes the WAL
  FaultVfs vfs("larder-fault-" + std::to_string(static_cast<int>(mode)));
  for (int n = 1; n <= 500; ++n) {
    CAPTURE(mode_name(mode));
    CAPTURE(n);
    std::string path = dir.file("run-" + std::to_string(n) + ".db");
    testing::copy_file(tmpl, path);
    Status committed;
    {
      vfs.disarm();
      vfs.hold_unsynced(mode == Mode::kCrashAtWrite || mode == Mode::kCrashAtSync ||
                        mode == Mode::kCrashAtWriteKeepSome);
      auto db = Database::open(path, key(), via(vfs.name()));
      REQUIRE_MESSAGE(db.is_ok(), db.status().to_string());
      arm(vfs, mode, n);
      committed = testing::write_test_order(**db, "o-new", 2);
      // The database closes here, still under the fault: its checkpoint and
      // WAL removal are part of the sweep.
    }
    bool fired = vfs.fault_fired();
    vfs.disarm();
    auto db = Database::open(path, key(), via(""));
    REQUIRE_MESSAGE(db.is_ok(), db.status().to_string());
    Status integrity = (*db)->check_integrity();
    CHECK_MESSAGE(integrity.is_ok(), integrity.to_string());
    CHECK(*testing::count_test_order_rows(**db, "o-old") == testing::kTestOrderRows);
    int rows = *testing::count_test_order_rows(**db, "o-new");
    CHECK_MESSAGE((rows == 0 || rows == testing::kTestOrderRows), "partial order: ", rows);
    if (committed.is_ok()) {
      CHECK_MESSAGE(rows == testing::kTestOrderRows, "an acknowledged commit was lost");
    }
    if (!fired) {
      CHECK(committed.is_ok());
      return n;
    }
  }
  FAIL("the sweep never reached a run without a fault");
  return -1;
}

}  // namespace

TEST_CASE("power-loss and I/O-failure sweep over an order commit") {
  for (Mode m : {Mode::kFailWriteOnce, Mode::kFailWriteForever, Mode::kFailSyncOnce,
                 Mode::kCrashAtWrite, Mode::kCrashAtSync, Mode::kCrashAtWriteKeepSome}) {
    int runs = sweep(m);
    std::string summary = std::string(mode_name(m)) + ": " + std::to_string(runs) + " runs";
    MESSAGE(summary);
    CHECK(runs > 1);  // the fault did hit the commit at least once
  }
}

TEST_CASE("the fault VFS really drops unsynced writes at a power cut") {
  // Guards the harness itself: a commit with synchronous=OFF is never synced,
  // so a power cut after it must lose it. If this passes, the sweeps above
  // are testing something.
  TempDir dir;
  std::string path = dir.file("t.db");
  {
    auto db = Database::open(path, key(), via(""));
    REQUIRE(migrate(**db, replica_migrations()).is_ok());
  }
  FaultVfs vfs("larder-fault-selftest");
  {
    vfs.hold_unsynced(true);
    auto db = Database::open(path, key(), via(vfs.name()));
    REQUIRE(db.is_ok());
    REQUIRE((*db)->exec("PRAGMA synchronous=OFF").is_ok());
    REQUIRE((*db)->exec("INSERT INTO items (id, category_id, name, price_minor, updated_at)"
                        " VALUES ('i', 'c', 'lost', 1, 'now')")
                .is_ok());
    vfs.crash_at(FaultVfs::Op::kWrite, vfs.count(FaultVfs::Op::kWrite) + 1);
    vfs.crash_at(FaultVfs::Op::kSync, vfs.count(FaultVfs::Op::kSync) + 1);
  }
  CHECK(vfs.crashed());
  vfs.disarm();
  auto db = Database::open(path, key(), via(""));
  REQUIRE(db.is_ok());
  CHECK(*(*db)->query_int("SELECT count(*) FROM items") == 0);
  CHECK((*db)->check_integrity().is_ok());
}

}  // namespace larder::storage
