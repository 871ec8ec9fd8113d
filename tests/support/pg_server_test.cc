#include "tests/support/pg_server.h"

#include <doctest/doctest.h>
#include <libpq-fe.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <thread>
#include <fstream>

#include "tests/support/pgbouncer_server.h"

namespace larder::testing {
namespace {

std::string query_one(const std::string& conninfo, const std::string& sql) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  REQUIRE_MESSAGE(PQstatus(conn) == CONNECTION_OK, PQerrorMessage(conn));
  PGresult* res = PQexec(conn, sql.c_str());
  std::string out = PQresultStatus(res) == PGRES_TUPLES_OK ? PQgetvalue(res, 0, 0) : "";
  PQclear(res);
  PQfinish(conn);
  return out;
}

// Alive and not a zombie waiting for init to reap it.
bool process_alive(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string pid_text, comm, state;
  if (!(in >> pid_text >> comm >> state)) return false;
  return state != "Z";
}

pid_t postmaster_pid(const std::string& dir) {
  std::ifstream in(dir + "/data/postmaster.pid");
  long pid = -1;
  in >> pid;
  return static_cast<pid_t>(pid);
}

TEST_CASE("a PgServer starts, answers, and is gone after destruction") {
  std::string dir;
  pid_t pid = -1;
  {
    auto started = PgServer::start();
    REQUIRE_MESSAGE(started.is_ok(), started.status().to_string());
    PgServer& server = **started;
    dir = server.dir();
    pid = postmaster_pid(dir);
    CHECK(pid > 0);
    CHECK(query_one(server.conninfo(), "SELECT current_setting('fsync')") == "off");
    CHECK(query_one(server.conninfo(), "SELECT version()").find("PostgreSQL 15") == 0);
    CHECK(server.execute_sql("CREATE DATABASE harness_db").is_ok());
    CHECK(query_one(server.conninfo("harness_db"), "SELECT current_database()") == "harness_db");
    CHECK_FALSE(server.execute_sql("SELECT * FROM no_such_table").is_ok());
  }
  CHECK_FALSE(std::filesystem::exists(dir));
  CHECK_FALSE(process_alive(pid));  // pg_ctl stop -w returned after the postmaster exited
}

TEST_CASE("the shared server is the same for every caller") {
  CHECK(&shared_pg_server() == &shared_pg_server());
  CHECK(query_one(shared_pg_server().conninfo(), "SELECT 1") == "1");
  CHECK(unique_database_name("x") != unique_database_name("x"));
}

TEST_CASE("PgBouncer in transaction mode forwards queries and stops cleanly") {
  PgServer& server = shared_pg_server();
  REQUIRE(server.execute_sql("CREATE ROLE bouncer_user LOGIN").is_ok());
  std::string dir;
  {
    auto started = PgBouncerServer::start(server, {"bouncer_user"});
    REQUIRE_MESSAGE(started.is_ok(), started.status().to_string());
    CHECK(query_one((*started)->conninfo("postgres", "bouncer_user"), "SELECT current_user") ==
          "bouncer_user");
    CHECK(query_one((*started)->conninfo("postgres", server.superuser()), "SHOW pool_mode").empty());
  }
}

}  // namespace
}  // namespace larder::testing

namespace larder::testing {
namespace {
// Manual check of the watchdog: run with -tc="*watchdog*" --no-skip, kill -9
// the process while it sleeps, and see no postgres left and /tmp clean.
TEST_CASE("manual: watchdog cleans up after SIGKILL" * doctest::skip()) {
  PgServer& server = shared_pg_server();
  MESSAGE("server dir " << server.dir());
  std::this_thread::sleep_for(std::chrono::seconds(30));
}
}  // namespace
}  // namespace larder::testing
