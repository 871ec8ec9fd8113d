// PgPool: a bounded pool of PostgreSQL connections (DESIGN.md decision 10).
//
// At most `size` connections exist at once. acquire() hands out an idle one,
// or opens a new one while fewer than `size` exist, or waits up to `timeout`
// for one to come back (then kResourceExhausted, naming the pool size).
// Connections are opened lazily; a failed connect is returned as
// kUnavailable and frees its slot.
//
// A PooledConnection returns its connection when it goes out of scope. A
// connection that is broken, or still inside a transaction (someone forgot
// to commit or roll back), is closed instead of reused, so the next user
// never inherits a half-done transaction or a stale tenant setting.
//
// Thread safety: acquire() and the return of leases are safe from any
// thread. Each lease is used by one thread at a time. The pool must outlive
// every lease it handed out.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "sync/hub/db/pg_connection.h"

namespace larder::hub::db {

class PgPool;

class PooledConnection {
 public:
  PooledConnection(PooledConnection&& other) noexcept;
  PooledConnection& operator=(PooledConnection&&) = delete;
  PooledConnection(const PooledConnection&) = delete;
  PooledConnection& operator=(const PooledConnection&) = delete;
  ~PooledConnection();

  PgConnection& operator*() { return *conn_; }
  PgConnection* operator->() { return conn_.get(); }
  // Close the connection instead of returning it (e.g. after a protocol error).
  void discard() { discard_ = true; }

 private:
  friend class PgPool;
  PooledConnection(PgPool* pool, std::unique_ptr<PgConnection> conn)
      : pool_(pool), conn_(std::move(conn)) {}
  PgPool* pool_;
  std::unique_ptr<PgConnection> conn_;
  bool discard_ = false;
};

struct PgPoolOptions {
  std::string conninfo;
  int size = 8;
  // Run once on each new connection (e.g. SET application_name); a failure
  // closes it and fails the acquire.
  std::function<Status(PgConnection&)> on_connect;
};

class PgPool {
 public:
  explicit PgPool(PgPoolOptions options);
  ~PgPool();
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  Result<PooledConnection> acquire(std::chrono::milliseconds timeout);

  int size() const { return options_.size; }
  // Connections currently open (idle plus leased).
  int open_count() const;
  int idle_count() const;

 private:
  friend class PooledConnection;
  void give_back(std::unique_ptr<PgConnection> conn, bool discard);

  const PgPoolOptions options_;
  // State below is guarded by mu_.
  mutable std::mutex mu_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  int open_ = 0;
};

}  // namespace larder::hub::db
