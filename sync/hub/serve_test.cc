// larder-hub serve, run as the real binary: it refuses a database role that
// could see past Row Level Security, and serves with the hub role.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <string>

#include "storage/testing/temp_dir.h"
#include "sync/hub/db/test_database.h"
#include "tests/support/free_port.h"
#include "tests/support/pg_server.h"

namespace larder::hub {
namespace {

struct Run {
  int exit_code = -1;
  std::string output;
};

// Runs the binary with a config and returns its exit code and stderr/stdout.
Run run_hub(const std::string& config_path) {
  std::string cmd = std::string(LARDER_HUB_BINARY) + " serve --config " + config_path + " 2>&1";
  Run r;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::array<char, 512> buf{};
  while (std::fgets(buf.data(), buf.size(), p) != nullptr) r.output += buf.data();
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string write_config(const storage::testing::TempDir& dir, const std::string& conninfo,
                         int port) {
  std::string path = dir.file("hub.toml");
  std::ofstream out(path);
  out << "[server]\nport = " << port << "\n[database]\nconninfo = \"" << conninfo << "\"\n";
  return path;
}

}  // namespace

TEST_CASE("serve refuses a superuser and the schema owner, with the reason") {
  auto db = db::HubTestDatabase::create(testing::shared_pg_server(), "serve");
  REQUIRE_MESSAGE(db.is_ok(), db.status().to_string());
  storage::testing::TempDir dir;
  for (const std::string& conninfo : {db->superuser_conninfo, db->owner_conninfo}) {
    CAPTURE(conninfo);
    Run r = run_hub(write_config(dir, conninfo, *testing::pick_free_loopback_port()));
    CHECK(r.exit_code == 1);
    CHECK(r.output.find("larder-hub: refusing to serve: ") != std::string::npos);
  }
}

TEST_CASE("serve starts with the hub role and stops cleanly on SIGTERM") {
  auto db = db::HubTestDatabase::create(testing::shared_pg_server(), "serve_ok");
  REQUIRE(db.is_ok());
  storage::testing::TempDir dir;
  int port = *testing::pick_free_loopback_port();
  std::string config = write_config(dir, db->hub_conninfo, port);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::execl(LARDER_HUB_BINARY, "larder-hub", "serve", "--config", config.c_str(), nullptr);
    ::_exit(127);
  }
  bool up = false;
  for (int i = 0; i < 100 && !up; ++i) {
    ::usleep(100'000);
    std::string probe = "curl -fsS -o /dev/null http://127.0.0.1:" + std::to_string(port) + "/healthz";
    up = std::system(probe.c_str()) == 0;
  }
  CHECK(up);
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

}  // namespace larder::hub
