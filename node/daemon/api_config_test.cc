#include "node/daemon/api_config.h"

#include <doctest/doctest.h>
#include <httplib.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "node/api/api_handler.h"
#include "node/api/api_server.h"
#include "node/api/fake_node_service.h"

namespace larder::node {
namespace {

// Sends spdlog's default logger to a string for the life of the object.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    sink->set_pattern("%l %v");
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("captured", sink));
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  std::string text() {
    spdlog::default_logger()->flush();
    return out_.str();
  }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

api::ApiRequest get(const std::string& path) {
  api::ApiRequest r;
  r.method = "GET";
  r.path = path;
  r.headers.emplace("Host", "localhost:8080");
  r.remote_addr = "127.0.0.1";
  return r;
}

NodeConfig config(const std::string& toml) {
  auto c = parse_node_config(toml, "node.toml");
  REQUIRE_MESSAGE(c.is_ok(), c.status().to_string());
  return *c;
}

}  // namespace

TEST_CASE("a request the API fails with a 5xx is logged at error level with its cause") {
  CapturedLog log;
  api::testing::FakeNodeService node;
  api::ApiHandler handler(node, api_options_from_config(config("")));
  node.set_menu("acme", internal_error("the menu query hit a bug"));
  CHECK(handler.handle(get("/api/v1/tenants/acme/menu")).status == 500);
  node.set_order_error(unavailable("tenant acme: database is locked"));
  CHECK(handler.handle(get("/api/v1/tenants/acme/orders/o-1")).status == 503);
  std::string text = log.text();
  CHECK(text.find(
            "error local API: tenant acme: internal error: INTERNAL: the menu query hit a bug") !=
        std::string::npos);
  CHECK(text.find("error local API: tenant acme: UNAVAILABLE: tenant acme: database is locked") !=
        std::string::npos);
}

TEST_CASE("an IPv6 loopback listen address in brackets is loopback, and binds") {
  NodeConfig c = config("[api]\nlisten_address = \"[::1]\"\nport = 8080\n");
  CHECK(c.listen_address == "::1");
  CHECK(url_host(c.listen_address) == "[::1]");
  CHECK(url_host("127.0.0.1") == "127.0.0.1");
  api::ApiOptions o = api_options_from_config(c);
  o.port = 0;
  api::testing::FakeNodeService node;
  auto server = api::ApiServer::start(node, o);
  REQUIRE_MESSAGE(server.is_ok(), server.status().to_string());
  httplib::Client client("::1", (*server)->port());
  auto res = client.Get("/healthz", {{"Host", "[::1]"}});
  REQUIRE(res);
  CHECK(res->status == 200);
}

}  // namespace larder::node
