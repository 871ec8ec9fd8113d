#include "tests/support/pg_server.h"

#include <libpq-fe.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "tests/support/child_process.h"
#include "tests/support/free_port.h"

namespace larder::testing {
namespace {

const char* kBinDir = "/usr/lib/postgresql/15/bin/";

std::vector<std::string> with_user(std::vector<std::string> argv) {
  std::vector<std::string> full = as_service_user();
  full.insert(full.end(), argv.begin(), argv.end());
  return full;
}

Status make_service_dir(std::string* dir) {
  char tmpl[] = "/tmp/larder-pg-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    return unavailable(std::string("mkdtemp /tmp/larder-pg-XXXXXX: ") + std::strerror(errno));
  }
  *dir = tmpl;
  if (running_as_root()) {
    passwd* pw = getpwnam("postgres");
    if (pw == nullptr) return failed_precondition("running as root but there is no user 'postgres'");
    if (chown(tmpl, pw->pw_uid, pw->pw_gid) != 0) {
      return unavailable(std::string("chown ") + tmpl + ": " + std::strerror(errno));
    }
  }
  chmod(tmpl, 0700);
  return Status::ok();
}

}  // namespace

Result<std::unique_ptr<PgServer>> PgServer::start() {
  std::unique_ptr<PgServer> server(new PgServer());
  LARDER_RETURN_IF_ERROR(make_service_dir(&server->dir_));
  server->data_dir_ = server->dir_ + "/data";
  server->superuser_ = service_user_name();
  const std::string log = server->dir_ + "/setup.log";

  // Armed before anything runs in the directory: if we die from here on, the
  // watchdog stops whatever started and removes the directory.
  std::string stop_cmd;
  for (const auto& a : with_user({std::string(kBinDir) + "pg_ctl", "stop", "-D", server->data_dir_,
                                  "-m", "immediate", "-w"})) {
    stop_cmd += a + " ";
  }
  server->watchdog_ =
      std::make_unique<CleanupWatchdog>(stop_cmd + "; rm -rf " + server->dir_);

  LARDER_RETURN_IF_ERROR(run_program(
      with_user({std::string(kBinDir) + "initdb", "-D", server->data_dir_, "-A", "trust",
                 "--no-sync", "-E", "UTF8", "--locale=C", "-U", server->superuser_}),
      log));

  // A free port can be taken by someone else before postgres binds it; retry.
  Status last;
  for (int attempt = 0; attempt < 5; ++attempt) {
    LARDER_ASSIGN_OR_RETURN(int port, pick_free_loopback_port());
    std::string options = "-c listen_addresses=127.0.0.1 -p " + std::to_string(port) + " -k " +
                          server->dir_ +
                          " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
                          " -c max_connections=300 -c shared_buffers=64MB"
                          " -c deadlock_timeout=100ms";
    last = run_program(with_user({std::string(kBinDir) + "pg_ctl", "start", "-w", "-t", "60", "-D",
                                  server->data_dir_, "-l", server->dir_ + "/postgres.log", "-o",
                                  options}),
                       log);
    if (last.is_ok()) {
      server->port_ = port;
      server->running_ = true;
      LARDER_RETURN_IF_ERROR(server->execute_sql("SELECT 1"));
      return server;
    }
  }
  return last.with_context("starting PostgreSQL in " + server->dir_ + " (postgres.log: " +
                           tail_of_file(server->dir_ + "/postgres.log") + ")");
}

Status PgServer::stop() {
  Status status;
  if (running_) {
    status = run_program(with_user({std::string(kBinDir) + "pg_ctl", "stop", "-D", data_dir_, "-m",
                                    "immediate", "-w"}),
                         dir_ + "/setup.log");
    running_ = false;
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  if (watchdog_) watchdog_->disarm();
  return status;
}

PgServer::~PgServer() {
  Status s = stop();
  if (!s.is_ok()) std::fprintf(stderr, "PgServer: %s\n", s.to_string().c_str());
}

std::string PgServer::conninfo(const std::string& dbname, const std::string& user) const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " dbname=" + dbname +
         " user=" + (user.empty() ? superuser_ : user) + " connect_timeout=10";
}

Status PgServer::execute_sql(const std::string& sql, const std::string& dbname) const {
  PGconn* conn = PQconnectdb(conninfo(dbname).c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string why = PQerrorMessage(conn);
    PQfinish(conn);
    return unavailable("connecting to test PostgreSQL: " + why);
  }
  PGresult* res = PQexec(conn, sql.c_str());
  ExecStatusType st = PQresultStatus(res);
  Status status;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    status = internal_error("test SQL failed: " + std::string(PQresultErrorMessage(res)) +
                            " in: " + sql.substr(0, 200));
  }
  PQclear(res);
  PQfinish(conn);
  return status;
}

PgServer& shared_pg_server() {
  static std::unique_ptr<PgServer> server = [] {
    auto started = PgServer::start();
    if (!started.is_ok()) {
      std::fprintf(stderr, "cannot start the test PostgreSQL: %s\n",
                   started.status().to_string().c_str());
      std::abort();
    }
    return std::move(started).value();
  }();
  return *server;
}

std::string unique_database_name(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
}

}  // namespace larder::testing
