// ChangeListener: learns at once that a feed scope changed, so the hub's
// long polls wake up instead of polling the database.
//
// The capture trigger runs pg_notify('larder_feed', '<tenant>/<location>')
// (location = kTenantScopeLocation for the tenant scope) in every
// transaction that writes a scope; PostgreSQL delivers it at commit. The
// listener holds one dedicated connection (NOT through PgBouncer in
// transaction mode, where LISTEN does not work: give it a direct conninfo),
// LISTENs, and calls the callback for each notification from its own thread.
//
// When the connection drops it reconnects with backoff (up to 5 s); after
// every (re)connect it calls the callback once with `everything = true`,
// since notifications sent while it was away are lost: waiters should then
// re-read their feeds.
//
// Thread safety: the callback runs on the listener's thread, one call at a
// time; it must be quick (hand off to an executor). start() and the
// destructor are called from the owner's thread; the destructor stops the
// thread and waits for it, so the callback is never called after it returns.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "base/status.h"

namespace larder::hub::db {

struct ScopeChange {
  std::string tenant_id;    // empty when everything may have changed
  std::string location_id;  // kTenantScopeLocation for the tenant scope
  bool everything = false;
};

class ChangeListener {
 public:
  using Callback = std::function<void(const ScopeChange&)>;

  // Connects and LISTENs before returning (so changes committed after
  // start() returns are seen); kUnavailable if the first connect fails.
  static Result<std::unique_ptr<ChangeListener>> start(std::string conninfo, Callback callback);
  ~ChangeListener();
  ChangeListener(const ChangeListener&) = delete;
  ChangeListener& operator=(const ChangeListener&) = delete;

 private:
  ChangeListener(std::string conninfo, Callback callback);
  void run(void* first_conn);
  bool wait_readable(int fd, int timeout_ms);

  const std::string conninfo_;
  const Callback callback_;
  int wake_fd_ = -1;  // eventfd: the destructor writes to it to stop the thread
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace larder::hub::db
