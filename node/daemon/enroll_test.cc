#include "node/daemon/enroll.h"

#include <doctest/doctest.h>
#include <httplib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "base/atomic_file.h"
#include "storage/tenant_store.h"
#include "storage/testing/temp_dir.h"

namespace larder::node {
namespace {

// A hub that redeems every code it is sent and counts the redemptions.
class CountingHub {
 public:
  CountingHub() {
    server_.Post("/v1/enroll", [this](const httplib::Request&, httplib::Response& res) {
      ++redemptions;
      res.set_content(R"({"device_id":"dev-1","tenant_id":"acme","tenant_name":"Acme",)"
                      R"("location_id":"loc-1","short_code":"K1","token":"secret-token"})",
                      "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~CountingHub() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  std::atomic<int> redemptions{0};

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

EnrollOptions options(const CountingHub& hub, const std::string& data_dir) {
  EnrollOptions o;
  o.hub_url = hub.url();
  o.code = "ONE-TIME";
  o.data_dir = data_dir;
  o.master_key_file = data_dir + "/master.key";
  o.app_version = "test";
  return o;
}

mode_t mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE_MESSAGE(::stat(path.c_str(), &st) == 0, path);
  return st.st_mode & 0777;
}

}  // namespace

TEST_CASE("enroll stores private credentials and a private database for the tenant") {
  CountingHub hub;
  storage::testing::TempDir dir;
  FakeEnv env;
  auto creds = enroll_device(options(hub, dir.path() + "/data"), env);
  REQUIRE_MESSAGE(creds.is_ok(), creds.status().to_string());
  CHECK(hub.redemptions == 1);
  CHECK(creds->tenant_id == "acme");
  CHECK(mode_of(credentials_path(dir.path() + "/data", "acme")) == 0600);
  CHECK(mode_of(dir.path() + "/data/tenants/acme.db") == 0600);
  CHECK(mode_of(dir.path() + "/data/master.key") == 0600);
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/data/tenants/.enroll-probe"));
}

TEST_CASE("enroll does not spend the code when it could not store the result") {
  CountingHub hub;
  storage::testing::TempDir dir;
  FakeEnv env;

  SUBCASE("the data directory cannot be created") {
    REQUIRE(write_file_atomically(dir.file("file"), "", 0600).is_ok());
    auto r = enroll_device(options(hub, dir.file("file") + "/data"), env);
    CHECK(r.status().code() == Code::kUnavailable);
    CHECK(r.status().message().find("the code is still unused") != std::string::npos);
  }
  SUBCASE("the data directory is read-only") {
    if (::geteuid() == 0) return;  // root writes anyway
    std::string data = dir.file("data");
    REQUIRE(std::filesystem::create_directories(data + "/tenants"));
    REQUIRE(::chmod((data + "/tenants").c_str(), 0500) == 0);
    REQUIRE(::chmod(data.c_str(), 0500) == 0);
    auto r = enroll_device(options(hub, data), env);
    CHECK_FALSE(r.is_ok());
    CHECK(r.status().message().find("the code is still unused") != std::string::npos);
    ::chmod(data.c_str(), 0700);
    ::chmod((data + "/tenants").c_str(), 0700);
  }
  SUBCASE("the master key is lost while a tenant database exists") {
    std::string data = dir.file("data");
    {
      storage::TenantStoreOptions so;
      so.data_dir = data;
      auto store = storage::TenantStore::open(so, env);
      REQUIRE(store.is_ok());
      REQUIRE((*store)->open_tenant("globex", true).is_ok());
    }
    REQUIRE(std::filesystem::remove(data + "/master.key"));
    auto r = enroll_device(options(hub, data), env);
    CHECK(r.status().code() == Code::kFailedPrecondition);
    CHECK(r.status().message().find(data + "/tenants/globex.db") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(data + "/master.key"));
  }
  CHECK(hub.redemptions == 0);
}

}  // namespace larder::node
