// Schema migrations of a tenant's replica database.
//
// The replica's migrations are the numbered files in storage/schema/, applied
// in order, each in its own transaction that also records its version (in
// PRAGMA user_version and the schema_migrations table), so a crash between two
// leaves a database at a clean earlier version. Running migrate() again
// changes nothing. A database whose version is newer than this build knows is
// refused with kFailedPrecondition and left untouched: an older binary must
// not write into a schema it does not understand.
//
// Thread safety: as the Database.
#pragma once

#include <cstddef>
#include <span>

#include "base/migration.h"
#include "base/status.h"
#include "storage/database.h"

namespace larder::storage {

std::span<const Migration> replica_migrations();
int latest_replica_version();

// The version recorded in the file (0 for a new, empty database).
Result<int> schema_version(Database& db);

// Applies every migration above the file's version up to `target` (default:
// all). Refuses a database newer than the newest migration given.
Status migrate(Database& db, std::span<const Migration> migrations, int target = -1);

}  // namespace larder::storage
