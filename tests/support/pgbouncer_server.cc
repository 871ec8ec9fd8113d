#include "tests/support/pgbouncer_server.h"

#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/support/child_process.h"
#include "tests/support/free_port.h"

namespace larder::testing {
namespace {

Status write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  if (!out) return unavailable("cannot write " + path);
  if (running_as_root()) {
    passwd* pw = getpwnam("postgres");
    if (pw == nullptr || chown(path.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      return unavailable("cannot chown " + path + " to postgres");
    }
  }
  return Status::ok();
}

pid_t read_pid(const std::string& path) {
  std::ifstream in(path);
  long pid = -1;
  if (in >> pid) return static_cast<pid_t>(pid);
  return -1;
}

bool query_works(const std::string& conninfo) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  bool ok = PQstatus(conn) == CONNECTION_OK;
  if (ok) {
    PGresult* res = PQexec(conn, "SELECT 1");
    ok = PQresultStatus(res) == PGRES_TUPLES_OK;
    PQclear(res);
  }
  PQfinish(conn);
  return ok;
}

}  // namespace

Result<std::unique_ptr<PgBouncerServer>> PgBouncerServer::start(const PgServer& server,
                                                                std::vector<std::string> users,
                                                                int pool_size) {
  std::unique_ptr<PgBouncerServer> b(new PgBouncerServer());
  char tmpl[] = "/tmp/larder-pgb-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return unavailable(std::string("mkdtemp: ") + std::strerror(errno));
  b->dir_ = tmpl;
  if (running_as_root()) {
    passwd* pw = getpwnam("postgres");
    if (pw == nullptr || chown(tmpl, pw->pw_uid, pw->pw_gid) != 0) {
      return unavailable(std::string("cannot chown ") + tmpl + " to postgres");
    }
  }
  const std::string pidfile = b->dir_ + "/pgbouncer.pid";
  b->watchdog_ = std::make_unique<CleanupWatchdog>("kill -TERM $(cat " + pidfile +
                                                   ") 2>/dev/null; sleep 1; rm -rf " + b->dir_);

  users.push_back(server.superuser());
  std::string userlist;
  for (const auto& u : users) userlist += "\"" + u + "\" \"\"\n";
  LARDER_RETURN_IF_ERROR(write_file(b->dir_ + "/userlist.txt", userlist));

  Status last;
  for (int attempt = 0; attempt < 5; ++attempt) {
    LARDER_ASSIGN_OR_RETURN(int port, pick_free_loopback_port());
    std::string ini =
        "[databases]\n"
        "* = host=127.0.0.1 port=" + std::to_string(server.port()) + "\n"
        "[pgbouncer]\n"
        "listen_addr = 127.0.0.1\n"
        "listen_port = " + std::to_string(port) + "\n"
        "unix_socket_dir =\n"
        "auth_type = trust\n"
        "auth_file = " + b->dir_ + "/userlist.txt\n"
        "pool_mode = transaction\n"
        "default_pool_size = " + std::to_string(pool_size) + "\n"
        "max_client_conn = 500\n"
        "server_reset_query =\n"
        "ignore_startup_parameters = extra_float_digits,options\n"
        "logfile = " + b->dir_ + "/pgbouncer.log\n"
        "pidfile = " + pidfile + "\n";
    LARDER_RETURN_IF_ERROR(write_file(b->dir_ + "/pgbouncer.ini", ini));
    std::vector<std::string> argv = as_service_user();
    argv.insert(argv.end(), {"pgbouncer", "-d", "-q", b->dir_ + "/pgbouncer.ini"});
    last = run_program(argv, b->dir_ + "/setup.log");
    if (!last.is_ok()) continue;
    b->port_ = port;
    // -d returns once the daemon forked; wait until it answers queries.
    for (int i = 0; i < 200; ++i) {
      if (b->pid_ < 0) b->pid_ = read_pid(pidfile);
      if (b->pid_ > 0 && query_works(b->conninfo("postgres", server.superuser()))) return b;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    last = unavailable("PgBouncer did not answer on port " + std::to_string(port) + "; log: " +
                       tail_of_file(b->dir_ + "/pgbouncer.log"));
    b->stop();
    return last;
  }
  return last.with_context("starting PgBouncer");
}

void PgBouncerServer::stop() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    // Not our child (it daemonized), so poll until it is gone.
    for (int i = 0; i < 200 && kill(pid_, 0) == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (kill(pid_, 0) == 0) kill(pid_, SIGKILL);
    pid_ = -1;
  }
}

PgBouncerServer::~PgBouncerServer() {
  stop();
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  if (watchdog_) watchdog_->disarm();
}

std::string PgBouncerServer::conninfo(const std::string& dbname, const std::string& user) const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " dbname=" + dbname + " user=" + user +
         " connect_timeout=10";
}

}  // namespace larder::testing
