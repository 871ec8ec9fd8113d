// Helpers shared by the feed tests (test-only): tenants and menus written
// through the hub role, a reader that applies pages to an in-memory replica,
// and the tables' current state in feed form for comparison.
#pragma once

#include <doctest/doctest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "sync/hub/db/feed.h"
#include "sync/hub/db/pg_connection.h"
#include "sync/hub/db/transaction.h"

namespace larder::hub::db::feed_test {

// "00000000-0000-4000-8000-<12 digits>" from a number, for readable ids.
std::string id(int tag, long n);

// Runs statements in one transaction scoped to the tenant and commits;
// the failure, if any (for tests of what the database refuses).
Status try_exec_for_tenant(PgConnection& conn, const std::string& tenant, const std::string& sql,
                           const PgParams& params = {});

// Runs statements in one transaction scoped to the tenant; REQUIREs success.
void exec_for_tenant(PgConnection& conn, const std::string& tenant, const std::string& sql,
                     const PgParams& params = {});

// Creates a tenant with one location, a menu and a category (ids from tag).
struct TenantFixture {
  std::string tenant, location, menu, category;
};
TenantFixture make_tenant(PgConnection& hub, int tag);

// An in-memory replica built only from feed pages.
struct Replica {
  FeedPosition position;
  std::map<std::string, nlohmann::json> rows;  // "table|key" -> row
  std::int64_t pages = 0;
  std::int64_t entries = 0;
  std::int64_t resyncs = 0;
  // Applies one page; checks version order and that no version is split
  // across pages. Returns the page's `more`.
  bool apply(const FeedPage& page);
  // Pulls until `more` is false.
  void catch_up(PgConnection& conn, const std::string& tenant, const std::string& location,
                int limit);

 private:
  std::map<int, std::int64_t> last_version_;  // per scope
};

// A reader that builds its replica from zero in staging, as a node's first
// bootstrap and resync do: pages are read with SnapshotPaging::kByKey, go
// into `staging`, and `rows` (what a screen would see) changes only when a
// page ends with `more` false, all at once. Checks that no page exceeds the
// limit while the snapshot lasts, and never sees a version below one it
// already left behind outside the snapshot.
struct StagedReplica {
  FeedPosition position;
  std::map<std::string, nlohmann::json> staging;
  std::map<std::string, nlohmann::json> rows;
  std::int64_t pages = 0;
  std::int64_t entries = 0;
  std::int64_t swaps = 0;
  std::int64_t resyncs = 0;
  // Applies one page read with `limit`; returns its `more`.
  bool apply(const FeedPage& page, int limit);
  void catch_up(PgConnection& conn, const std::string& tenant, const std::string& location,
                int limit);
};

// The tables' current state as the feed shows it (same keys as Replica).
std::map<std::string, nlohmann::json> current_state(PgConnection& conn, const std::string& tenant,
                                                    const std::string& location);

}  // namespace larder::hub::db::feed_test
