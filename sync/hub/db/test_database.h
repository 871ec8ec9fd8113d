// HubTestDatabase: a fresh, migrated central database for tests (test-only).
//
// create() bootstraps the larder_owner and larder_hub roles on the given
// test server (idempotent; roles are cluster-wide), creates a database owned
// by larder_owner, and runs migrate_up as larder_owner. The conninfo strings
// connect to it as the superuser, the owner, or the hub role. The database is
// left for the server's teardown (the whole server directory is deleted).
//
// Thread safety: create() may run concurrently for different names.
#pragma once

#include <string>

#include "base/status.h"
#include "tests/support/pg_server.h"

namespace larder::hub::db {

struct HubTestDatabase {
  std::string name;
  std::string superuser_conninfo;
  std::string owner_conninfo;
  std::string hub_conninfo;

  // migrate: false leaves the database empty (for migration tests).
  static Result<HubTestDatabase> create(const testing::PgServer& server, const std::string& prefix,
                                        bool migrate = true);
};

}  // namespace larder::hub::db
