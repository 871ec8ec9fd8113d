#include "sync/hub/db/migrations.h"

#include <doctest/doctest.h>

#include "sync/hub/db/test_database.h"

namespace larder::hub::db {
namespace {

// A fingerprint of everything migrations create: tables, columns, indexes,
// constraints, policies, triggers, functions and grants.
std::string schema_fingerprint(PgConnection& conn) {
  auto r = conn.exec(R"sql(
    SELECT string_agg(x, E'\n' ORDER BY x) AS f FROM (
      SELECT 'col ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable AS x
        FROM information_schema.columns WHERE table_schema = 'public'
      UNION ALL SELECT 'idx ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
      UNION ALL SELECT 'con ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
        WHERE connamespace = 'public'::regnamespace
      UNION ALL SELECT 'pol ' || tablename || '.' || policyname || ' ' || coalesce(qual, '')
        FROM pg_policies WHERE schemaname = 'public'
      UNION ALL SELECT 'trg ' || tgrelid::regclass || '.' || tgname FROM pg_trigger WHERE NOT tgisinternal
      UNION ALL SELECT 'fn ' || oid::regprocedure::text FROM pg_proc WHERE pronamespace = 'public'::regnamespace
      UNION ALL SELECT 'grant ' || grantee || ' ' || table_name || ' ' || privilege_type
        FROM information_schema.role_table_grants WHERE table_schema = 'public'
      UNION ALL SELECT 'rls ' || relname || ' ' || relrowsecurity || relforcerowsecurity FROM pg_class
        WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'
    ) s)sql");
  REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
  return std::string(r->get(0, "f"));
}

TEST_CASE("migrations go up, down and up again; running twice changes nothing") {
  auto db = HubTestDatabase::create(testing::shared_pg_server(), "migr", /*migrate=*/false);
  REQUIRE_MESSAGE(db.is_ok(), db.status().to_string());
  auto owner = PgConnection::connect(db->owner_conninfo);
  REQUIRE(owner.is_ok());
  PgConnection& conn = *owner;

  CHECK(current_migration_version(conn).value() == 0);
  std::string empty = schema_fingerprint(conn);
  auto up = migrate_up(conn);
  REQUIRE_MESSAGE(up.is_ok(), up.status().to_string());
  CHECK(*up == latest_migration_version());
  CHECK(latest_migration_version() == static_cast<int>(known_migrations().size()));
  CHECK(current_migration_version(conn).value() == latest_migration_version());
  std::string full = schema_fingerprint(conn);
  CHECK(full.find("rls items truetrue") != std::string::npos);
  CHECK(full.find("trg items.z_capture") != std::string::npos);

  auto again = migrate_up(conn);
  REQUIRE(again.is_ok());
  CHECK(*again == 0);
  CHECK(schema_fingerprint(conn) == full);

  // Down one step, then all the way, then up again: the same schema.
  auto one = migrate_down(conn, latest_migration_version() - 1);
  REQUIRE_MESSAGE(one.is_ok(), one.status().to_string());
  CHECK(*one == 1);
  CHECK(current_migration_version(conn).value() == latest_migration_version() - 1);
  auto all = migrate_down(conn, 0);
  REQUIRE_MESSAGE(all.is_ok(), all.status().to_string());
  CHECK(current_migration_version(conn).value() == 0);
  std::string after_down = schema_fingerprint(conn);
  // Only the bookkeeping table remains.
  CHECK(after_down.find("larder_schema_migrations") != std::string::npos);
  CHECK(after_down.find("col items") == std::string::npos);
  CHECK(after_down.find("fn larder_") == std::string::npos);
  CHECK(migrate_down(conn, 0).value() == 0);

  REQUIRE(migrate_up(conn).is_ok());
  CHECK(schema_fingerprint(conn) == full);
  (void)empty;
}

TEST_CASE("a database newer than the binary is refused") {
  auto db = HubTestDatabase::create(testing::shared_pg_server(), "migr_new");
  REQUIRE_MESSAGE(db.is_ok(), db.status().to_string());
  auto owner = PgConnection::connect(db->owner_conninfo);
  REQUIRE(owner.is_ok());
  REQUIRE(owner->exec("INSERT INTO larder_schema_migrations (version, name) VALUES (999, 'future')").is_ok());
  auto up = migrate_up(*owner);
  CHECK(up.status().code() == Code::kFailedPrecondition);
  CHECK(up.status().message().find("999") != std::string::npos);
}

}  // namespace
}  // namespace larder::hub::db
