// FaultVfs: a named SQLite VFS that fails writes and syncs on demand and
// models a power cut (the fault seam of DESIGN.md decision 12; SQLite's own
// src/test_vfs.c and src/test6.c are the model).
//
// It wraps the default VFS. Databases opened with OpenOptions::vfs = name()
// go through it. What it can do, counted from the moment it is armed:
//  - fail_nth(kWrite, n, persistent): the n-th xWrite returns
//    SQLITE_IOERR_WRITE (once, or that one and every later one); likewise
//    kSync with SQLITE_IOERR_FSYNC.
//  - hold_unsynced(true): writes to database, WAL and journal files are kept
//    in memory (reads see them) and reach the file only when it is synced.
//  - crash_at(op, n): at the n-th operation the power goes: that operation
//    and every later write, sync, truncate and delete fail, and every write
//    not yet synced is lost, or, with crash_keeps_random_subset(seed), a
//    random subset of them lands (disks reorder unsynced writes).
// Locks and shared memory pass straight through, so a crashed connection can
// still be closed and the file reopened through the default VFS.
//
// Thread safety: the counters and state are guarded by a mutex; arm and
// disarm while no statement is running. Destroy it only after every database
// opened through it is closed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace larder::storage {

class FaultVfs {
 public:
  enum class Op { kWrite = 0, kSync = 1 };

  explicit FaultVfs(std::string name);
  ~FaultVfs();
  FaultVfs(const FaultVfs&) = delete;
  FaultVfs& operator=(const FaultVfs&) = delete;

  const std::string& name() const;

  void fail_nth(Op op, int n, bool persistent);
  void hold_unsynced(bool on);
  void crash_at(Op op, int n);
  void crash_keeps_random_subset(std::uint64_t seed);

  // Clears armed faults, the crash state and the counters.
  void disarm();
  bool fault_fired() const;  // a failure or the crash happened since arming
  bool crashed() const;
  int count(Op op) const;  // operations of this kind since arming

  struct State;  // implementation, shared with the C callbacks

 private:
  std::unique_ptr<State> state_;
};

}  // namespace larder::storage
