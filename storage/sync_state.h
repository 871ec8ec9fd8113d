// Where a tenant's replica stands in the centre's feed (the sync_state row).
//
// The cursor is opaque to the node (DESIGN.md decision 4): it is stored as the
// hub sent it and sent back unchanged. replica_ready turns true when the first
// complete replica is swapped in from staging (finish_resync; readiness of
// /readyz), never with a partial bootstrap. Written by storage/replica_apply.h and
// storage/order_ledger.h inside their own transactions; read here.
//
// Thread safety: as the Database.
#pragma once

#include <optional>
#include <string>

#include "base/status.h"
#include "storage/database.h"

namespace larder::storage {

struct SyncState {
  std::string cursor;  // "" = nothing pulled yet
  bool replica_ready = false;
  std::optional<std::string> last_pull_at;
  std::optional<std::string> last_push_at;
  std::optional<std::string> last_error;
};

Result<SyncState> load_sync_state(Database& db);
// Records the latest sync error (shown in status); cleared by the next applied pull.
Status record_sync_error(Database& db, const std::string& error);

}  // namespace larder::storage
