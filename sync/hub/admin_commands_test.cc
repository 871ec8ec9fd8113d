// The admin commands against a real PostgreSQL: what an operator sees when
// a command is run with the wrong role or a bad value.
#include "sync/hub/admin_commands.h"

#include <doctest/doctest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <sstream>

#include "sync/hub/db/feed_test_util.h"
#include "sync/hub/db/migrations.h"
#include "sync/hub/db/test_database.h"
#include "tests/support/pg_server.h"

namespace larder::hub {
namespace {

struct Ran {
  int code = -1;
  std::string out, err;
};

template <typename Command>
Ran run(Command command, const AdminArgs& a) {
  std::ostringstream out, err;
  Ran r;
  r.code = command(a, out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

// The real binary, for what CLI11 parses before any command runs.
Ran run_binary(const std::string& args) {
  std::string cmd = std::string(LARDER_HUB_BINARY) + " " + args + " 2>&1";
  Ran r;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::array<char, 512> buf{};
  while (std::fgets(buf.data(), buf.size(), p) != nullptr) r.err += buf.data();
  int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

const db::HubTestDatabase& database() {
  static db::HubTestDatabase d = [] {
    auto created = db::HubTestDatabase::create(testing::shared_pg_server(), "admin");
    REQUIRE_MESSAGE(created.is_ok(), created.status().to_string());
    return *created;
  }();
  return d;
}

// A tenant with one tombstone in its feed (a deleted menu), as the hub role.
std::string tenant_with_tombstone(int tag) {
  auto conn = db::PgConnection::connect(database().hub_conninfo);
  REQUIRE(conn.is_ok());
  auto f = db::feed_test::make_tenant(*conn, tag);
  db::feed_test::exec_for_tenant(*conn, f.tenant, "DELETE FROM menus WHERE id = $1", {f.menu});
  return f.tenant;
}

std::int64_t tombstones(const std::string& tenant) {
  auto conn = db::PgConnection::connect(database().owner_conninfo);
  REQUIRE(conn.is_ok());
  auto tx = db::Transaction::begin_for_tenant(*conn, tenant);
  auto r = tx->exec("SELECT count(*) AS n FROM feed_changes WHERE op = 'delete'");
  REQUIRE(r.is_ok());
  return r->get_int(0, "n");
}

TEST_CASE("regression: purge as the hub role fails naming the owner role, and deletes nothing") {
  const std::string tenant = tenant_with_tombstone(801);
  REQUIRE(tombstones(tenant) > 0);
  AdminArgs a;
  a.db = database().hub_conninfo;
  a.retention_days = 0;
  Ran r = run(admin_purge, a);
  CHECK(r.code == 1);
  CHECK(r.out.empty());
  CHECK(r.err.find("purge must run as the schema owner, larder_owner") != std::string::npos);
  CHECK(r.err.find("not larder_hub") != std::string::npos);
  CHECK(tombstones(tenant) > 0);

  a.db = database().owner_conninfo;
  r = run(admin_purge, a);
  CHECK_MESSAGE(r.code == 0, r.err);
  CHECK(r.out.rfind("purged ", 0) == 0);
  CHECK(tombstones(tenant) == 0);
  // A superuser sees every tenant too.
  a.db = database().superuser_conninfo;
  CHECK(run(admin_purge, a).code == 0);
}

TEST_CASE("purge refuses a retention that is negative, absurd or does not fit") {
  AdminArgs a;
  a.db = database().owner_conninfo;
  for (int days : {-1, -7, kMaxRetentionDays + 1, 2'000'000'000}) {
    CAPTURE(days);
    a.retention_days = days;
    Ran r = run(admin_purge, a);
    CHECK(r.code == 2);
    CHECK(r.err ==
          "larder-hub: --retention-days must be a whole number of days from 0 to 3650 "
          "(10 years), not " +
              std::to_string(days) + "\n");
  }
  a.retention_days = kMaxRetentionDays;
  CHECK(run(admin_purge, a).code == 0);
  // Through the CLI: a number that does not fit an int is refused before anything runs.
  const std::string db = "--db '" + database().owner_conninfo + "'";
  for (const char* given : {"99999999999999999999", "-3", "7days", "3651", ""}) {
    CAPTURE(given);
    Ran r = run_binary("purge " + db + " --retention-days '" + given + "'");
    CHECK(r.code != 0);
    CHECK(r.err.find("--retention-days: " + retention_days_error(given)) != std::string::npos);
    CHECK(r.err.find("purged") == std::string::npos);
  }
}

TEST_CASE("location add names the bad field and value, and stores nothing") {
  auto conn = db::PgConnection::connect(database().hub_conninfo);
  REQUIRE(conn.is_ok());
  auto f = db::feed_test::make_tenant(*conn, 802);
  AdminArgs a;
  a.db = database().hub_conninfo;
  a.tenant = f.tenant;
  a.name = "Second";
  a.id = db::feed_test::id(802, 7);
  a.opening_hours = R"({"monday": [["08:00", "22:00"]]})";
  Ran r = run(admin_location_add, a);
  CHECK(r.code == 1);
  CHECK(r.err ==
        "larder-hub: opening_hours has the key \"monday\"; days are mon, tue, wed, thu, "
        "fri, sat, sun\n");
  a.opening_hours = "{}";
  a.timezone = "posix/Europe/Paris";
  r = run(admin_location_add, a);
  CHECK(r.code == 1);
  CHECK(r.err.find("larder-hub: timezone 'posix/Europe/Paris' is not accepted") == 0);
  a.timezone = "Europe/Paris";
  a.opening_hours = R"({"mon": [["08:00", "22:00"]]})";
  r = run(admin_location_add, a);
  CHECK_MESSAGE(r.code == 0, r.err);
  CHECK(r.out == a.id + "\n");
}

TEST_CASE("migrate lists stored locations the node cannot read, and still succeeds") {
  auto d = db::HubTestDatabase::create(testing::shared_pg_server(), "admin_migr");
  REQUIRE(d.is_ok());
  auto owner = db::PgConnection::connect(d->owner_conninfo);
  REQUIRE(owner.is_ok());
  REQUIRE(db::migrate_down(*owner, 5).is_ok());
  auto hub = db::PgConnection::connect(d->hub_conninfo);
  REQUIRE(hub.is_ok());
  auto f = db::feed_test::make_tenant(*hub, 803);
  db::feed_test::exec_for_tenant(*hub, f.tenant, "UPDATE locations SET timezone = 'Factory'");
  AdminArgs a;
  a.db = d->owner_conninfo;
  Ran r = run(admin_migrate, a);
  CHECK_MESSAGE(r.code == 0, r.err);
  CHECK(r.out.find("schema at version " + std::to_string(db::latest_migration_version())) == 0);
  CHECK(r.err.find("larder-hub: warning: location " + f.location + " of tenant " + f.tenant +
                   ": timezone 'Factory' is not accepted") == 0);
}

}  // namespace
}  // namespace larder::hub
