#include "node/api/request_guard.h"

#include <doctest/doctest.h>

namespace larder::node::api {
namespace {

TEST_CASE("host_without_port") {
  CHECK(host_without_port("localhost") == "localhost");
  CHECK(host_without_port("LocalHost:8080") == "localhost");
  CHECK(host_without_port("127.0.0.1:80") == "127.0.0.1");
  CHECK(host_without_port("[::1]") == "[::1]");
  CHECK(host_without_port("[::1]:8080") == "[::1]");
  CHECK_FALSE(host_without_port("").has_value());
  CHECK_FALSE(host_without_port(":80").has_value());
  CHECK_FALSE(host_without_port("localhost:http").has_value());
  CHECK_FALSE(host_without_port("[::1").has_value());
  CHECK_FALSE(host_without_port("[::1]x").has_value());
  CHECK_FALSE(host_without_port("local host").has_value());
  CHECK_FALSE(host_without_port("localhost:80:80").has_value());
}

TEST_CASE("is_loopback_address") {
  CHECK(is_loopback_address("127.0.0.1"));
  CHECK(is_loopback_address("127.1.2.3"));
  CHECK(is_loopback_address("::1"));
  CHECK(is_loopback_address("::ffff:127.0.0.1"));
  CHECK(is_loopback_address("localhost"));
  CHECK_FALSE(is_loopback_address("0.0.0.0"));
  CHECK_FALSE(is_loopback_address("::"));
  CHECK_FALSE(is_loopback_address("192.168.1.2"));
  CHECK_FALSE(is_loopback_address("128.0.0.1"));
}

TEST_CASE("validate_api_options refuses unsafe or unworkable settings") {
  CHECK(validate_api_options(ApiOptions{}).is_ok());
  ApiOptions o;
  o.bind_address = "0.0.0.0";
  Status s = validate_api_options(o);
  CHECK(s.code() == Code::kInvalidArgument);
  CHECK(s.message().find("bearer_token") != std::string::npos);
  o.bearer_token = "short";
  CHECK_FALSE(validate_api_options(o).is_ok());
  o.bearer_token = "a-long-enough-token-1234";
  CHECK(validate_api_options(o).is_ok());

  ApiOptions cap;
  cap.max_sse_clients = cap.max_connections;
  CHECK(validate_api_options(cap).message().find("max_sse_clients") != std::string::npos);
  ApiOptions req;
  req.require_token = true;
  CHECK_FALSE(validate_api_options(req).is_ok());
  ApiOptions port;
  port.port = 70000;
  CHECK_FALSE(validate_api_options(port).is_ok());
  ApiOptions hosts;
  hosts.allowed_hosts.clear();
  CHECK_FALSE(validate_api_options(hosts).is_ok());
}

TEST_CASE("guard: Host allowlist is case-insensitive and configurable") {
  ApiOptions o;
  o.allowed_hosts = {"kiosk.local"};
  RequestGuard guard(o);
  ApiRequest r;
  r.method = "GET";
  r.path = "/healthz";
  r.headers.emplace("host", "KIOSK.local:8080");
  CHECK_FALSE(guard.check(r).has_value());
  r.headers.clear();
  r.headers.emplace("Host", "localhost");
  auto refused = guard.check(r);
  REQUIRE(refused);
  CHECK(refused->status == 421);
}

}  // namespace
}  // namespace larder::node::api
