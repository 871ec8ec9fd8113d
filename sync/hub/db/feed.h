// The change feed: what a node pulls (DESIGN.md decisions 4, 5, 6).
// The capture side is SQL (migrations/003_change_feed.sql); FEED.md
// explains the design, the guarantees and their limits.
//
// A node reads two scopes at once: its tenant's (menus and the rest of the
// menu, the tenants row) and its location's (the locations row, the status
// of the location's orders). A FeedPosition holds how far it has read in
// each; the hub encodes it as the node's opaque cursor. The zero position
// means "from the start": the node then receives the full current state
// (no tombstones) and from then on every change.
//
// read_feed() returns entries in version order per scope, location scope
// first. A page never splits one version (one writing transaction in a
// scope): it may exceed `limit` to finish the version it started. The one
// exception is a snapshot read with SnapshotPaging::kByKey, for a reader
// that builds the snapshot in staging and shows it only once caught up (a
// node's first bootstrap and its resync): such a snapshot is paged in
// primary-key order, at most `limit` entries a page, splitting versions
// freely (FEED.md "Staged snapshots"). When the position is too old
// (tombstones it needs were purged) or does not belong to this database,
// the page says resync and carries no entries; the node then starts again
// from FeedPosition{} into a staging replica.
//
// Thread safety: functions; each uses the given connection from the calling
// thread. read_feed opens and ends its own read-only transaction (the
// connection must not be inside one), scoped to the tenant under RLS.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "sync/hub/db/pg_connection.h"

namespace larder::hub::db {

// The location_id of the tenant scope in feed tables and notifications.
inline constexpr const char* kTenantScopeLocation = "00000000-0000-0000-0000-000000000000";

enum class FeedScope { kTenant, kLocation };

// How far a snapshot paged in key order has got in one scope: the primary
// key (table name, row key) of the last row delivered; both empty before
// the first row.
struct SnapshotKey {
  std::string table;
  std::string row_key;

  bool operator==(const SnapshotKey&) const = default;
};

struct FeedPosition {
  std::int64_t tenant_version = 0;
  std::int64_t location_version = 0;
  // While a snapshot (a read from zero) is being paged: the scope's version
  // when it started; 0 otherwise. See FEED.md "Reading from zero".
  std::int64_t tenant_snapshot_end = 0;
  std::int64_t location_snapshot_end = 0;
  // Set while the scope's snapshot is paged in key order (SnapshotPaging::
  // kByKey, snapshot_end > 0); the scope's version is then 0.
  std::optional<SnapshotKey> tenant_snapshot_key;
  std::optional<SnapshotKey> location_snapshot_key;

  bool operator==(const FeedPosition&) const = default;
};

// How a snapshot that starts on this read is paged. A snapshot already in
// progress keeps the paging it started with (the position says which).
enum class SnapshotPaging {
  // Whole versions, in version order: for a reader that applies each page
  // where screens see it. The default, and all that older nodes know.
  kWholeVersions,
  // Primary-key order, at most `limit` entries a page, versions split: only
  // for a reader that stages the snapshot and swaps it in when caught up.
  kByKey,
};

struct FeedEntry {
  FeedScope scope = FeedScope::kTenant;
  std::int64_t version = 0;
  std::string table;       // "items", "orders", ...
  bool is_delete = false;  // op "delete" (a tombstone) or "upsert"
  std::string key_json;    // {"id":"..."} or {"item_id":..,"modifier_id":..}
  std::string row_json;    // the row without tenant_id; "" for a delete
};

struct FeedPage {
  std::vector<FeedEntry> entries;
  FeedPosition next;    // where to read from next time
  bool more = false;    // more entries are ready now: read again at once
  bool resync = false;  // the position cannot be served: restart from zero
  std::string resync_reason;
};

// Reads up to `limit` entries (whole versions, except in a snapshot paged
// by key) after `after`. location_id may be empty (a device without a
// location reads only the tenant scope). limit must be in 1..10000.
Result<FeedPage> read_feed(PgConnection& conn, std::string_view tenant_id,
                           std::string_view location_id, const FeedPosition& after, int limit,
                           SnapshotPaging paging = SnapshotPaging::kWholeVersions);

// Removes the tenant's tombstones (and feed rows of completed or cancelled
// orders) last changed more than `retention` ago, raising each scope's
// oldest valid version. Returns how many feed rows were purged.
Result<std::int64_t> purge_feed(PgConnection& conn, std::string_view tenant_id,
                                std::chrono::seconds retention);

}  // namespace larder::hub::db
