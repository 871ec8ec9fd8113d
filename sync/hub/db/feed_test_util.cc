#include "sync/hub/db/feed_test_util.h"

#include <cstdio>

namespace larder::hub::db::feed_test {

std::string id(int tag, long n) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%08d-0000-4000-8000-%012ld", tag, n);
  return buf;
}

Status try_exec_for_tenant(PgConnection& conn, const std::string& tenant, const std::string& sql,
                           const PgParams& params) {
  LARDER_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin_for_tenant(conn, tenant));
  LARDER_RETURN_IF_ERROR(tx.exec(sql, params).status());
  return tx.commit();
}

void exec_for_tenant(PgConnection& conn, const std::string& tenant, const std::string& sql,
                     const PgParams& params) {
  auto tx = Transaction::begin_for_tenant(conn, tenant);
  REQUIRE_MESSAGE(tx.is_ok(), tx.status().to_string());
  auto r = tx->exec(sql, params);
  REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
  Status c = tx->commit();
  REQUIRE_MESSAGE(c.is_ok(), c.to_string());
}

TenantFixture make_tenant(PgConnection& hub, int tag) {
  TenantFixture f{id(tag, 0), id(tag, 1), id(tag, 2), id(tag, 3)};
  auto tx = Transaction::begin_for_tenant(hub, f.tenant);
  REQUIRE(tx.is_ok());
  auto step = [&](const std::string& sql, const PgParams& p) {
    auto r = tx->exec(sql, p);
    REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
  };
  step("INSERT INTO tenants (tenant_id, name, currency) VALUES ($1, $2, 'USD')",
       {f.tenant, "tenant " + std::to_string(tag)});
  step("INSERT INTO locations (tenant_id, id, name, timezone) VALUES ($1, $2, 'Main', 'UTC')",
       {f.tenant, f.location});
  step("INSERT INTO menus (tenant_id, id, name) VALUES ($1, $2, 'All day')", {f.tenant, f.menu});
  step("INSERT INTO categories (tenant_id, id, menu_id, name) VALUES ($1, $2, $3, 'Food')",
       {f.tenant, f.category, f.menu});
  REQUIRE(tx->commit().is_ok());
  return f;
}

bool Replica::apply(const FeedPage& page) {
  ++pages;
  if (page.resync) {
    ++resyncs;
    rows.clear();
    last_version_.clear();
    position = FeedPosition{};
    return true;
  }
  for (const FeedEntry& e : page.entries) {
    int scope = e.scope == FeedScope::kTenant ? 0 : 1;
    auto it = last_version_.find(scope);
    if (it != last_version_.end()) {
      // Versions rise; a version seen on an earlier page never comes back
      // (that would mean a transaction was split across pages).
      REQUIRE_MESSAGE(e.version >= it->second, "version went backwards in scope " << scope);
    }
    ++entries;
    std::string key = e.table + "|" + nlohmann::json::parse(e.key_json).dump();
    if (e.is_delete) {
      rows.erase(key);
    } else {
      rows[key] = nlohmann::json::parse(e.row_json);
    }
  }
  // Record the highest version per scope after the page; the next page must
  // start strictly above it.
  for (const FeedEntry& e : page.entries) {
    int scope = e.scope == FeedScope::kTenant ? 0 : 1;
    last_version_[scope] = std::max(last_version_[scope], e.version + 1);
  }
  position = page.next;
  return page.more;
}

void Replica::catch_up(PgConnection& conn, const std::string& tenant, const std::string& location,
                       int limit) {
  for (int i = 0; i < 1000000; ++i) {
    auto page = read_feed(conn, tenant, location, position, limit);
    REQUIRE_MESSAGE(page.is_ok(), page.status().to_string());
    if (!apply(*page)) return;
  }
  FAIL("feed never ended");
}

bool StagedReplica::apply(const FeedPage& page, int limit) {
  ++pages;
  if (page.resync) {
    ++resyncs;
    staging.clear();
    position = FeedPosition{};
    return true;
  }
  const bool in_snapshot =
      page.next.tenant_snapshot_key.has_value() || page.next.location_snapshot_key.has_value();
  if (in_snapshot) {
    REQUIRE_MESSAGE(
        static_cast<int>(page.entries.size()) <= limit,
        "a staged snapshot page holds " << page.entries.size() << " entries, limit " << limit);
  }
  for (const FeedEntry& e : page.entries) {
    ++entries;
    std::string key = e.table + "|" + nlohmann::json::parse(e.key_json).dump();
    if (e.is_delete) {
      staging.erase(key);
    } else {
      staging[key] = nlohmann::json::parse(e.row_json);
    }
  }
  position = page.next;
  if (!page.more) {
    rows = staging;
    ++swaps;
  }
  return page.more;
}

void StagedReplica::catch_up(PgConnection& conn, const std::string& tenant,
                             const std::string& location, int limit) {
  for (int i = 0; i < 1000000; ++i) {
    auto page = read_feed(conn, tenant, location, position, limit, SnapshotPaging::kByKey);
    REQUIRE_MESSAGE(page.is_ok(), page.status().to_string());
    if (!apply(*page, limit)) return;
  }
  FAIL("feed never ended");
}

std::map<std::string, nlohmann::json> current_state(PgConnection& conn, const std::string& tenant,
                                                    const std::string& location) {
  std::map<std::string, nlohmann::json> out;
  auto tx = Transaction::begin_for_tenant(conn, tenant);
  REQUIRE(tx.is_ok());
  REQUIRE(tx->exec("SET LOCAL timezone = 'UTC'").is_ok());
  auto r = tx->exec(R"sql(
      SELECT 'tenants' AS t, jsonb_build_object('id', tenant_id) AS k,
             jsonb_build_object('id', tenant_id) || (to_jsonb(x) - 'tenant_id') AS r FROM tenants x
      UNION ALL SELECT 'locations', jsonb_build_object('id', id), to_jsonb(x) - 'tenant_id'
        FROM locations x WHERE id = $1
      UNION ALL SELECT 'menus', jsonb_build_object('id', id), to_jsonb(x) - 'tenant_id' FROM menus x
      UNION ALL SELECT 'categories', jsonb_build_object('id', id), to_jsonb(x) - 'tenant_id' FROM categories x
      UNION ALL SELECT 'items', jsonb_build_object('id', id), to_jsonb(x) - 'tenant_id' FROM items x
      UNION ALL SELECT 'modifiers', jsonb_build_object('id', id), to_jsonb(x) - 'tenant_id' FROM modifiers x
      UNION ALL SELECT 'options', jsonb_build_object('id', id), to_jsonb(x) - 'tenant_id' FROM options x
      UNION ALL SELECT 'item_modifiers', jsonb_build_object('item_id', item_id, 'modifier_id', modifier_id),
                       to_jsonb(x) - 'tenant_id' FROM item_modifiers x
      UNION ALL SELECT 'orders', jsonb_build_object('id', id),
                       jsonb_build_object('id', id, 'status', status, 'updated_at', updated_at)
        FROM orders x WHERE location_id = $1)sql",
                    {location});
  REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
  for (int i = 0; i < r->rows(); ++i) {
    std::string key = std::string(r->get(i, "t")) + "|" +
                      nlohmann::json::parse(std::string(r->get(i, "k"))).dump();
    out[key] = nlohmann::json::parse(std::string(r->get(i, "r")));
  }
  REQUIRE(tx->commit().is_ok());
  return out;
}

}  // namespace larder::hub::db::feed_test
