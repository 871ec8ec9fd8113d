#include "sync/hub/db/feed.h"

#include <algorithm>
#include <charconv>

#include "base/uuid.h"
#include "sync/hub/db/transaction.h"

namespace larder::hub::db {
namespace {

constexpr int kMaxLimit = 10000;

// Within one version: upserts parent-first, then deletes child-first, so a
// replica that checks references while applying a version rarely trips.
constexpr const char* kOrder =
    " ORDER BY version, op = 'delete',"
    " CASE WHEN op = 'delete' THEN -1 ELSE 1 END * array_position(ARRAY['tenants', 'locations',"
    " 'menus', 'categories', 'modifiers', 'options', 'items', 'item_modifiers', 'orders'],"
    " table_name), table_name, row_key";

constexpr const char* kColumns =
    "SELECT version, table_name, op, key_json::text AS key_json, row_json::text AS row_json"
    "  FROM feed_changes WHERE tenant_id = $1 AND location_id = $2";

// A snapshot paged by key walks the primary key (tenant_id, location_id,
// table_name, row_key) from the last row delivered: no sort, and a page
// reads little more than it returns.
constexpr const char* kKeyedColumns =
    "SELECT version, table_name, op, row_key, key_json::text AS key_json,"
    " row_json::text AS row_json FROM feed_changes WHERE tenant_id = $1 AND location_id = $2"
    " AND version <= $3 AND op = 'upsert'";

struct ScopeCursor {
  std::int64_t version;
  std::int64_t snapshot_end;
  std::optional<SnapshotKey> key;  // a snapshot paged by key
};

struct ScopeRead {
  bool more = false;
  bool resync = false;
  std::string reason;
};

// "$3" for the third parameter. append(), not operator+ on a temporary: g++ 12
// at -O3 reports a false -Wrestrict in the inlined operator+ (GCC bug 105329).
std::string placeholder(std::size_t n) {
  std::string p = "$";
  return p.append(std::to_string(n));
}

std::int64_t parse_version(std::string_view text) {
  std::int64_t v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

void append(const PgResult& r, int from, int to, FeedScope scope, std::vector<FeedEntry>* out) {
  const int version = r.column("version");
  const int table = r.column("table_name");
  const int op = r.column("op");
  const int key = r.column("key_json");
  const int row = r.column("row_json");
  out->reserve(out->size() + static_cast<std::size_t>(to - from));
  for (int i = from; i < to; ++i) {
    FeedEntry e;
    e.scope = scope;
    e.version = parse_version(r.get(i, version));
    e.table = std::string(r.get(i, table));
    e.is_delete = r.get(i, op) == "delete";
    e.key_json = std::string(r.get(i, key));
    if (!e.is_delete) e.row_json = std::string(r.get(i, row));
    out->push_back(std::move(e));
  }
}

// One page of a snapshot paged by key: up to *budget rows after cur->key.
// Returns true when the snapshot is complete (nothing is left after the
// rows appended), false when cur->key moved to the last row appended and
// more remain.
Result<bool> read_keyed(Transaction& tx, const std::string& tenant, const std::string& location,
                        FeedScope scope, ScopeCursor* cur, int* budget,
                        std::vector<FeedEntry>* out) {
  // Right after a large import, before autovacuum has analyzed the feed, the
  // planner believes the scope is nearly empty and prefers scanning
  // feed_changes_by_version and sorting (the whole snapshot, on every page,
  // measured at 30-90 ms a page for 20,000 rows). Without sorts the primary
  // key's order is the only way, and the right one however good the
  // statistics. SET LOCAL ends with this read-only transaction; the other
  // queries of the page sort whatever the setting.
  LARDER_RETURN_IF_ERROR(tx.exec("SET LOCAL enable_sort = off").status());
  std::string sql = kKeyedColumns;
  PgParams params = {tenant, location, std::to_string(cur->snapshot_end)};
  if (!cur->key->table.empty() || !cur->key->row_key.empty()) {
    sql += " AND (table_name, row_key) > ($4, $5)";
    params.push_back(cur->key->table);
    params.push_back(cur->key->row_key);
  }
  params.push_back(std::to_string(*budget + 1));
  sql.append(" ORDER BY table_name, row_key LIMIT ").append(placeholder(params.size()));
  LARDER_ASSIGN_OR_RETURN(PgResult rows, tx.exec(sql, params));
  const int take = std::min(rows.rows(), *budget);
  append(rows, 0, take, scope, out);
  *budget -= take;
  if (rows.rows() <= take) return true;
  cur->key = SnapshotKey{std::string(rows.get(take - 1, "table_name")),
                         std::string(rows.get(take - 1, "row_key"))};
  return false;
}

// Reads one scope into page->entries, spending at most *budget entries
// (plus, outside a snapshot paged by key, the rest of the last version
// started), and moves *cur.
Result<ScopeRead> read_scope(Transaction& tx, const std::string& tenant,
                             const std::string& location, FeedScope scope, SnapshotPaging paging,
                             ScopeCursor* cur, int* budget, std::vector<FeedEntry>* out) {
  ScopeRead result;
  LARDER_ASSIGN_OR_RETURN(PgResult counter,
                          tx.exec("SELECT version, oldest_valid_version FROM feed_counters"
                                  " WHERE tenant_id = $1 AND location_id = $2",
                                  {tenant, location}));
  const std::int64_t head = counter.rows() ? counter.get_int(0, "version") : 0;
  const std::int64_t oldest = counter.rows() ? counter.get_int(0, "oldest_valid_version") : 0;
  const char* name = scope == FeedScope::kTenant ? "tenant" : "location";

  if (cur->version == 0 && cur->snapshot_end == 0) {
    if (head == 0) return result;  // nothing ever written in this scope
    cur->snapshot_end = head;      // start a snapshot of everything up to head
    if (paging == SnapshotPaging::kByKey) cur->key = SnapshotKey{};
  }
  const std::int64_t anchor = cur->snapshot_end > 0 ? cur->snapshot_end : cur->version;
  if (anchor > head) {
    result.resync = true;
    result.reason = std::string(name) + " position " + std::to_string(anchor) +
                    " is ahead of this database (" + std::to_string(head) + ")";
    return result;
  }
  if (anchor < oldest) {
    result.resync = true;
    result.reason = std::string(name) + " position " + std::to_string(anchor) +
                    " is older than the oldest valid version " + std::to_string(oldest) +
                    " (tombstones were purged)";
    return result;
  }

  for (;;) {
    if (cur->key) {
      if (*budget <= 0) {
        result.more = true;
        return result;
      }
      LARDER_ASSIGN_OR_RETURN(bool complete,
                              read_keyed(tx, tenant, location, scope, cur, budget, out));
      if (!complete) {
        result.more = true;
        return result;
      }
      // The snapshot is complete; continue with changes made since it began.
      cur->version = cur->snapshot_end;
      cur->snapshot_end = 0;
      cur->key.reset();
      continue;
    }
    const bool snapshot = cur->snapshot_end > 0;
    std::string filter = " AND version > $3";
    PgParams params = {tenant, location, std::to_string(cur->version)};
    if (snapshot) {
      // A snapshot skips tombstones: the reader never had those rows.
      filter += " AND version <= $4 AND op = 'upsert'";
      params.push_back(std::to_string(cur->snapshot_end));
    }
    if (*budget <= 0) {
      LARDER_ASSIGN_OR_RETURN(
          PgResult any,
          tx.exec("SELECT 1 FROM feed_changes WHERE tenant_id = $1 AND location_id = $2"
                  " AND version > $3 LIMIT 1",
                  {tenant, location, std::to_string(cur->version)}));
      result.more = any.rows() > 0 || snapshot;
      return result;
    }
    PgParams limited = params;
    limited.push_back(std::to_string(*budget + 1));
    const std::string limit_param = placeholder(limited.size());
    LARDER_ASSIGN_OR_RETURN(
        PgResult rows,
        tx.exec(std::string(kColumns) + filter + kOrder + " LIMIT " + limit_param, limited));
    if (rows.rows() <= *budget) {
      append(rows, 0, rows.rows(), scope, out);
      *budget -= rows.rows();
      if (snapshot) {
        // The snapshot is complete; continue with changes made since it began.
        cur->version = cur->snapshot_end;
        cur->snapshot_end = 0;
        continue;
      }
      // Everything committed up to head is in this read's view.
      cur->version = head;
      return result;
    }
    // More than the budget: stop after the version of the last row that
    // fits, taking the whole of that version even past the budget.
    const std::int64_t last = rows.get_int(*budget - 1, "version");
    int first_of_last = *budget - 1;
    while (first_of_last > 0 && rows.get_int(first_of_last - 1, "version") == last) --first_of_last;
    append(rows, 0, first_of_last, scope, out);
    PgParams whole = params;
    whole.push_back(std::to_string(last));
    const std::string last_param = placeholder(whole.size());
    LARDER_ASSIGN_OR_RETURN(
        PgResult tail,
        tx.exec(std::string(kColumns) + filter + " AND version = " + last_param + kOrder, whole));
    append(tail, 0, tail.rows(), scope, out);
    *budget -= first_of_last + tail.rows();
    cur->version = last;
    LARDER_ASSIGN_OR_RETURN(
        PgResult beyond,
        tx.exec("SELECT 1 FROM feed_changes WHERE tenant_id = $1 AND location_id = $2"
                " AND version > $3 LIMIT 1",
                {tenant, location, std::to_string(last)}));
    result.more = beyond.rows() > 0;
    return result;
  }
}

}  // namespace

Result<FeedPage> read_feed(PgConnection& conn, std::string_view tenant_id,
                           std::string_view location_id, const FeedPosition& after, int limit,
                           SnapshotPaging paging) {
  if (limit < 1 || limit > kMaxLimit) {
    return invalid_argument("feed limit " + std::to_string(limit) + " is outside 1.." +
                            std::to_string(kMaxLimit));
  }
  if (!location_id.empty() && !is_uuid(location_id)) {
    return invalid_argument("location id '" + std::string(location_id) + "' is not a UUID");
  }
  if (after.tenant_version < 0 || after.location_version < 0 || after.tenant_snapshot_end < 0 ||
      after.location_snapshot_end < 0) {
    return invalid_argument("feed position has a negative version");
  }
  auto key_outside_snapshot = [](const std::optional<SnapshotKey>& key, std::int64_t version,
                                 std::int64_t snapshot_end) {
    return key.has_value() && (version != 0 || snapshot_end == 0);
  };
  if (key_outside_snapshot(after.tenant_snapshot_key, after.tenant_version,
                           after.tenant_snapshot_end) ||
      key_outside_snapshot(after.location_snapshot_key, after.location_version,
                           after.location_snapshot_end)) {
    return invalid_argument("feed position has a snapshot key outside a snapshot");
  }
  // One snapshot for the whole page: counters and rows agree.
  LARDER_ASSIGN_OR_RETURN(Transaction tx,
                          Transaction::begin_for_tenant(
                              conn, tenant_id, {Isolation::kRepeatableRead, /*read_only=*/true}));
  FeedPage page;
  page.next = after;
  int budget = limit;
  const std::string tenant(tenant_id);

  // The location scope first: order statuses are small and time-sensitive,
  // and should not wait behind a large menu download.
  if (!location_id.empty()) {
    ScopeCursor cur{after.location_version, after.location_snapshot_end,
                    after.location_snapshot_key};
    LARDER_ASSIGN_OR_RETURN(
        ScopeRead r, read_scope(tx, tenant, std::string(location_id), FeedScope::kLocation, paging,
                                &cur, &budget, &page.entries));
    if (r.resync) {
      page = FeedPage{};
      page.resync = true;
      page.resync_reason = r.reason;
      return page;
    }
    page.next.location_version = cur.version;
    page.next.location_snapshot_end = cur.snapshot_end;
    page.next.location_snapshot_key = cur.key;
    page.more = page.more || r.more;
  }
  ScopeCursor cur{after.tenant_version, after.tenant_snapshot_end, after.tenant_snapshot_key};
  LARDER_ASSIGN_OR_RETURN(
      ScopeRead r, read_scope(tx, tenant, kTenantScopeLocation, FeedScope::kTenant, paging, &cur,
                              &budget, &page.entries));
  if (r.resync) {
    page = FeedPage{};
    page.resync = true;
    page.resync_reason = r.reason;
    return page;
  }
  page.next.tenant_version = cur.version;
  page.next.tenant_snapshot_end = cur.snapshot_end;
  page.next.tenant_snapshot_key = cur.key;
  page.more = page.more || r.more;
  LARDER_RETURN_IF_ERROR(tx.commit());
  return page;
}

Result<std::int64_t> purge_feed(PgConnection& conn, std::string_view tenant_id,
                                std::chrono::seconds retention) {
  if (retention.count() < 0) return invalid_argument("negative feed retention");
  LARDER_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin_for_tenant(conn, tenant_id));
  LARDER_ASSIGN_OR_RETURN(
      PgResult r, tx.exec("SELECT larder_purge_feed(make_interval(secs => $1::bigint)) AS n",
                          {std::to_string(retention.count())}));
  LARDER_RETURN_IF_ERROR(tx.commit());
  return r.get_int(0, "n");
}

}  // namespace larder::hub::db
