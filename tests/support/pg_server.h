// PgServer: a throwaway PostgreSQL 15 for tests, started and stopped by RAII.
//
// start() makes a fresh temporary directory (owned by the service user:
// "postgres" when the test runs as root, else the current user), runs
// initdb (trust authentication, no fsync), and starts the server with
// pg_ctl on 127.0.0.1 at a free port, its Unix socket inside the directory.
// It returns once the server accepts connections. The destructor stops the
// server (pg_ctl stop -m immediate) and deletes the directory. A
// CleanupWatchdog does the same if the test process dies without running
// destructors, so a crashed or killed test leaves nothing running.
//
// The superuser is the service user's name (superuser()). conninfo() gives
// libpq connection strings for any database and user (trust: no password).
//
// Thread safety: the accessors are const and safe from any thread;
// execute_sql() opens its own connection per call and may run concurrently.
// Ownership: the caller owns the server; shared_pg_server() gives one server
// per test executable, created on first use and stopped at exit.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "tests/support/cleanup_watchdog.h"

namespace larder::testing {

class PgServer {
 public:
  // Starts a server. Errors carry the initdb/pg_ctl log tail.
  static Result<std::unique_ptr<PgServer>> start();
  ~PgServer();
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

  int port() const { return port_; }
  const std::string& superuser() const { return superuser_; }
  // Temporary directory holding data/, the socket and postgres.log.
  const std::string& dir() const { return dir_; }
  // "host=127.0.0.1 port=P dbname=D user=U"; user defaults to the superuser.
  std::string conninfo(const std::string& dbname = "postgres", const std::string& user = "") const;

  // Runs SQL (simple query protocol, several statements allowed) as the
  // superuser in the given database.
  Status execute_sql(const std::string& sql, const std::string& dbname = "postgres") const;

 private:
  PgServer() = default;
  Status stop();

  std::string dir_;
  std::string data_dir_;
  std::string superuser_;
  int port_ = 0;
  bool running_ = false;
  std::unique_ptr<CleanupWatchdog> watchdog_;
};

// One server per test executable, started on first use (aborting the test
// run with the reason if it cannot start) and stopped when the process exits.
PgServer& shared_pg_server();

// A fresh database name unique within this process: prefix + counter.
std::string unique_database_name(const std::string& prefix);

}  // namespace larder::testing
