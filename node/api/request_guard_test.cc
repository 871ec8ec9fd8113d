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
  CHECK(host_without_port("localhost:65535") == "localhost");
  CHECK(host_without_port("localhost:1") == "localhost");
}

TEST_CASE("host_without_port refuses ports out of range or not decimal") {
  for (std::string bad : {"localhost:99999", "localhost:65536", "localhost:0", "[::1]:70000",
                          "127.0.0.1:4294967376", "localhost:-80", "localhost:+80",
                          "localhost:0x50", "localhost:8o", "localhost:", "[::1]:"}) {
    CAPTURE(bad);
    CHECK_FALSE(host_without_port(bad).has_value());
  }
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

  ApiOptions per_peer;
  CHECK(connections_per_peer(per_peer) == per_peer.max_connections / 2);
  per_peer.max_connections_per_peer = per_peer.max_connections + 1;
  CHECK(validate_api_options(per_peer).message().find("max_connections_per_peer") !=
        std::string::npos);
  per_peer.max_connections_per_peer = 3;
  CHECK(validate_api_options(per_peer).is_ok());
  CHECK(connections_per_peer(per_peer) == 3);
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

ApiRequest get(const std::string& path, const std::string& host) {
  ApiRequest r;
  r.method = "GET";
  r.path = path;
  r.remote_addr = "192.0.2.10";
  r.headers.emplace("Host", host);
  return r;
}

TEST_CASE("guard: a malformed Host header is a bad request, token or not") {
  ApiOptions o;
  o.bearer_token = "a-long-enough-token-1234";
  RequestGuard guard(o);
  for (std::string bad : {"localhost:99999", "localhost:http", "localhost:0", "[::1]:65536"}) {
    CAPTURE(bad);
    auto refused = guard.check(get("/healthz", bad));
    REQUIRE(refused);
    CHECK(refused->status == 400);
    CHECK(refused->body.find("\"bad_request\"") != std::string::npos);
    ApiRequest with_token = get("/api/v1/tenants", bad);
    with_token.headers.emplace("Authorization", "Bearer a-long-enough-token-1234");
    refused = guard.check(with_token);
    REQUIRE(refused);
    CHECK(refused->status == 400);
  }
  CHECK_FALSE(guard.check(get("/healthz", "localhost:65535")).has_value());
  // Well-formed but not this node's name: still the rebinding refusal.
  auto refused = guard.check(get("/healthz", "evil.example:8080"));
  REQUIRE(refused);
  CHECK(refused->status == 421);
}

TEST_CASE("guard: the bearer scheme is case-insensitive (RFC 9110 section 11.1)") {
  ApiOptions o;
  o.bearer_token = "a-long-enough-token-1234";
  o.require_token = true;
  RequestGuard guard(o);
  for (std::string scheme : {"Bearer", "bearer", "BEARER", "bEaReR"}) {
    CAPTURE(scheme);
    ApiRequest r = get("/api/v1/tenants", "localhost");
    r.headers.emplace("Authorization", scheme + " a-long-enough-token-1234");
    CHECK_FALSE(guard.check(r).has_value());
  }
  ApiRequest wrong = get("/api/v1/tenants", "localhost");
  wrong.headers.emplace("Authorization", "bearer not-the-token-at-all-0000");
  auto refused = guard.check(wrong);
  REQUIRE(refused);
  CHECK(refused->status == 401);
  ApiRequest basic = get("/api/v1/tenants", "localhost");
  basic.headers.emplace("Authorization", "Basic a-long-enough-token-1234");
  refused = guard.check(basic);
  REQUIRE(refused);
  CHECK(refused->status == 401);
}

}  // namespace
}  // namespace larder::node::api
