#include "node/api/api_handler.h"

#include <doctest/doctest.h>

#include "node/api/fake_node_service.h"

namespace larder::node::api {
namespace {

using nlohmann::json;
using testing::FakeNodeService;

const std::string kOrderBody = R"({"lines":[{"item_id":"item-burger","quantity":1}]})";

ApiRequest request(std::string method, std::string path) {
  ApiRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.headers.emplace("Host", "localhost:8080");
  r.remote_addr = "127.0.0.1";
  return r;
}

ApiRequest post_order(const std::string& tenant, std::string body = kOrderBody) {
  ApiRequest r = request("POST", "/api/v1/tenants/" + tenant + "/orders");
  r.headers.emplace("Content-Type", "application/json");
  r.headers.emplace("Content-Length", std::to_string(body.size()));
  r.body = std::move(body);
  return r;
}

json parse(const ApiResponse& r) { return json::parse(r.body); }

// Every refusal is JSON {"error":{"code","message"}} with the given code.
void check_error(const ApiResponse& r, int status, const std::string& code) {
  CHECK(r.status == status);
  CHECK(r.content_type == "application/json");
  json body = json::parse(r.body, nullptr, false);
  REQUIRE_FALSE(body.is_discarded());
  CHECK(body["error"]["code"] == code);
  CHECK(body["error"]["message"].is_string());
  CHECK_FALSE(body["error"]["message"].get<std::string>().empty());
}

struct BadCase {
  const char* name;
  ApiRequest request;
  int status;
  const char* code;
};

TEST_CASE("every bad input answers a 4xx JSON error and places nothing") {
  FakeNodeService node;
  ApiHandler handler(node, ApiOptions{});

  std::vector<BadCase> cases;
  {
    ApiRequest r = post_order("acme");
    r.headers.erase("Content-Type");
    cases.push_back({"no content type", r, 415, "unsupported_media_type"});
  }
  {
    ApiRequest r = post_order("acme");
    r.headers.find("Content-Type")->second = "text/plain";
    cases.push_back({"text/plain", r, 415, "unsupported_media_type"});
  }
  {
    ApiRequest r = post_order("acme");
    r.headers.find("Content-Type")->second = "application/json; charset=latin1";
    cases.push_back({"latin1 charset", r, 415, "unsupported_media_type"});
  }
  {
    ApiRequest r = post_order("acme");
    r.headers.find("Content-Type")->second = "application/jsonx";
    cases.push_back({"json lookalike", r, 415, "unsupported_media_type"});
  }
  {
    ApiRequest r = post_order("acme");
    r.headers.emplace("Idempotency-Key", std::string(65, 'k'));
    cases.push_back({"idempotency key too long", r, 400, "invalid_idempotency_key"});
  }
  {
    ApiRequest r = post_order("acme");
    r.headers.emplace("Idempotency-Key", "has space");
    cases.push_back({"idempotency key with space", r, 400, "invalid_idempotency_key"});
  }
  {
    ApiRequest r = post_order("acme");
    r.headers.emplace("Idempotency-Key", "");
    cases.push_back({"empty idempotency key", r, 400, "invalid_idempotency_key"});
  }
  {
    ApiRequest r = post_order("acme");
    r.headers.emplace("Idempotency-Key", "a");
    r.headers.emplace("Idempotency-Key", "b");
    cases.push_back({"two idempotency keys", r, 400, "invalid_idempotency_key"});
  }
  {
    ApiRequest r = post_order("acme", std::string(64 * 1024 + 1, ' '));
    cases.push_back({"body over 64 KiB", r, 413, "payload_too_large"});
  }
  {
    ApiRequest r = post_order("acme");
    r.headers.find("Content-Length")->second = "1000000";
    cases.push_back({"declared length over limit", r, 413, "payload_too_large"});
  }
  {
    ApiRequest r = post_order("acme");
    r.headers.find("Content-Length")->second = "12abc";
    cases.push_back({"malformed content length", r, 400, "bad_request"});
  }
  cases.push_back({"tenant id too long", post_order(std::string(65, 't')), 400, "invalid_tenant"});
  cases.push_back({"tenant id with control char", post_order("ac\x01me"), 400, "invalid_tenant"});
  cases.push_back({"unknown tenant", post_order("nobody"), 404, "unknown_tenant"});
  {
    ApiRequest r = post_order("acme");
    r.query.emplace_back("dry_run", "1");
    cases.push_back({"unknown query parameter", r, 400, "invalid_query"});
  }
  {
    ApiRequest r = post_order("acme");
    r.headers.find("Host")->second = "evil.example:8080";
    cases.push_back({"foreign Host (DNS rebinding)", r, 421, "bad_host"});
  }
  {
    ApiRequest r = post_order("acme");
    r.headers.erase("Host");
    cases.push_back({"no Host", r, 421, "bad_host"});
  }
  {
    ApiRequest r = post_order("acme");
    r.headers.emplace("Host", "localhost");
    cases.push_back({"two Host headers", r, 421, "bad_host"});
  }
  {
    ApiRequest r = post_order("acme");
    r.headers.emplace("X-Padding", std::string(9000, 'p'));
    cases.push_back({"headers too large", r, 431, "headers_too_large"});
  }
  {
    ApiRequest r = post_order("acme");
    r.headers.emplace("Authorization", "Bearer not-the-token-at-all");
    cases.push_back({"token where none is configured", r, 401, "unauthorized"});
  }
  cases.push_back({"menu: tenant id too long",
                   request("GET", "/api/v1/tenants/" + std::string(65, 'x') + "/menu"), 400,
                   "invalid_tenant"});
  cases.push_back({"menu: unknown tenant", request("GET", "/api/v1/tenants/nobody/menu"), 404,
                   "unknown_tenant"});
  {
    ApiRequest r = request("GET", "/api/v1/tenants/acme/menu");
    r.query.emplace_back("lang", "fr");
    cases.push_back({"menu: query parameter", r, 400, "invalid_query"});
  }
  cases.push_back({"order: id too long",
                   request("GET", "/api/v1/tenants/acme/orders/" + std::string(65, 'o')), 400,
                   "invalid_order_id"});
  cases.push_back({"order: unknown order", request("GET", "/api/v1/tenants/acme/orders/nope"), 404,
                   "unknown_order"});
  cases.push_back({"order: unknown tenant", request("GET", "/api/v1/tenants/nobody/orders/x"), 404,
                   "unknown_tenant"});
  {
    ApiRequest r = request("GET", "/api/v1/events");
    r.query.emplace_back("tenant", "nobody");
    cases.push_back({"events: unknown tenant", r, 404, "unknown_tenant"});
  }
  {
    ApiRequest r = request("GET", "/api/v1/events");
    r.query.emplace_back("tenant", "acme");
    r.query.emplace_back("tenant", "zeta");
    cases.push_back({"events: tenant twice", r, 400, "invalid_query"});
  }
  {
    ApiRequest r = request("GET", "/api/v1/events");
    r.query.emplace_back("tenant", std::string(65, 'e'));
    cases.push_back({"events: bad tenant id", r, 400, "invalid_tenant"});
  }
  {
    ApiRequest r = request("GET", "/api/v1/events");
    r.query.emplace_back("since", "5");
    cases.push_back({"events: unknown parameter", r, 400, "invalid_query"});
  }
  {
    ApiRequest r = request("GET", "/api/v1/tenants");
    r.query.emplace_back("page", "2");
    cases.push_back({"tenants: query parameter", r, 400, "invalid_query"});
  }
  cases.push_back({"unknown API path", request("GET", "/api/v2/tenants"), 404, "not_found"});
  cases.push_back(
      {"unknown tenant sub-path", request("GET", "/api/v1/tenants/acme/stock"), 404, "not_found"});
  cases.push_back(
      {"empty tenant segment", request("GET", "/api/v1/tenants//menu"), 404, "not_found"});
  cases.push_back({"no kiosk UI configured", request("GET", "/"), 404, "not_found"});
  cases.push_back({"wrong method on orders", request("GET", "/api/v1/tenants/acme/orders"), 405,
                   "method_not_allowed"});
  cases.push_back({"wrong method on menu", request("POST", "/api/v1/tenants/acme/menu"), 405,
                   "method_not_allowed"});
  cases.push_back(
      {"wrong method on healthz", request("DELETE", "/healthz"), 405, "method_not_allowed"});
  cases.push_back(
      {"wrong method on static", request("PUT", "/index.html"), 405, "method_not_allowed"});

  for (const BadCase& c : cases) {
    CAPTURE(c.name);
    check_error(handler.handle(c.request), c.status, c.code);
  }
  // Only the one request that needed NodeService to know the tenant reached it.
  auto calls = node.place_calls();
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].tenant == "nobody");
}

TEST_CASE("405 names the allowed methods") {
  FakeNodeService node;
  ApiHandler handler(node, ApiOptions{});
  ApiResponse r = handler.handle(request("DELETE", "/api/v1/tenants/acme/orders"));
  CHECK(r.status == 405);
  CHECK(r.header("Allow") == "POST");
  r = handler.handle(request("POST", "/api/v1/tenants"));
  CHECK(r.header("Allow") == "GET, HEAD");
}

TEST_CASE("health, readiness, tenants and status") {
  FakeNodeService node;
  ApiHandler handler(node, ApiOptions{});
  ApiResponse r = handler.handle(request("GET", "/healthz"));
  CHECK(r.status == 200);
  CHECK(parse(r) == json{{"status", "ok"}});

  r = handler.handle(request("GET", "/readyz"));
  CHECK(r.status == 200);
  CHECK(parse(r) == json{{"ready", true}});
  node.set_ready(false);
  r = handler.handle(request("GET", "/readyz"));
  CHECK(r.status == 503);
  CHECK(parse(r) == json{{"ready", false}});

  r = handler.handle(request("GET", "/api/v1/tenants"));
  CHECK(r.status == 200);
  json t = parse(r)["tenants"];
  REQUIRE(t.size() == 2);
  CHECK(t[0] == json{{"id", "acme"},
                     {"name", "Acme Burgers"},
                     {"brand_color", "#ff0000"},
                     {"logo_url", nullptr},
                     {"currency", "EUR"},
                     {"ready", true},
                     {"online", true}});
  CHECK(t[1]["ready"] == false);

  r = handler.handle(request("GET", "/api/v1/status"));
  CHECK(r.status == 200);
  CHECK(parse(r) == node.status());
  CHECK(r.header("Cache-Control") == "no-store");
}

TEST_CASE("menu: ETag, 304 on If-None-Match, 503 while not ready") {
  FakeNodeService node;
  ApiHandler handler(node, ApiOptions{});
  ApiResponse r = handler.handle(request("GET", "/api/v1/tenants/acme/menu"));
  REQUIRE(r.status == 200);
  const std::string etag = "\"0123456789abcdef0123456789abcdef\"";
  CHECK(r.header("ETag") == etag);
  CHECK(r.header("Cache-Control") == "no-cache");
  CHECK(r.body == R"({"tenant":{"id":"acme"},"categories":[]})");

  for (std::string inm : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
    CAPTURE(inm);
    ApiRequest q = request("GET", "/api/v1/tenants/acme/menu");
    q.headers.emplace("If-None-Match", inm);
    ApiResponse n = handler.handle(q);
    CHECK(n.status == 304);
    CHECK(n.body.empty());
    CHECK(n.header("ETag") == etag);
  }
  ApiRequest stale = request("GET", "/api/v1/tenants/acme/menu");
  stale.headers.emplace("If-None-Match", "\"old\"");
  CHECK(handler.handle(stale).status == 200);

  r = handler.handle(request("GET", "/api/v1/tenants/zeta/menu"));
  check_error(r, 503, "not_ready");
  CHECK(r.header("Retry-After").has_value());
  // The replica's own words (file names, SQLite) stay in the node.
  CHECK(r.body.find("replica") == std::string::npos);
}

TEST_CASE("place order: 201 with Location, replay header, 422 details, 409, 503, 500") {
  FakeNodeService node;
  std::vector<std::string> logged;
  ApiOptions options;
  options.log = [&](const std::string& line) { logged.push_back(line); };
  ApiHandler handler(node, options);

  SUBCASE("placed") {
    ApiRequest q = post_order("acme");
    q.headers.emplace("Idempotency-Key", "key-1");
    q.headers.find("Content-Type")->second = "Application/JSON; charset=UTF-8";
    ApiResponse r = handler.handle(q);
    REQUIRE(r.status == 201);
    json body = parse(r);
    CHECK(body["number"] == "K1-0001");
    CHECK(body["lines"][0]["options"][0]["name"] == "Cheese");
    CHECK(r.header("Location") == "/api/v1/tenants/acme/orders/" + body["id"].get<std::string>());
    CHECK_FALSE(r.header("Idempotent-Replayed").has_value());
    auto calls = node.place_calls();
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].body == kOrderBody);
    CHECK(calls[0].idempotency_key == "key-1");
  }
  SUBCASE("replayed") {
    PlaceOrderOutcome out;
    out.placed = storage::PlaceResult{testing::sample_order("o-1"), true};
    node.set_place_outcome(std::move(out));
    ApiRequest q = post_order("acme");
    q.headers.emplace("Idempotency-Key", "key-1");
    ApiResponse r = handler.handle(q);
    CHECK(r.status == 201);
    CHECK(r.header("Idempotent-Replayed") == "true");
    CHECK(r.header("Location") == "/api/v1/tenants/acme/orders/o-1");
  }
  SUBCASE("invalid order: details pass through") {
    PlaceOrderOutcome out;
    out.invalid = {{"lines[1].quantity", "must be an integer from 1 to 99"},
                   {"", "unknown field \"foo\""}};
    node.set_place_outcome(std::move(out));
    ApiResponse r = handler.handle(post_order("acme"));
    check_error(r, 422, "invalid_order");
    json details = parse(r)["error"]["details"];
    CHECK(details == json::array({{{"path", "lines[1].quantity"},
                                   {"message", "must be an integer from 1 to 99"}},
                                  {{"path", ""}, {"message", "unknown field \"foo\""}}}));
  }
  SUBCASE("location closed: 422 location_closed with the next opening") {
    PlaceOrderOutcome out;
    out.closed = LocationClosed{"2026-11-24T07:00:00.000Z"};
    node.set_place_outcome(std::move(out));
    ApiResponse r = handler.handle(post_order("acme"));
    check_error(r, 422, "location_closed");
    CHECK(parse(r)["error"]["opens_at"] == "2026-11-24T07:00:00.000Z");
    PlaceOrderOutcome never;
    never.closed = LocationClosed{};
    node.set_place_outcome(std::move(never));
    r = handler.handle(post_order("acme"));
    check_error(r, 422, "location_closed");
    CHECK(parse(r)["error"]["opens_at"].is_null());
  }
  SUBCASE("idempotency key reused") {
    PlaceOrderOutcome out;
    out.error = conflict("key-1 was used for another body");
    node.set_place_outcome(std::move(out));
    check_error(handler.handle(post_order("acme")), 409, "idempotency_key_reused");
  }
  SUBCASE("not ready") {
    PlaceOrderOutcome out;
    out.error = failed_precondition("no replica");
    node.set_place_outcome(std::move(out));
    ApiResponse r = handler.handle(post_order("acme"));
    check_error(r, 503, "not_ready");
    CHECK(r.header("Retry-After").has_value());
  }
  SUBCASE("storage unavailable") {
    PlaceOrderOutcome out;
    out.error = unavailable("database is locked");
    node.set_place_outcome(std::move(out));
    ApiResponse r = handler.handle(post_order("acme"));
    check_error(r, 503, "unavailable");
    CHECK(r.header("Retry-After").has_value());
  }
  SUBCASE("internal errors leak nothing and are logged") {
    PlaceOrderOutcome out;
    out.error = data_loss("/var/lib/larder/acme.db: SECRET page checksum");
    node.set_place_outcome(std::move(out));
    ApiResponse r = handler.handle(post_order("acme"));
    check_error(r, 500, "internal");
    CHECK(r.body.find("SECRET") == std::string::npos);
    REQUIRE(logged.size() == 1);
    CHECK(logged[0].find("SECRET") != std::string::npos);
  }
  SUBCASE("an empty outcome is a bug, answered 500") {
    node.set_place_outcome(PlaceOrderOutcome{});
    check_error(handler.handle(post_order("acme")), 500, "internal");
  }
}

TEST_CASE("get order") {
  FakeNodeService node;
  ApiHandler handler(node, ApiOptions{});
  ApiResponse r = handler.handle(
      request("GET", "/api/v1/tenants/acme/orders/0190a000-0000-7000-8000-000000000001"));
  REQUIRE(r.status == 200);
  CHECK(parse(r) == order_json(testing::sample_order("0190a000-0000-7000-8000-000000000001")));
  node.set_order_error(unavailable("busy"));
  check_error(handler.handle(request("GET", "/api/v1/tenants/acme/orders/x")), 503, "unavailable");
}

TEST_CASE("bearer token: required off loopback, optional on it") {
  FakeNodeService node;
  const std::string token = "0123456789abcdef-token";
  auto with_token = [&](ApiRequest r, const std::string& t) {
    r.headers.emplace("Authorization", "Bearer " + t);
    return r;
  };

  SUBCASE("required") {
    ApiOptions o;
    o.bearer_token = token;
    o.require_token = true;
    ApiHandler handler(node, o);
    ApiResponse r = handler.handle(request("GET", "/api/v1/tenants"));
    check_error(r, 401, "unauthorized");
    CHECK(r.header("WWW-Authenticate") == R"(Bearer realm="larder")");
    r = handler.handle(with_token(request("GET", "/api/v1/tenants"), "wrong-token-0123456789"));
    check_error(r, 401, "unauthorized");
    CHECK(r.header("WWW-Authenticate")->find("invalid_token") != std::string::npos);
    check_error(handler.handle(request("GET", "/metrics")), 401, "unauthorized");
    check_error(handler.handle(post_order("acme")), 401, "unauthorized");
    CHECK(node.place_calls().empty());

    CHECK(handler.handle(with_token(request("GET", "/api/v1/tenants"), token)).status == 200);
    ApiRequest lower = request("GET", "/api/v1/tenants");
    lower.headers.emplace("Authorization", "bearer " + token);
    CHECK(handler.handle(lower).status == 200);
    // Health probes and the UI's files need no token.
    CHECK(handler.handle(request("GET", "/healthz")).status == 200);
    CHECK(handler.handle(request("GET", "/readyz")).status == 200);
  }
  SUBCASE("a valid token passes the Host allowlist (POS terminals on the LAN)") {
    ApiOptions o;
    o.bearer_token = token;
    o.require_token = true;
    ApiHandler handler(node, o);
    ApiRequest r = with_token(request("GET", "/api/v1/tenants"), token);
    r.headers.find("Host")->second = "192.168.1.20:8080";
    CHECK(handler.handle(r).status == 200);
    ApiRequest anon = request("GET", "/healthz");
    anon.headers.find("Host")->second = "192.168.1.20:8080";
    check_error(handler.handle(anon), 421, "bad_host");
  }
  SUBCASE("optional on loopback, but a wrong one is refused") {
    ApiOptions o;
    o.bearer_token = token;
    ApiHandler handler(node, o);
    CHECK(handler.handle(request("GET", "/api/v1/tenants")).status == 200);
    check_error(
        handler.handle(with_token(request("GET", "/api/v1/tenants"), "nope-nope-nope-nope")), 401,
        "unauthorized");
  }
  SUBCASE("non-loopback bind requires it even without require_token") {
    ApiOptions o;
    o.bind_address = "0.0.0.0";
    o.bearer_token = token;
    ApiHandler handler(node, o);
    check_error(handler.handle(request("GET", "/api/v1/tenants")), 401, "unauthorized");
  }
  SUBCASE("trust_loopback_peers exempts the device's own browser only") {
    ApiOptions o;
    o.bind_address = "0.0.0.0";
    o.bearer_token = token;
    o.trust_loopback_peers = true;
    ApiHandler handler(node, o);
    CHECK(handler.handle(request("GET", "/api/v1/tenants")).status == 200);
    ApiRequest lan = request("GET", "/api/v1/tenants");
    lan.remote_addr = "192.168.1.30";
    check_error(handler.handle(lan), 401, "unauthorized");
  }
}

TEST_CASE("refused requests are logged with what, from where and why; routed ones are not") {
  FakeNodeService node;
  std::vector<std::string> warnings;
  ApiOptions o;
  o.bind_address = "0.0.0.0";
  o.bearer_token = "0123456789abcdef-token";
  o.warn = [&](const std::string& line) { warnings.push_back(line); };
  ApiHandler handler(node, o);
  ApiRequest lan = request("GET", "/api/v1/tenants");
  lan.remote_addr = "192.168.1.30";
  check_error(handler.handle(lan), 401, "unauthorized");
  CHECK(handler.handle(request("GET", "/healthz")).status == 200);
  ApiRequest rebinding = request("GET", "/healthz");
  rebinding.headers.find("Host")->second = "evil.example";
  check_error(handler.handle(rebinding), 421, "bad_host");
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0] ==
        "local API: refused GET /api/v1/tenants from 192.168.1.30: 401 unauthorized");
  CHECK(warnings[1].find("421 bad_host") != std::string::npos);
  // The same refusal again at once is counted, not logged (refusal_log_test.cc).
  check_error(handler.handle(lan), 401, "unauthorized");
  CHECK(warnings.size() == 2);
}

TEST_CASE("metrics: the node's lines and the API's own") {
  FakeNodeService node;
  ApiHandler handler(node, ApiOptions{});
  handler.handle(request("GET", "/healthz"));
  handler.handle(request("GET", "/api/v1/tenants/nobody/menu"));
  handler.handle(request("GET", "/no/such/thing"));
  ApiResponse r = handler.handle(request("GET", "/metrics"));
  REQUIRE(r.status == 200);
  CHECK(r.content_type.starts_with("text/plain; version=0.0.4"));
  CHECK(r.body.find("larder_node_up 1\n") != std::string::npos);
  CHECK(r.body.find(R"(larder_api_requests_total{route="/healthz",status="200"} 1)") !=
        std::string::npos);
  CHECK(r.body.find(
            R"(larder_api_requests_total{route="/api/v1/tenants/{tenant}/menu",status="404"} 1)") !=
        std::string::npos);
  CHECK(r.body.find(R"(larder_api_request_duration_seconds_count{route="/healthz"} 1)") !=
        std::string::npos);
  CHECK(
      r.body.find(R"(larder_api_request_duration_seconds_bucket{route="/healthz",le="+Inf"} 1)") !=
      std::string::npos);
  CHECK(r.body.find("larder_api_open_connections 0") != std::string::npos);
  CHECK(r.body.find("larder_api_sse_streams 0") != std::string::npos);
  // Paths outside the API count under the static route's template, never
  // under the path itself (bounded label set).
  CHECK(handler.metrics().requests("/{asset}", 404) == 1);
  CHECK(r.body.find("no/such") == std::string::npos);
}

TEST_CASE("events: a tenant enrolled but unavailable answers 503 as its menu does, not 404") {
  FakeNodeService node;
  node.set_menu("broken", unavailable("tenant broken: its database does not open with its key"));
  ApiHandler handler(node, ApiOptions{});
  ApiRequest q = request("GET", "/api/v1/events");
  q.query.emplace_back("tenant", "broken");
  ApiResponse r = handler.handle(q);
  check_error(r, 503, "unavailable");
  CHECK(r.header("Retry-After").has_value());
  check_error(handler.handle(request("GET", "/api/v1/tenants/broken/menu")), 503, "unavailable");
}

TEST_CASE("events: a stream, the cap, shutdown") {
  FakeNodeService node;
  ApiOptions o;
  o.max_sse_clients = 1;
  o.sse_heartbeat = std::chrono::milliseconds(10);
  ApiHandler handler(node, o);
  ApiRequest q = request("GET", "/api/v1/events");
  q.query.emplace_back("tenant", "acme");
  ApiResponse first = handler.handle(q);
  REQUIRE(first.status == 200);
  CHECK(first.content_type == "text/event-stream");
  REQUIRE(first.stream != nullptr);
  CHECK(first.stream->next_chunk() == "retry: 3000\n\n");

  ApiResponse second = handler.handle(request("GET", "/api/v1/events"));
  check_error(second, 503, "too_many_streams");
  CHECK(second.header("Retry-After").has_value());
  CHECK(handler.metrics().requests("/api/v1/events", 503) == 1);

  node.events().publish("order", {{"tenant", "acme"}, {"id", "o-1"}});
  auto chunk = first.stream->next_chunk();
  REQUIRE(chunk);
  CHECK(chunk->find("event: order\ndata: {\"id\":\"o-1\",\"tenant\":\"acme\"}\n\n") !=
        std::string::npos);

  handler.shutdown();
  CHECK_FALSE(first.stream->next_chunk().has_value());
  first.stream.reset();
  check_error(handler.handle(request("GET", "/api/v1/events")), 503, "shutting_down");
}

}  // namespace
}  // namespace larder::node::api
