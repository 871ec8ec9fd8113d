// Shared fixture for the operations tests (test-only): one migrated database
// per test executable, hub-role connections, and a provisioned tenant.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "base/env.h"
#include "sync/hub/db/feed_test_util.h"
#include "sync/hub/db/provisioning.h"
#include "sync/hub/db/test_database.h"

namespace larder::hub::db::ops_test {

inline const HubTestDatabase& database() {
  static HubTestDatabase db = [] {
    auto created = HubTestDatabase::create(testing::shared_pg_server(), "ops");
    REQUIRE_MESSAGE(created.is_ok(), created.status().to_string());
    return *created;
  }();
  return db;
}

inline PgConnection connect(const std::string& conninfo) {
  auto c = PgConnection::connect(conninfo);
  REQUIRE_MESSAGE(c.is_ok(), c.status().to_string());
  return std::move(c).value();
}

inline PgConnection hub() { return connect(database().hub_conninfo); }

// A tenant with a location, provisioned through the library functions.
struct Provisioned {
  std::string tenant, location;
};
inline Provisioned provision(PgConnection& conn, int tag) {
  Provisioned p{feed_test::id(tag, 0), feed_test::id(tag, 1)};
  Status t = add_tenant(conn, {p.tenant, "Tenant " + std::to_string(tag), "USD", "#112233", std::nullopt});
  REQUIRE_MESSAGE(t.is_ok(), t.to_string());
  LocationSpec loc;
  loc.tenant_id = p.tenant;
  loc.id = p.location;
  loc.name = "Main street";
  loc.timezone = "Europe/Paris";
  loc.tax_rate_bp = 800;
  Status l = add_location(conn, loc);
  REQUIRE_MESSAGE(l.is_ok(), l.to_string());
  return p;
}

}  // namespace larder::hub::db::ops_test
