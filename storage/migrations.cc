#include "storage/migrations.h"

#include "storage/transaction.h"

namespace larder {
extern const Migration kReplicaMigrations[];
extern const std::size_t kReplicaMigrations_count;
}  // namespace larder

namespace larder::storage {

std::span<const Migration> replica_migrations() {
  return {kReplicaMigrations, kReplicaMigrations_count};
}

int latest_replica_version() { return replica_migrations().back().version; }

Result<int> schema_version(Database& db) {
  LARDER_ASSIGN_OR_RETURN(std::int64_t v, db.query_int("PRAGMA user_version"));
  return static_cast<int>(v);
}

static Status apply_one(Database& db, const Migration& m) {
  LARDER_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(db, Durability::kFull));
  LARDER_RETURN_IF_ERROR(db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
      " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))) STRICT"));
  LARDER_RETURN_IF_ERROR(db.exec(m.sql).with_context(std::string("migration ") + m.name));
  {
    LARDER_ASSIGN_OR_RETURN(
        StatementLease ins, db.prepare("INSERT INTO schema_migrations (version, name) VALUES (?, ?)"));
    LARDER_RETURN_IF_ERROR(ins->bind_all(m.version, m.name).run());
  }
  LARDER_RETURN_IF_ERROR(db.exec("PRAGMA user_version = " + std::to_string(m.version)));
  return tx.commit();
}

Status migrate(Database& db, std::span<const Migration> migrations, int target) {
  if (migrations.empty()) return internal_error("no migrations given");
  int newest = migrations.back().version;
  if (target < 0) target = newest;
  if (target > newest) {
    return invalid_argument("migration target " + std::to_string(target) +
                            " is beyond the newest migration " + std::to_string(newest));
  }
  LARDER_ASSIGN_OR_RETURN(int current, schema_version(db));
  if (current > newest) {
    return failed_precondition(db.label() + ": database schema version " + std::to_string(current) +
                               " is newer than this build supports (" + std::to_string(newest) +
                               "); install a newer larder-node. The file was not changed.");
  }
  for (const Migration& m : migrations) {
    if (m.version <= current || m.version > target) continue;
    LARDER_RETURN_IF_ERROR(apply_one(db, m));
  }
  return Status::ok();
}

}  // namespace larder::storage
