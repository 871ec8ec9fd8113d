// Applying the centre's change feed to a tenant's replica.
//
// apply_changes() writes a pulled batch and the cursor after it in ONE
// transaction (DESIGN.md decision 6): after a crash the replica holds the
// batch and its cursor, or neither, so the next pull resumes exactly there.
// Rows are validated against storage/replica_tables.h before anything is
// written; a bad row fails the whole batch with kInvalidArgument naming the
// table, key and column, and nothing (cursor included) changes.
//
// Staged builds (decision 5: a resync; also a node's first bootstrap):
// begin_resync() creates empty staging copies of the menu tables (dropping
// any earlier ones); apply_staging_changes() fills them page by page, each
// page with the cursor after it in one transaction, like apply_changes();
// finish_resync() swaps them in, with the cursor, in one transaction, so a
// reader sees either the old menu or the new one, never half of it, and
// replica_ready turns true only then. The staging tables and their cursor
// are ordinary tables of the same encrypted database (staging_<table>, and
// staging_progress holding the cursor), so a build cut by a crash or a lost
// link resumes where it stopped: staging_cursor() says whether one is in
// progress and where. Orders and the outbox are never touched by a staged
// build (order status rows merge into the live orders, as always).
//
// Order status rows ("orders" in the feed) merge monotonically into orders
// this replica holds: placed < accepted < in_progress < ready < completed =
// cancelled; a lower or equal status is ignored, so replays converge, and
// completed and cancelled are both final (neither replaces the other, as
// the hub refuses that move too). Status
// rows for orders not on this device are ignored, as are tables the node does
// not know (the centre may add some before every node does).
//
// Thread safety: as the Database.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "storage/database.h"

namespace larder::storage {

struct ReplicaChange {
  std::string table;
  bool is_delete = false;
  nlohmann::json key;  // {"id": "..."} or the composite key's columns
  nlohmann::json row;  // the row's columns (upserts)
};

struct ApplyResult {
  int upserts = 0;
  int deletes = 0;
  int ignored = 0;                          // unknown tables, orders not on this device
  bool menu_changed = false;                // any synced menu/location/tenant row changed
  std::vector<std::string> orders_changed;  // order ids whose status moved forward
};

Result<ApplyResult> apply_changes(Database& db, const std::vector<ReplicaChange>& changes,
                                  const std::string& cursor_after);

Status begin_resync(Database& db);
// The cursor after the last staged page ("" before the first), or nullopt
// when no staged build is in progress (or one made before a schema upgrade
// is left over, which begin_resync() then replaces).
Result<std::optional<std::string>> staging_cursor(Database& db);
// kFailedPrecondition when no staged build is in progress.
Result<ApplyResult> apply_staging_changes(Database& db, const std::vector<ReplicaChange>& changes,
                                          const std::string& cursor_after);
Status finish_resync(Database& db, const std::string& cursor_after);

// The rank used by the monotonic merge: placed 0, accepted 1, in_progress 2,
// ready 3, completed and cancelled 4 (final); -1 for an unknown status.
int order_status_rank(std::string_view status);

}  // namespace larder::storage
