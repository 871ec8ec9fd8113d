#include "storage/fault_vfs.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <set>
#include <vector>

namespace larder::storage {
namespace {

struct PendingOp {
  bool truncate;  // else a write
  sqlite3_int64 offset;  // write offset, or the truncated size
  std::vector<unsigned char> data;
};

struct FaultFile {
  sqlite3_file base;        // must be first: SQLite sees this
  FaultVfs::State* state;
  bool holds;               // this file's unsynced writes are held in memory
  std::vector<PendingOp> pending;
  sqlite3_file* real;       // the wrapped file, allocated right after this struct
};

}  // namespace

struct FaultVfs::State {
  std::string name;
  sqlite3_vfs vfs{};
  sqlite3_vfs* root = nullptr;
  mutable std::mutex mu;
  // Guarded by mu:
  int counts[2] = {0, 0};
  int fail_n[2] = {0, 0};
  bool fail_persistent[2] = {false, false};
  int crash_n[2] = {0, 0};
  bool hold = false;
  bool crashed = false;
  bool fired = false;
  bool keep_subset = false;
  std::uint64_t rng = 0;
  std::set<FaultFile*> files;

  // Decides the fate of one write or sync. Returns false when it must fail.
  bool admit(Op op);
  void crash_locked();
  std::uint64_t next_random() {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
  }
};

namespace {

using State = FaultVfs::State;

FaultFile* as_fault(sqlite3_file* f) { return reinterpret_cast<FaultFile*>(f); }
State* state_of(sqlite3_vfs* vfs) { return static_cast<State*>(vfs->pAppData); }

int apply_pending(FaultFile* f, bool everything, State* st) {
  int rc = SQLITE_OK;
  for (const PendingOp& op : f->pending) {
    if (!everything && (st->next_random() & 1) == 0) continue;
    int r = op.truncate ? f->real->pMethods->xTruncate(f->real, op.offset)
                        : f->real->pMethods->xWrite(f->real, op.data.data(),
                                                    static_cast<int>(op.data.size()), op.offset);
    if (r != SQLITE_OK && rc == SQLITE_OK) rc = r;
  }
  f->pending.clear();
  return rc;
}

sqlite3_int64 logical_size(FaultFile* f) {
  sqlite3_int64 size = 0;
  f->real->pMethods->xFileSize(f->real, &size);
  for (const PendingOp& op : f->pending) {
    if (op.truncate) {
      size = op.offset;
    } else {
      size = std::max<sqlite3_int64>(size, op.offset + static_cast<sqlite3_int64>(op.data.size()));
    }
  }
  return size;
}

int x_close(sqlite3_file* file) {
  FaultFile* f = as_fault(file);
  State* st = f->state;
  {
    std::lock_guard<std::mutex> lock(st->mu);
    st->files.erase(f);
    // A clean close hands held writes to the OS, as a real close would.
    if (!st->crashed) apply_pending(f, true, st);
    f->pending.clear();
  }
  int rc = f->real->pMethods ? f->real->pMethods->xClose(f->real) : SQLITE_OK;
  f->pending.~vector();
  return rc;
}

int x_read(sqlite3_file* file, void* buf, int amt, sqlite3_int64 off) {
  FaultFile* f = as_fault(file);
  std::lock_guard<std::mutex> lock(f->state->mu);
  if (f->pending.empty()) return f->real->pMethods->xRead(f->real, buf, amt, off);
  auto* out = static_cast<unsigned char*>(buf);
  std::memset(out, 0, static_cast<std::size_t>(amt));
  int rc = f->real->pMethods->xRead(f->real, buf, amt, off);
  if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ) return rc;
  sqlite3_int64 size = 0;
  f->real->pMethods->xFileSize(f->real, &size);
  const sqlite3_int64 end = off + amt;
  for (const PendingOp& op : f->pending) {
    if (op.truncate) {
      size = op.offset;
      if (size < end) {
        sqlite3_int64 from = std::max<sqlite3_int64>(size, off);
        std::memset(out + (from - off), 0, static_cast<std::size_t>(end - from));
      }
      continue;
    }
    sqlite3_int64 w_end = op.offset + static_cast<sqlite3_int64>(op.data.size());
    sqlite3_int64 lo = std::max(off, op.offset);
    sqlite3_int64 hi = std::min(end, w_end);
    if (lo < hi) {
      std::memcpy(out + (lo - off), op.data.data() + (lo - op.offset),
                  static_cast<std::size_t>(hi - lo));
    }
    size = std::max(size, w_end);
  }
  return end > size ? SQLITE_IOERR_SHORT_READ : SQLITE_OK;
}

int x_write(sqlite3_file* file, const void* buf, int amt, sqlite3_int64 off) {
  FaultFile* f = as_fault(file);
  State* st = f->state;
  std::lock_guard<std::mutex> lock(st->mu);
  if (!st->admit(FaultVfs::Op::kWrite)) return SQLITE_IOERR_WRITE;
  if (!f->holds) return f->real->pMethods->xWrite(f->real, buf, amt, off);
  const auto* p = static_cast<const unsigned char*>(buf);
  f->pending.push_back(PendingOp{false, off, std::vector<unsigned char>(p, p + amt)});
  return SQLITE_OK;
}

int x_truncate(sqlite3_file* file, sqlite3_int64 size) {
  FaultFile* f = as_fault(file);
  std::lock_guard<std::mutex> lock(f->state->mu);
  if (f->state->crashed) return SQLITE_IOERR_TRUNCATE;
  if (!f->holds) return f->real->pMethods->xTruncate(f->real, size);
  f->pending.push_back(PendingOp{true, size, {}});
  return SQLITE_OK;
}

int x_sync(sqlite3_file* file, int flags) {
  FaultFile* f = as_fault(file);
  State* st = f->state;
  std::lock_guard<std::mutex> lock(st->mu);
  if (!st->admit(FaultVfs::Op::kSync)) return SQLITE_IOERR_FSYNC;
  int rc = apply_pending(f, true, st);
  if (rc != SQLITE_OK) return rc;
  return f->real->pMethods->xSync(f->real, flags);
}

int x_file_size(sqlite3_file* file, sqlite3_int64* size) {
  FaultFile* f = as_fault(file);
  std::lock_guard<std::mutex> lock(f->state->mu);
  if (f->pending.empty()) return f->real->pMethods->xFileSize(f->real, size);
  *size = logical_size(f);
  return SQLITE_OK;
}

int x_lock(sqlite3_file* f, int l) { return as_fault(f)->real->pMethods->xLock(as_fault(f)->real, l); }
int x_unlock(sqlite3_file* f, int l) {
  return as_fault(f)->real->pMethods->xUnlock(as_fault(f)->real, l);
}
int x_check_reserved(sqlite3_file* f, int* out) {
  return as_fault(f)->real->pMethods->xCheckReservedLock(as_fault(f)->real, out);
}
int x_file_control(sqlite3_file* file, int op, void* arg) {
  FaultFile* f = as_fault(file);
  // A size hint makes the unix VFS extend the real file directly, around the
  // held writes; decline it (SQLite treats it as advice).
  if (f->holds && op == SQLITE_FCNTL_SIZE_HINT) return SQLITE_NOTFOUND;
  if (op == SQLITE_FCNTL_VFSNAME) {
    *static_cast<char**>(arg) = sqlite3_mprintf("%s", f->state->name.c_str());
    return SQLITE_OK;
  }
  return f->real->pMethods->xFileControl(f->real, op, arg);
}
int x_sector_size(sqlite3_file* f) { return as_fault(f)->real->pMethods->xSectorSize(as_fault(f)->real); }
int x_device_characteristics(sqlite3_file* f) {
  return as_fault(f)->real->pMethods->xDeviceCharacteristics(as_fault(f)->real);
}
int x_shm_map(sqlite3_file* f, int pg, int pgsz, int extend, void volatile** pp) {
  return as_fault(f)->real->pMethods->xShmMap(as_fault(f)->real, pg, pgsz, extend, pp);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return as_fault(f)->real->pMethods->xShmLock(as_fault(f)->real, offset, n, flags);
}
void x_shm_barrier(sqlite3_file* f) { as_fault(f)->real->pMethods->xShmBarrier(as_fault(f)->real); }
int x_shm_unmap(sqlite3_file* f, int del) {
  return as_fault(f)->real->pMethods->xShmUnmap(as_fault(f)->real, del);
}

// Version 2: shared memory yes, memory-mapped I/O no (xFetch would read
// around the held writes).
const sqlite3_io_methods kFaultIoMethods = {
    2,           x_close,       x_read,         x_write,
    x_truncate,  x_sync,        x_file_size,    x_lock,
    x_unlock,    x_check_reserved, x_file_control, x_sector_size,
    x_device_characteristics, x_shm_map, x_shm_lock, x_shm_barrier,
    x_shm_unmap, nullptr,       nullptr,
};

int v_open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  State* st = state_of(vfs);
  FaultFile* f = as_fault(file);
  f->base.pMethods = nullptr;
  f->state = st;
  new (&f->pending) std::vector<PendingOp>();
  f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + sizeof(FaultFile));
  int rc = st->root->xOpen(st->root, name, f->real, flags, out_flags);
  if (rc != SQLITE_OK) {
    f->pending.~vector();
    return rc;
  }
  {
    std::lock_guard<std::mutex> lock(st->mu);
    f->holds = st->hold && (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL |
                                     SQLITE_OPEN_MAIN_JOURNAL)) != 0;
    st->files.insert(f);
  }
  f->base.pMethods = &kFaultIoMethods;
  return SQLITE_OK;
}

int v_delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
  State* st = state_of(vfs);
  {
    std::lock_guard<std::mutex> lock(st->mu);
    if (st->crashed) return SQLITE_IOERR_DELETE;
  }
  return st->root->xDelete(st->root, name, sync_dir);
}
int v_access(sqlite3_vfs* v, const char* n, int flags, int* out) {
  return state_of(v)->root->xAccess(state_of(v)->root, n, flags, out);
}
int v_full_pathname(sqlite3_vfs* v, const char* n, int size, char* out) {
  return state_of(v)->root->xFullPathname(state_of(v)->root, n, size, out);
}
void* v_dl_open(sqlite3_vfs* v, const char* n) { return state_of(v)->root->xDlOpen(state_of(v)->root, n); }
void v_dl_error(sqlite3_vfs* v, int n, char* out) { state_of(v)->root->xDlError(state_of(v)->root, n, out); }
void (*v_dl_sym(sqlite3_vfs* v, void* h, const char* s))(void) {
  return state_of(v)->root->xDlSym(state_of(v)->root, h, s);
}
void v_dl_close(sqlite3_vfs* v, void* h) { state_of(v)->root->xDlClose(state_of(v)->root, h); }
int v_randomness(sqlite3_vfs* v, int n, char* out) {
  return state_of(v)->root->xRandomness(state_of(v)->root, n, out);
}
int v_sleep(sqlite3_vfs* v, int us) { return state_of(v)->root->xSleep(state_of(v)->root, us); }
int v_current_time(sqlite3_vfs* v, double* out) {
  return state_of(v)->root->xCurrentTime(state_of(v)->root, out);
}
int v_get_last_error(sqlite3_vfs* v, int n, char* out) {
  return state_of(v)->root->xGetLastError(state_of(v)->root, n, out);
}
int v_current_time_int64(sqlite3_vfs* v, sqlite3_int64* out) {
  return state_of(v)->root->xCurrentTimeInt64(state_of(v)->root, out);
}

}  // namespace

bool State::admit(Op op) {
  if (crashed) return false;
  int i = static_cast<int>(op);
  int n = ++counts[i];
  if (crash_n[i] > 0 && n == crash_n[i]) {
    crash_locked();
    return false;
  }
  if (fail_n[i] > 0 && (n == fail_n[i] || (fail_persistent[i] && n > fail_n[i]))) {
    fired = true;
    return false;
  }
  return true;
}

void State::crash_locked() {
  crashed = true;
  fired = true;
  for (FaultFile* f : files) {
    if (keep_subset) {
      apply_pending(f, false, this);
    } else {
      f->pending.clear();
    }
  }
}

FaultVfs::FaultVfs(std::string name) : state_(std::make_unique<State>()) {
  State* st = state_.get();
  st->name = std::move(name);
  st->root = sqlite3_vfs_find(nullptr);
  sqlite3_vfs& v = st->vfs;
  v.iVersion = 2;
  v.szOsFile = static_cast<int>(sizeof(FaultFile)) + st->root->szOsFile;
  v.mxPathname = st->root->mxPathname;
  v.zName = st->name.c_str();
  v.pAppData = st;
  v.xOpen = v_open;
  v.xDelete = v_delete;
  v.xAccess = v_access;
  v.xFullPathname = v_full_pathname;
  v.xDlOpen = v_dl_open;
  v.xDlError = v_dl_error;
  v.xDlSym = v_dl_sym;
  v.xDlClose = v_dl_close;
  v.xRandomness = v_randomness;
  v.xSleep = v_sleep;
  v.xCurrentTime = v_current_time;
  v.xGetLastError = v_get_last_error;
  v.xCurrentTimeInt64 = v_current_time_int64;
  sqlite3_vfs_register(&v, 0);
}

FaultVfs::~FaultVfs() { sqlite3_vfs_unregister(&state_->vfs); }

const std::string& FaultVfs::name() const { return state_->name; }

void FaultVfs::fail_nth(Op op, int n, bool persistent) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->fail_n[static_cast<int>(op)] = n;
  state_->fail_persistent[static_cast<int>(op)] = persistent;
}

void FaultVfs::hold_unsynced(bool on) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->hold = on;
}

void FaultVfs::crash_at(Op op, int n) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->crash_n[static_cast<int>(op)] = n;
}

void FaultVfs::crash_keeps_random_subset(std::uint64_t seed) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->keep_subset = true;
  state_->rng = seed ? seed : 1;
}

void FaultVfs::disarm() {
  std::lock_guard<std::mutex> lock(state_->mu);
  for (int i = 0; i < 2; ++i) {
    state_->counts[i] = 0;
    state_->fail_n[i] = 0;
    state_->fail_persistent[i] = false;
    state_->crash_n[i] = 0;
  }
  state_->crashed = false;
  state_->fired = false;
  state_->keep_subset = false;
}

bool FaultVfs::fault_fired() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->fired;
}

bool FaultVfs::crashed() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->crashed;
}

int FaultVfs::count(Op op) const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->counts[static_cast<int>(op)];
}

}  // namespace larder::storage
