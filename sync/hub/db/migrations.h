// Migrations of the central PostgreSQL schema (`larder-hub migrate`).
//
// The SQL lives in sync/hub/db/migrations/NNN_name.sql (up) and
// migrations/down/NNN_name.sql (down), embedded into the binary at build
// time (cmake/EmbedMigrations.cmake), so a binary always carries exactly
// the schema it was built for.
//
// Each step runs in its own transaction together with its record in
// larder_schema_migrations, under a transaction-level advisory lock, so
// concurrent migrators serialize and a failed step leaves the database at
// the previous version. Running migrate_up twice changes nothing the second
// time (0 steps). The connection must belong to the owner role (the one
// that will own the tables; see roles.h) and must not be in a transaction.
//
// Thread safety: functions; the connection is used by the calling thread.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "sync/hub/db/pg_connection.h"

namespace larder::hub::db {

struct MigrationInfo {
  int version;
  std::string name;
};

// The migrations this binary carries, in order (1, 2, ... without gaps).
std::vector<MigrationInfo> known_migrations();
int latest_migration_version();

// The highest applied version (0 for an empty database).
Result<int> current_migration_version(PgConnection& conn);

// Applies every missing step in order; returns how many were applied.
// kFailedPrecondition when the database is newer than this binary.
Result<int> migrate_up(PgConnection& conn);

// Reverts steps from the current version down to `to_version` (0 = all),
// each in its own transaction; returns how many were reverted.
Result<int> migrate_down(PgConnection& conn, int to_version = 0);

}  // namespace larder::hub::db
