#include "storage/sync_state.h"

namespace larder::storage {

Result<SyncState> load_sync_state(Database& db) {
  LARDER_ASSIGN_OR_RETURN(StatementLease q, db.prepare(
      "SELECT cursor, replica_ready, last_pull_at, last_push_at, last_error FROM sync_state"
      " WHERE id = 1"));
  LARDER_ASSIGN_OR_RETURN(bool row, q->step());
  if (!row) return data_loss(db.label() + ": the sync_state row is missing");
  SyncState s;
  s.cursor = q->column_text(0);
  s.replica_ready = q->column_int(1) != 0;
  s.last_pull_at = q->column_optional_text(2);
  s.last_push_at = q->column_optional_text(3);
  s.last_error = q->column_optional_text(4);
  return s;
}

Status record_sync_error(Database& db, const std::string& error) {
  LARDER_ASSIGN_OR_RETURN(StatementLease s,
                          db.prepare("UPDATE sync_state SET last_error = ? WHERE id = 1"));
  return s->bind(1, error).run();
}

}  // namespace larder::storage
