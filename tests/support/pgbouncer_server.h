// PgBouncerServer: a throwaway PgBouncer in transaction pool mode in front of
// a PgServer, for tests that prove the hub stays correct behind it.
//
// start() writes a config into a fresh temporary directory (owned by the
// service user; PgBouncer refuses to run as root), listens on 127.0.0.1 at a
// free port, forwards every database to the PgServer, authenticates the
// listed users with trust, and returns once a query goes through. The
// destructor stops it (SIGTERM, waiting for the process to exit) and deletes
// the directory; a CleanupWatchdog does the same if the test process dies.
//
// Thread safety: accessors are const and safe from any thread.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "tests/support/cleanup_watchdog.h"
#include "tests/support/pg_server.h"

namespace larder::testing {

class PgBouncerServer {
 public:
  // users: the roles clients will log in as (PgBouncer's auth_file must list
  // them even with trust); the server's superuser is always added.
  // pool_size: server connections per (database, user) pair.
  static Result<std::unique_ptr<PgBouncerServer>> start(const PgServer& server,
                                                        std::vector<std::string> users,
                                                        int pool_size = 4);
  ~PgBouncerServer();
  PgBouncerServer(const PgBouncerServer&) = delete;
  PgBouncerServer& operator=(const PgBouncerServer&) = delete;

  int port() const { return port_; }
  // "host=127.0.0.1 port=P dbname=D user=U" through PgBouncer.
  std::string conninfo(const std::string& dbname, const std::string& user) const;

 private:
  PgBouncerServer() = default;
  void stop();

  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
  std::unique_ptr<CleanupWatchdog> watchdog_;
};

}  // namespace larder::testing
