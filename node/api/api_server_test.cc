// The cpp-httplib adapter on real sockets: 127.0.0.1, ephemeral ports, every
// server stopped by its owner's destructor even when a check fails.
#include "node/api/api_server.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <httplib.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <optional>
#include <thread>
#include <vector>

#include "node/api/connection_limits.h"
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
  explicit RawConnection(int port, const std::string& address = "127.0.0.1") {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd_ >= 0);
    timeval tv{10, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    REQUIRE(inet_pton(AF_INET, address.c_str(), &addr.sin_addr) == 1);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~RawConnection() { ::close(fd_); }

  void send(const std::string& data) { REQUIRE(try_send(data)); }
  // False once the server has closed (or reset) the connection.
  bool try_send(const std::string& data) {
    return ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
  }
  // Reads what has arrived, without waiting; true once the server has
  // closed (or reset) the connection.
  bool closed_now() {
    for (;;) {
      char buf[4096];
      ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
      if (n == 0) return true;
      if (n < 0) return errno != EAGAIN && errno != EWOULDBLOCK;
      received_.append(buf, static_cast<std::size_t>(n));
    }
  }
  // Reads for up to `wait`; true once the server has closed the connection.
  bool closed_within(std::chrono::milliseconds wait) {
    auto give_up = std::chrono::steady_clock::now() + wait;
    for (;;) {
      if (closed_now()) return true;
      auto left =
          std::chrono::ceil<std::chrono::milliseconds>(give_up - std::chrono::steady_clock::now());
      pollfd p{fd_, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    }
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
  res = c.Post("/api/v1/tenants/acme/orders", h,
               R"({"lines":[{"item_id":"item-burger","quantity":1}]})", "application/json");
  REQUIRE(res);
  CHECK(res->status == 201);
  CHECK(res->get_header_value("Location").starts_with("/api/v1/tenants/acme/orders/"));
  REQUIRE(r.node.place_calls().size() == 1);
  CHECK(r.node.place_calls()[0].idempotency_key == "abc-1");

  res = c.Get("/metrics");
  REQUIRE(res);
  CHECK(res->body.find("larder_api_open_connections") != std::string::npos);
  CHECK(
      res->body.find(
          R"(larder_api_requests_total{route="/api/v1/tenants/{tenant}/orders",status="201"} 1)") !=
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
    conn.send(
        "POST /api/v1/tenants/acme/orders HTTP/1.1\r\nHost: localhost\r\n"
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

using Clock = std::chrono::steady_clock;

// Sends each open connection one more byte every 100 ms, for up to `total`;
// how long after the start each was closed by the server (nullopt: it was not).
std::vector<std::optional<Clock::duration>> dribble(
    std::vector<std::unique_ptr<RawConnection>>& conns, Clock::time_point start,
    std::chrono::milliseconds total) {
  std::vector<std::optional<Clock::duration>> closed(conns.size());
  std::size_t open = conns.size();
  while (open > 0 && Clock::now() - start < total) {
    for (std::size_t i = 0; i < conns.size(); ++i) {
      if (closed[i]) continue;
      // Read first: the answer is read before a byte sent after the server's
      // close could make it reset the connection.
      if (conns[i]->closed_now() || !conns[i]->try_send("a")) {
        closed[i] = Clock::now() - start;
        --open;
      }
    }
    std::this_thread::sleep_for(100ms);
  }
  return closed;
}

TEST_CASE(
    "server: dribbling clients are cut at read_timeout in total, and a waiting client is served") {
  ApiOptions o = test_options();  // max_connections = 6
  o.read_timeout = 500ms;
  Running r(o);
  // A slowloris on every connection thread, each sending a header byte every
  // 100 ms: far within the time allowed for one read, never a whole request.
  std::vector<std::unique_ptr<RawConnection>> dribblers;
  Clock::time_point start = Clock::now();
  for (std::size_t i = 0; i < o.max_connections; ++i) {
    dribblers.push_back(std::make_unique<RawConnection>(r.server->port()));
    dribblers.back()->send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
  }
  // The cashier's request waits for a thread, which the deadline frees.
  auto served_after = std::async(std::launch::async, [&]() -> std::optional<Clock::duration> {
    auto c = r.client();
    auto res = c.Get("/healthz");
    if (!res || res->status != 200) return std::nullopt;
    return Clock::now() - start;
  });
  auto closed = dribble(dribblers, start, 4s);
  for (std::size_t i = 0; i < dribblers.size(); ++i) {
    CAPTURE(i);
    REQUIRE(closed[i].has_value());
    // 500 ms, plus a second should the burst of connections overflow
    // cpp-httplib's listen backlog of 5 (the SYN is then retried after 1 s).
    CHECK(*closed[i] < 2500ms);
    CHECK(dribblers[i]->received().starts_with("HTTP/1.1 408"));
    CHECK(error_code(raw_body(dribblers[i]->received())) == "request_timeout");
  }
  dribblers.clear();
  auto served = served_after.get();
  REQUIRE(served.has_value());
  CHECK(*served < 3s);  // dribble() gives up at 4 s
  CHECK(r.server->handler().metrics().requests("/healthz", 200) == 1);
}

TEST_CASE("server: the request deadline spans the body, and pipelined requests survive it") {
  ApiOptions o = test_options();
  o.read_timeout = 500ms;
  Running r(o);
  {
    // The body, a byte every 100 ms after the headers.
    std::vector<std::unique_ptr<RawConnection>> slow;
    Clock::time_point start = Clock::now();
    slow.push_back(std::make_unique<RawConnection>(r.server->port()));
    slow.back()->send(
        "POST /api/v1/tenants/acme/orders HTTP/1.1\r\nHost: localhost\r\n"
        "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{");
    auto closed = dribble(slow, start, 4s);
    REQUIRE(closed[0].has_value());
    CHECK(*closed[0] < 2500ms);
    CHECK(slow[0]->received().starts_with("HTTP/1.1 408"));
    CHECK(r.node.place_calls().empty());
  }
  // Two requests in one write: the second is served from what was read ahead.
  RawConnection conn(r.server->port());
  conn.send(
      "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"
      "GET /readyz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  REQUIRE(conn.read_to_eof());
  CHECK(conn.received().find("{\"status\":\"ok\"}") != std::string::npos);
  CHECK(conn.received().find("\"ready\"") != std::string::npos);
}

TEST_CASE("server: a HEAD answer leaves at once, and the next answer on the connection is whole") {
  Running r(test_options());
  RawConnection conn(r.server->port());
  // HEAD announces a body it does not send: its headers must still leave
  // (connection_limits.cc holds a header block until its body is written).
  conn.send("HEAD /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
  REQUIRE(conn.read_until("\r\n\r\n"));
  CHECK(conn.received().starts_with("HTTP/1.1 200"));
  CHECK(conn.received().find("Content-Length: ") != std::string::npos);
  CHECK(raw_body(conn.received()).empty());
  conn.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  REQUIRE(conn.read_to_eof());
  const std::string& all = conn.received();
  std::size_t second = all.find("HTTP/1.1 200", 1);
  REQUIRE(second != std::string::npos);
  CHECK(raw_body(all.substr(second)) == "{\"status\":\"ok\"}");
}

// An IPv4 address of this machine that is not loopback, to connect from as a
// host on the LAN would; nullopt when the machine has none.
std::optional<std::string> lan_address() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return std::nullopt;
  std::optional<std::string> found;
  for (ifaddrs* i = list; i != nullptr && !found; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET) continue;
    if ((i->ifa_flags & IFF_UP) == 0 || (i->ifa_flags & IFF_LOOPBACK) != 0) continue;
    char text[INET_ADDRSTRLEN];
    auto* in = reinterpret_cast<sockaddr_in*>(i->ifa_addr);
    if (inet_ntop(AF_INET, &in->sin_addr, text, sizeof text)) found = text;
  }
  freeifaddrs(list);
  return found;
}

TEST_CASE("peer connections: capped per address, loopback exempt") {
  PeerConnections peers(2);
  CHECK(peers.acquire("192.0.2.7"));
  CHECK(peers.acquire("192.0.2.7"));
  CHECK_FALSE(peers.acquire("192.0.2.7"));
  CHECK(peers.acquire("192.0.2.8"));
  peers.release("192.0.2.7");
  CHECK(peers.acquire("192.0.2.7"));
  for (int i = 0; i < 5; ++i) {
    CHECK(peers.acquire("127.0.0.1"));
    CHECK(peers.acquire("::ffff:127.0.0.1"));
    CHECK(peers.acquire("::1"));
  }
}

TEST_CASE("server: one host on the LAN cannot take every connection thread") {
  std::optional<std::string> lan = lan_address();
  if (!lan) {
    MESSAGE("skipped: this machine has no non-loopback IPv4 address to connect from");
    return;
  }
  ApiOptions o = test_options();  // max_connections = 6: 3 per peer
  o.bind_address = "0.0.0.0";
  o.bearer_token = kToken;
  o.read_timeout = 3s;
  Running r(o);
  // As many slow clients as there are threads, all from one LAN address.
  std::vector<std::unique_ptr<RawConnection>> dribblers;
  for (std::size_t i = 0; i < o.max_connections; ++i) {
    dribblers.push_back(std::make_unique<RawConnection>(r.server->port(), *lan));
    dribblers.back()->send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
  }
  // Those beyond its share are refused at once...
  const std::uint64_t over = o.max_connections - connections_per_peer(o);
  auto give_up = Clock::now() + 5s;
  while (r.server->handler().metrics().requests("other", 503) < over && Clock::now() < give_up) {
    std::this_thread::sleep_for(10ms);
  }
  CHECK(r.server->handler().metrics().requests("other", 503) == over);
  std::uint64_t refused = 0;
  for (auto& d : dribblers) {
    if (d->closed_now() && d->received().starts_with("HTTP/1.1 503")) {
      CHECK(error_code(raw_body(d->received())) == "unavailable");
      CHECK(d->received().find("Retry-After: 1") != std::string::npos);
      ++refused;
    }
  }
  CHECK(refused == over);
  // ...so the others are still served at once (the kiosk on loopback here),
  // although the rest hold their threads for read_timeout.
  httplib::Client c("127.0.0.1", r.server->port());
  c.set_read_timeout(1, 0);
  Clock::time_point start = Clock::now();
  auto res = c.Get("/healthz");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(Clock::now() - start < 1s);
}

TEST_CASE("server: a closed SSE stream frees its slot promptly, not at the next heartbeat") {
  ApiOptions o = test_options();  // max_sse_clients = 2
  o.sse_heartbeat = 30s;
  Running r(o);
  {
    std::vector<std::unique_ptr<RawConnection>> screens;
    for (std::size_t i = 0; i < o.max_sse_clients; ++i) {
      screens.push_back(std::make_unique<RawConnection>(r.server->port()));
      screens.back()->send("GET /api/v1/events HTTP/1.1\r\nHost: localhost\r\n\r\n");
      REQUIRE(screens.back()->read_until("retry:"));
    }
    RawConnection over(r.server->port());
    over.send("GET /api/v1/events HTTP/1.1\r\nHost: localhost\r\n\r\n");
    REQUIRE(over.read_until("\r\n\r\n"));
    REQUIRE(over.received().starts_with("HTTP/1.1 503"));
  }  // every screen closes its connection
  Clock::time_point closed = Clock::now();
  bool accepted = false;
  while (!accepted && Clock::now() - closed < 2s) {
    RawConnection again(r.server->port());
    again.send("GET /api/v1/events HTTP/1.1\r\nHost: localhost\r\n\r\n");
    REQUIRE(again.read_until("\r\n\r\n"));
    accepted = again.received().starts_with("HTTP/1.1 200");
    if (!accepted) std::this_thread::sleep_for(50ms);
  }
  CHECK(accepted);
}

TEST_CASE("server: SSE delivers a published event and the heartbeat, uncompressed") {
  Running r;
  RawConnection conn(r.server->port());
  conn.send(
      "GET /api/v1/events?tenant=acme HTTP/1.1\r\nHost: localhost\r\n"
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
  std::ofstream(base / "ui" / "README.md") << "# kiosk-ui";
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

  res = c.Get("/README.md");
  REQUIRE(res);
  CHECK(res->status == 404);
  CHECK(error_code(res->body) == "not_found");

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

// Threads of this process (the test's own, the server's accept thread, and
// the connection threads).
std::size_t process_threads() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/task")) ++n;
  return n;
}

// Polls until the thread count is `want`; the count it ended at.
std::size_t wait_for_threads(std::size_t want) {
  auto give_up = std::chrono::steady_clock::now() + 10s;
  std::size_t n = process_threads();
  while (n != want && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(10ms);
    n = process_threads();
  }
  return n;
}

TEST_CASE("server: connection threads start when needed, stop when idle, never exceed the cap") {
  ApiOptions o = test_options();
  o.max_connections = 6;
  o.idle_thread_timeout = 300ms;
  o.keep_alive_timeout = 5s;
  Running r(o);
  const std::size_t idle = process_threads();  // no connection yet: no connection thread
  {
    std::vector<std::unique_ptr<RawConnection>> open;
    for (int i = 0; i < 4; ++i) {
      open.push_back(std::make_unique<RawConnection>(r.server->port()));
      open.back()->send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
      REQUIRE(open.back()->read_until("\"ok\""));
    }
    // Four kept-alive connections, one thread each.
    CHECK(wait_for_threads(idle + 4) == idle + 4);
    for (int i = 0; i < 4; ++i) {
      open.push_back(std::make_unique<RawConnection>(r.server->port()));
      open.back()->send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
    }
    // Eight connections, six threads: two wait for one to close.
    REQUIRE(open[4]->read_until("\"ok\""));
    REQUIRE(open[5]->read_until("\"ok\""));
    std::this_thread::sleep_for(100ms);
    CHECK(process_threads() == idle + 6);
    open.erase(open.begin());  // closes: its thread serves a waiting one
    open.erase(open.begin());
    REQUIRE(open[4]->read_until("\"ok\""));
    REQUIRE(open[5]->read_until("\"ok\""));
    CHECK(process_threads() <= idle + 6);
  }
  // All closed: the threads stop once they have idled for 300 ms.
  CHECK(wait_for_threads(idle) == idle);
  // And start again for the next connection.
  auto c = r.client();
  auto res = c.Get("/healthz");
  REQUIRE(res);
  CHECK(res->status == 200);
}

}  // namespace
}  // namespace larder::node::api
