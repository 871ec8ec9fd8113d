#include "sync/hub/db/roles.h"

#include <doctest/doctest.h>

#include "sync/hub/db/test_database.h"

namespace larder::hub::db {
namespace {

TEST_CASE("check_hub_role_is_safe refuses superuser and owner, accepts the hub role") {
  auto db = HubTestDatabase::create(testing::shared_pg_server(), "roles");
  REQUIRE_MESSAGE(db.is_ok(), db.status().to_string());

  auto super = PgConnection::connect(db->superuser_conninfo);
  REQUIRE(super.is_ok());
  Status s = check_hub_role_is_safe(*super);
  CHECK(s.code() == Code::kPermissionDenied);
  CHECK(s.message().find("is a superuser") != std::string::npos);

  auto owner = PgConnection::connect(db->owner_conninfo);
  REQUIRE(owner.is_ok());
  Status o = check_hub_role_is_safe(*owner);
  CHECK(o.code() == Code::kPermissionDenied);
  CHECK(o.message().find("owns table") != std::string::npos);

  auto hub = PgConnection::connect(db->hub_conninfo);
  REQUIRE(hub.is_ok());
  CHECK_MESSAGE(check_hub_role_is_safe(*hub).is_ok(), check_hub_role_is_safe(*hub).to_string());

  // A role with BYPASSRLS, and one that could SET ROLE to the owner.
  REQUIRE(super->exec_script("CREATE ROLE roles_bypass LOGIN BYPASSRLS;"
                             "CREATE ROLE roles_member LOGIN NOINHERIT IN ROLE larder_owner;")
              .is_ok());
  auto bypass = PgConnection::connect(testing::shared_pg_server().conninfo(db->name, "roles_bypass"));
  REQUIRE(bypass.is_ok());
  CHECK(check_hub_role_is_safe(*bypass).message().find("BYPASSRLS") != std::string::npos);
  auto member = PgConnection::connect(testing::shared_pg_server().conninfo(db->name, "roles_member"));
  REQUIRE(member.is_ok());
  Status m = check_hub_role_is_safe(*member);
  CHECK(m.code() == Code::kPermissionDenied);
  CHECK(m.message().find("membership in larder_owner") != std::string::npos);
}

TEST_CASE("bootstrap_roles is idempotent and makes a hub role that cannot bypass RLS") {
  auto super = PgConnection::connect(testing::shared_pg_server().conninfo());
  REQUIRE(super.is_ok());
  CHECK(bootstrap_roles(*super).is_ok());
  CHECK(bootstrap_roles(*super).is_ok());
  auto r = super->exec(
      "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = 'larder_hub'");
  REQUIRE(r.is_ok());
  REQUIRE(r->rows() == 1);
  CHECK_FALSE(r->get_bool(0, "rolsuper"));
  CHECK_FALSE(r->get_bool(0, "rolbypassrls"));
  CHECK_FALSE(r->get_bool(0, "rolcreaterole"));
  CHECK_FALSE(r->get_bool(0, "rolcreatedb"));
}

}  // namespace
}  // namespace larder::hub::db
