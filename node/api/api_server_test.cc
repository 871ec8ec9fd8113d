// The cpp-httplib adapter on real sockets: 127.0.0.1, ephemeral ports, every
// server stopped by its owner's destructor even when a check fails.
#include "node/api/api_server.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "node/api/fake_node_service.h"

namespace larder::node::api {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::FakeNodeService;

const std::string kToken = "test-token-0123456789abcdef";

ApiOptions test_options() {
  ApiOptions o;
  o.port = 0;
  o.read_timeout = 2s;
  o.write_timeout = 2s;
  o.keep_alive_timeout = 1s;
  o.max_connections = 6;
  o.max_sse_clients = 2;
  o.sse_heartbeat = 50ms;
  return o;
}

struct Running {
  explicit Running(ApiOptions o = test_options()) {
    auto s = ApiServer::start(node, o);
    REQUIRE_MESSAGE(s.is_ok(), s.status().to_string());
    server = std::move(*s);
  }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", server->port());
    c.set_read_timeout(10, 0);
    return c;
  }
  FakeNodeService node;
  std::unique_ptr<ApiServer> server;
};

// A raw TCP connection to 127.0.0.1, for what an HTTP client library would
// not send (bad Host, traversal, half a request). Reads give up after 10 s so
// a broken server fails the test instead of hanging it.
class RawConnection {
 public:
  explicit RawConnection(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd_ >= 0);
    timeval tv{10, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~RawConnection() { ::close(fd_); }

  void send(const std::string& data) {
    REQUIRE(::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size()));
  }
  // Reads until `needle` has arrived; false on EOF or the safety timeout.
  bool read_until(const std::string& needle) {
    while (received_.find(needle) == std::string::npos) {
      if (!read_some()) return false;
    }
    return true;
  }
  // Reads until the server closes; false if it did not within the timeout.
  bool read_to_eof() {
    for (;;) {
      char buf[4096];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
      received_.append(buf, static_cast<std::size_t>(n));
    }
  }
  const std::string& received() const { return received_; }

 private:
  bool read_some() {
    char buf[4096];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    received_.append(buf, static_cast<std::size_t>(n));
    return true;
  }
  int fd_ = -1;
  std::string received_;
};

std::string error_code(const std::string& body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.contains("error")) return "(not a JSON error: " + body + ")";
  return j["error"]["code"].get<std::string>();
}

// The JSON body after the headers of a raw (non-chunked) response.
std::string raw_body(const std::string& response) {
  auto at = response.find("\r\n\r\n");
  return at == std::string::npos ? "" : response.substr(at + 4);
}

TEST_CASE("server: binds loopback, serves JSON, places an order") {
  Running r;
  CHECK(r.server->port() > 0);
  auto c = r.client();
  auto res = c.Get("/healthz");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "application/json");
  CHECK(json::parse(res->body) == json{{"status", "ok"}});

  httplib::Headers h = {{"Idempotency-Key", "abc-1"}};
  res = c.Post("/api/v1/tenants/acme/orders", h, R"({"lines":[{"item_id":"item-burger","quantity":1}]})",
               "application/json");
  REQUIRE(res);
  CHECK(res->status == 201);
  CHECK(res->get_header_value("Location").starts_with("/api/v1/tenants/acme/orders/"));
  REQUIRE(r.node.place_calls().size() == 1);
  CHECK(r.node.place_calls()[0].idempotency_key == "abc-1");

  res = c.Get("/metrics");
  REQUIRE(res);
  CHECK(res->body.find("larder_api_open_connections") != std::string::npos);
  CHECK(res->body.find(R"(larder_api_requests_total{route="/api/v1/tenants/{tenant}/orders",status="201"} 1)") !=
        std::string::npos);
}

TEST_CASE("server: start refuses unsafe options and busy ports") {
  FakeNodeService node;
  ApiOptions o = test_options();
  o.bind_address = "0.0.0.0";
  auto refused = ApiServer::start(node, o);
  CHECK(refused.status().code() == Code::kInvalidArgument);

  Running first;
  ApiOptions same = test_options();
  same.port = first.server->port();
  auto busy = ApiServer::start(node, same);
  CHECK(busy.status().code() == Code::kUnavailable);
}

TEST_CASE("server: a non-loopback bind requires the bearer token") {
  ApiOptions o = test_options();
  o.bind_address = "0.0.0.0";  // reached through 127.0.0.1 only
  o.bearer_token = kToken;
  Running r(o);
  auto c = r.client();
  auto res = c.Get("/api/v1/tenants");
  REQUIRE(res);
  CHECK(res->status == 401);
  CHECK(error_code(res->body) == "unauthorized");
  CHECK(res->get_header_value("WWW-Authenticate").starts_with("Bearer"));

  res = c.Post("/api/v1/tenants/acme/orders", "{}", "application/json");
  REQUIRE(res);
  CHECK(res->status == 401);
  CHECK(r.node.place_calls().empty());

  res = c.Get("/api/v1/tenants", {{"Authorization", "Bearer " + kToken}});
  REQUIRE(res);
  CHECK(res->status == 200);
  res = c.Get("/healthz");
  REQUIRE(res);
  CHECK(res->status == 200);
}

TEST_CASE("server: Host allowlist refuses a rebinding name") {
  Running r;
  RawConnection conn(r.server->port());
  conn.send("GET /api/v1/tenants HTTP/1.1\r\nHost: evil.example:8080\r\nConnection: close\r\n\r\n");
  REQUIRE(conn.read_to_eof());
  CHECK(conn.received().starts_with("HTTP/1.1 421"));
  CHECK(error_code(raw_body(conn.received())) == "bad_host");
}

TEST_CASE("server: body and header limits answer JSON, and the connection stays usable") {
  ApiOptions o = test_options();
  o.max_body_bytes = 1024;
  o.max_header_bytes = 2048;
  Running r(o);
  auto c = r.client();
  auto res = c.Post("/api/v1/tenants/acme/orders", std::string(4096, ' '), "application/json");
  REQUIRE(res);
  CHECK(res->status == 413);
  CHECK(error_code(res->body) == "payload_too_large");
  CHECK(r.node.place_calls().empty());
  res = c.Get("/healthz");
  REQUIRE(res);
  CHECK(res->status == 200);

  res = c.Get("/healthz", {{"X-Padding", std::string(3000, 'p')}});
  REQUIRE(res);
  CHECK(res->status == 431);
  CHECK(error_code(res->body) == "headers_too_large");
}

TEST_CASE("server: errors cpp-httplib makes itself are JSON too") {
  Running r;
  {
    RawConnection conn(r.server->port());
    conn.send("BREW /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
    REQUIRE(conn.read_until("\r\n\r\n"));
    conn.read_to_eof();
    CHECK(conn.received().starts_with("HTTP/1.1 400"));
    CHECK(error_code(raw_body(conn.received())) == "bad_request");
  }
  {
    RawConnection conn(r.server->port());
    conn.send("POST /api/v1/tenants/acme/orders HTTP/1.1\r\nHost: localhost\r\n"
              "Content-Type: application/json\r\nConnection: close\r\n\r\n");
    REQUIRE(conn.read_to_eof());
    CHECK(conn.received().starts_with("HTTP/1.1 411"));
    CHECK(error_code(raw_body(conn.received())) == "length_required");
  }
  {
    // The catch-all body routes match with std::regex; a long path must not
    // exhaust the thread's stack (cpp-httplib caps the URI at 8 KiB).
    auto c = r.client();
    auto res = c.Post("/api/" + std::string(8000, 'a'), "{}", "application/json");
    REQUIRE(res);
    CHECK(res->status == 404);
    CHECK(error_code(res->body) == "not_found");
  }
  CHECK(r.node.place_calls().empty());
}

TEST_CASE("server: a client that never finishes its headers is cut by the read timeout") {
  ApiOptions o = test_options();
  o.read_timeout = 300ms;
  Running r(o);
  RawConnection conn(r.server->port());
  conn.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
  // The server closes (after a 400 at most); the 10 s guard would fail this.
  CHECK(conn.read_to_eof());
  CHECK(conn.received().find("200 OK") == std::string::npos);
  auto c = r.client();
  auto res = c.Get("/healthz");
  REQUIRE(res);
  CHECK(res->status == 200);
}

TEST_CASE("server: SSE delivers a published event and the heartbeat, uncompressed") {
  Running r;
  RawConnection conn(r.server->port());
  conn.send("GET /api/v1/events?tenant=acme HTTP/1.1\r\nHost: localhost\r\n"
            "Accept-Encoding: gzip, deflate, br\r\n\r\n");
  REQUIRE(conn.read_until("retry: 3000"));
  CHECK(conn.received().find("Content-Type: text/event-stream") != std::string::npos);
  CHECK(conn.received().find("Content-Encoding") == std::string::npos);
  r.node.events().publish("order", {{"tenant", "acme"}, {"id", "o-42"}});
  REQUIRE(conn.read_until("event: order\ndata: {\"id\":\"o-42\",\"tenant\":\"acme\"}\n\n"));
  REQUIRE(conn.read_until(": keep-alive\n\n"));
  CHECK(r.server->handler().metrics().sse_streams() == 1);
}

TEST_CASE("server: the SSE cap refuses one more stream while ordinary requests still work") {
  Running r;  // max_sse_clients = 2
  RawConnection a(r.server->port());
  RawConnection b(r.server->port());
  for (RawConnection* conn : {&a, &b}) {
    conn->send("GET /api/v1/events HTTP/1.1\r\nHost: localhost\r\n\r\n");
    REQUIRE(conn->read_until("retry:"));
  }
  auto c = r.client();
  auto res = c.Get("/api/v1/events");
  REQUIRE(res);
  CHECK(res->status == 503);
  CHECK(error_code(res->body) == "too_many_streams");
  CHECK(res->has_header("Retry-After"));
  res = c.Get("/api/v1/tenants");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(r.server->handler().metrics().open_connections() >= 2);
}

TEST_CASE("server: static files, and traversal refused") {
  char tmpl[] = "/tmp/larder_api_ui_XXXXXX";
  std::filesystem::path base = mkdtemp(tmpl);
  struct Cleanup {
    std::filesystem::path p;
    ~Cleanup() { std::filesystem::remove_all(p); }
  } cleanup{base};
  std::filesystem::create_directories(base / "ui");
  std::ofstream(base / "ui" / "index.html") << "<!doctype html><title>kiosk</title>";
  std::ofstream(base / "ui" / "app.js") << "console.log(1)";
  std::ofstream(base / "secret.txt") << "SECRET";

  ApiOptions o = test_options();
  o.static_dir = (base / "ui").string();
  Running r(o);
  auto c = r.client();
  auto res = c.Get("/");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(res->get_header_value("Cache-Control") == "no-cache");
  std::string etag = res->get_header_value("ETag");
  res = c.Get("/app.js", {{"If-None-Match", etag}});
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "text/javascript; charset=utf-8");
  res = c.Get("/app.js", {{"If-None-Match", res->get_header_value("ETag")}});
  REQUIRE(res);
  CHECK(res->status == 304);

  for (std::string target : {"/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt",
                             "/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd"}) {
    CAPTURE(target);
    RawConnection conn(r.server->port());
    conn.send("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    REQUIRE(conn.read_to_eof());
    CHECK(conn.received().starts_with("HTTP/1.1 4"));
    CHECK(conn.received().find("SECRET") == std::string::npos);
    CHECK(conn.received().find("root:") == std::string::npos);
  }
}

TEST_CASE("server: stop() ends open SSE streams and returns") {
  Running r;
  RawConnection conn(r.server->port());
  conn.send("GET /api/v1/events HTTP/1.1\r\nHost: localhost\r\n\r\n");
  REQUIRE(conn.read_until("retry:"));
  r.server->stop();
  // The stream ended with the last chunk, and the connection closed.
  CHECK(conn.read_to_eof());
  CAPTURE(conn.received());
  CHECK(conn.received().find("\r\n0\r\n\r\n") != std::string::npos);
  r.server->stop();  // idempotent
}

}  // namespace
}  // namespace larder::node::api
