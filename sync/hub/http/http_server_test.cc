// The HTTP server over real sockets on 127.0.0.1: routing, limits, timeouts,
// the connection cap, keep-alive, the blocking pool, metrics and graceful stop.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "sync/hub/http/blocking_pool.h"
#include "sync/hub/http/observability.h"
#include "sync/hub/http/test_client.h"
#include "sync/hub/http/test_server.h"

namespace larder::hub::http {
namespace {

using namespace std::chrono_literals;
using testing::ClientResponse;
using testing::eventually;
using testing::format_request;
using testing::http_request;
using testing::RawConnection;
using testing::TestServer;

// Echoes what the handler saw, as JSON.
void add_echo(Router& router) {
  router.add("GET", "/echo", [](Request req, Responder r) {
    nlohmann::json j;
    j["path"] = req.path;
    j["query"] = nlohmann::json::array();
    for (const auto& [k, v] : req.query) j["query"].push_back({k, v});
    j["remote"] = req.remote_address;
    j["agent"] = req.header("user-agent") ? *req.header("user-agent") : "";
    r.send(Response::json(200, j.dump()));
  });
  router.add("POST", "/echo", [](Request req, Responder r) {
    r.send(Response::text(200, req.body));
  });
}

nlohmann::json body_json(const ClientResponse& r) { return nlohmann::json::parse(r.body); }

std::string error_code_of(const ClientResponse& r) {
  return body_json(r).at("error").at("code").get<std::string>();
}

TEST_CASE("routes by method and exact path, with decoded query parameters") {
  TestServer t;
  add_echo(t.router);
  t.start();

  auto r = http_request(t.port(), "GET", "/echo?name=J%C3%B6rg+Z&empty=&flag&name=2",
                        "", "User-Agent: doctest\r\n");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->header("content-type") == "application/json");
  auto j = body_json(*r);
  CHECK(j["path"] == "/echo");
  CHECK(j["query"] == nlohmann::json::parse(
                          R"([["name","Jörg Z"],["empty",""],["flag",""],["name","2"]])"));
  CHECK(j["agent"] == "doctest");
  CHECK(j["remote"].get<std::string>().rfind("127.0.0.1:", 0) == 0);
}

TEST_CASE("unknown path is a JSON 404, wrong method a JSON 405 with Allow") {
  TestServer t;
  add_echo(t.router);
  t.start();

  auto missing = http_request(t.port(), "GET", "/nope");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK(error_code_of(*missing) == "not_found");

  auto wrong = http_request(t.port(), "DELETE", "/echo");
  REQUIRE(wrong);
  CHECK(wrong->status == 405);
  CHECK(error_code_of(*wrong) == "method_not_allowed");
  CHECK(wrong->header("allow") == "GET, POST");
}

TEST_CASE("a malformed escape in the target is a JSON 400") {
  TestServer t;
  add_echo(t.router);
  t.start();
  auto r = http_request(t.port(), "GET", "/echo?x=%zz");
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(error_code_of(*r) == "bad_request");
}

TEST_CASE("a body over the limit gets 413 as JSON, by Content-Length or chunked") {
  auto options = testing::test_options();
  options.limits.max_body_bytes = 100;
  TestServer t(options);
  add_echo(t.router);
  t.start();

  SUBCASE("a body within the limit is served") {
    auto r = http_request(t.port(), "POST", "/echo", std::string(100, 'a'));
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == std::string(100, 'a'));
  }
  SUBCASE("Content-Length over the limit is refused before the body is read") {
    RawConnection c(t.port());
    REQUIRE(c.connected());
    REQUIRE(c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"));
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->status == 413);
    CHECK(error_code_of(*r) == "body_too_large");
    CHECK(r->header("connection") == "close");
    CHECK(c.wait_closed());
  }
  SUBCASE("a chunked body that grows over the limit") {
    RawConnection c(t.port());
    REQUIRE(c.connected());
    std::string chunk(80, 'b');
    REQUIRE(c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "50\r\n" + chunk + "\r\n50\r\n" + chunk + "\r\n0\r\n\r\n"));
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->status == 413);
    CHECK(error_code_of(*r) == "body_too_large");
  }
}

TEST_CASE("headers over the limit get 431") {
  auto options = testing::test_options();
  options.limits.max_header_bytes = 2048;
  TestServer t(options);
  add_echo(t.router);
  t.start();

  RawConnection c(t.port());
  REQUIRE(c.connected());
  REQUIRE(c.send("GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'h') + "\r\n\r\n"));
  auto r = c.read_response();
  REQUIRE(r);
  CHECK(r->status == 431);
  CHECK(error_code_of(*r) == "header_too_large");
  CHECK(t.metrics.counter("larder_hub_http_connections_closed_early_total", "", {"reason"})
            .value({"header_too_large"}) == 1);
}

TEST_CASE("a client that never finishes its headers is cut off by the header timeout") {
  auto options = testing::test_options();
  options.timeouts.header_read = 200ms;
  TestServer t(options);
  add_echo(t.router);
  t.start();

  RawConnection c(t.port());
  REQUIRE(c.connected());
  REQUIRE(c.send("GET /echo HTTP/1.1\r\nHost: x\r\n"));  // no blank line, ever
  CHECK(c.wait_closed());
  auto& closed = t.metrics.counter("larder_hub_http_connections_closed_early_total", "", {"reason"});
  CHECK(eventually([&] { return closed.value({"header_read_timeout"}) == 1; }));
  CHECK(eventually([&] { return t.server->open_connections() == 0; }));
}

TEST_CASE("a body that stops arriving is cut off by the body timeout") {
  auto options = testing::test_options();
  options.timeouts.body_read = 200ms;
  TestServer t(options);
  add_echo(t.router);
  t.start();

  RawConnection c(t.port());
  REQUIRE(c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345"));
  CHECK(c.wait_closed());
  auto& closed = t.metrics.counter("larder_hub_http_connections_closed_early_total", "", {"reason"});
  CHECK(eventually([&] { return closed.value({"body_read_timeout"}) == 1; }));
}

TEST_CASE("Expect: 100-continue gets an interim answer before the body is sent") {
  TestServer t;
  add_echo(t.router);
  t.start();
  RawConnection c(t.port());
  REQUIRE(c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                 "Expect: 100-continue\r\n\r\n"));
  auto interim = c.read_response();
  REQUIRE(interim);
  CHECK(interim->status == 100);
  REQUIRE(c.send("hello"));
  auto r = c.read_response();
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body == "hello");
}

TEST_CASE("a connection that sends nothing is closed by the header timeout") {
  auto options = testing::test_options();
  options.timeouts.header_read = 200ms;
  TestServer t(options);
  t.start();
  RawConnection c(t.port());
  REQUIRE(c.connected());
  CHECK(c.wait_closed());
}

TEST_CASE("an idle keep-alive connection is closed by the idle timeout") {
  auto options = testing::test_options();
  options.timeouts.idle = 200ms;
  TestServer t(options);
  add_echo(t.router);
  t.start();
  RawConnection c(t.port());
  REQUIRE(c.send(format_request("GET", "/echo")));
  auto r = c.read_response();
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(c.wait_closed());
  auto& closed = t.metrics.counter("larder_hub_http_connections_closed_early_total", "", {"reason"});
  CHECK(eventually([&] { return closed.value({"idle_timeout"}) == 1; }));
}

TEST_CASE("keep-alive serves several requests on one connection") {
  TestServer t;
  add_echo(t.router);
  t.start();

  RawConnection c(t.port());
  REQUIRE(c.connected());
  std::string first_remote;
  for (int i = 0; i < 5; ++i) {
    REQUIRE(c.send(format_request("GET", "/echo?i=" + std::to_string(i))));
    auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->header("connection") != "close");
    auto j = body_json(*r);
    CHECK(j["query"][0][1] == std::to_string(i));
    if (i == 0) first_remote = j["remote"];
    CHECK(j["remote"] == first_remote);  // the same client port: one connection
  }
  CHECK(t.server->open_connections() == 1);

  SUBCASE("pipelined requests are answered in order") {
    REQUIRE(c.send(format_request("GET", "/echo?i=a") + format_request("GET", "/echo?i=b")));
    auto a = c.read_response();
    auto b = c.read_response();
    REQUIRE(a);
    REQUIRE(b);
    CHECK(body_json(*a)["query"][0][1] == "a");
    CHECK(body_json(*b)["query"][0][1] == "b");
  }
}

TEST_CASE("connections over the cap are refused with 503 or closed") {
  auto options = testing::test_options();
  options.limits.max_connections = 2;
  TestServer t(options);
  add_echo(t.router);
  t.start();

  RawConnection a(t.port());
  RawConnection b(t.port());
  for (RawConnection* c : {&a, &b}) {
    REQUIRE(c->send(format_request("GET", "/echo")));
    auto r = c->read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
  }
  REQUIRE(t.server->open_connections() == 2);

  RawConnection over(t.port());
  REQUIRE(over.connected());
  over.send(format_request("GET", "/echo"));
  auto r = over.read_response();
  if (r) {
    CHECK(r->status == 503);
    CHECK(error_code_of(*r) == "too_many_connections");
  }  // else: closed before the answer could be read, which the cap also allows
  CHECK(over.wait_closed());
  CHECK(t.metrics.counter("larder_hub_http_connections_rejected_total", "").value() == 1);

  // A slot freed is a slot reusable.
  a.close();
  REQUIRE(eventually([&] { return t.server->open_connections() == 1; }));
  auto again = http_request(t.port(), "GET", "/echo");
  REQUIRE(again);
  CHECK(again->status == 200);
}

TEST_CASE("a handler that drops its responder, throws or sends a bad status answers 500") {
  TestServer t;
  t.router.add("GET", "/drop", [](Request, Responder) {});
  t.router.add("GET", "/throw", [](Request, Responder) { throw std::runtime_error("boom"); });
  t.router.add("GET", "/badstatus", [](Request, Responder r) { r.send(Response::json(42, "{}")); });
  t.start();
  auto bad_status = http_request(t.port(), "GET", "/badstatus");
  REQUIRE(bad_status);
  CHECK(bad_status->status == 500);
  auto dropped = http_request(t.port(), "GET", "/drop");
  REQUIRE(dropped);
  CHECK(dropped->status == 500);
  CHECK(error_code_of(*dropped) == "handler_dropped_request");
  auto thrown = http_request(t.port(), "GET", "/throw");
  REQUIRE(thrown);
  CHECK(thrown->status == 500);
  CHECK(error_code_of(*thrown) == "internal_error");
  CHECK(thrown->body.find("boom") == std::string::npos);  // no internals to the client
}

// A gate the blocking jobs wait on, so the test controls when they finish.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  void wait() {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return open; });
  }
  void release() {
    {
      std::lock_guard lock(mu);
      open = true;
    }
    cv.notify_all();
  }
};

TEST_CASE("blocking work runs on the pool; a full queue answers 503") {
  TestServer t;
  BlockingPool pool(1, 1);
  export_pool_metrics(t.metrics, pool);
  Gate gate;
  std::atomic<int> ran{0};
  t.router.add("GET", "/work", [&](Request req, Responder r) {
    std::string n = req.query_param("n") ? *req.query_param("n") : "";
    run_blocking(pool, std::move(r), [&gate, &ran, n] {
      gate.wait();
      ++ran;
      return Response::json(200, R"({"n":")" + n + "\"}");
    });
  });
  add_observability_routes(t.router, t.metrics, nullptr);
  t.start();

  RawConnection running(t.port());
  REQUIRE(running.send(format_request("GET", "/work?n=1")));
  REQUIRE(eventually([&] { return pool.in_use() == 1; }));
  RawConnection queued(t.port());
  REQUIRE(queued.send(format_request("GET", "/work?n=2")));
  REQUIRE(eventually([&] { return pool.queued() == 1; }));

  auto busy = http_request(t.port(), "GET", "/work?n=3");
  REQUIRE(busy);
  CHECK(busy->status == 503);
  CHECK(error_code_of(*busy) == "server_busy");
  CHECK(busy->header("retry-after") == "1");

  auto metrics = http_request(t.port(), "GET", "/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("larder_hub_pool_in_use 1\n") != std::string::npos);
  CHECK(metrics->body.find("larder_hub_pool_queued 1\n") != std::string::npos);
  CHECK(metrics->body.find("larder_hub_pool_rejected_total 1\n") != std::string::npos);

  gate.release();
  auto first = running.read_response();
  auto second = queued.read_response();
  REQUIRE(first);
  REQUIRE(second);
  CHECK(body_json(*first)["n"] == "1");
  CHECK(body_json(*second)["n"] == "2");
  CHECK(ran == 2);
  t.server->stop(0ms);  // before the pool and gate go away
}

// Every line is a comment or `name{labels} value`, and every sample belongs
// to a family announced by # TYPE before it. (A hand parser: std::regex trips
// a g++ 12 warning under the sanitizers.)
bool is_name_char(char c, bool first) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':' ||
         (!first && std::isdigit(static_cast<unsigned char>(c)));
}

// Parses `name{a="x",b="y"} value`; returns the name, or "" when malformed.
std::string parse_sample(const std::string& line) {
  std::size_t i = 0;
  while (i < line.size() && is_name_char(line[i], i == 0)) ++i;
  if (i == 0) return "";
  std::string name = line.substr(0, i);
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (i < line.size() && line[i] != '}') {
      std::size_t label_start = i;
      while (i < line.size() && line[i] != '=' && is_name_char(line[i], i == label_start)) ++i;
      if (i == label_start || i + 1 >= line.size() || line[i] != '=' || line[i + 1] != '"') return "";
      i += 2;
      while (i < line.size() && line[i] != '"') {
        if (line[i] == '\\') {
          if (i + 1 >= line.size() || std::string("\\\"n").find(line[i + 1]) == std::string::npos) return "";
          ++i;
        }
        ++i;
      }
      if (i >= line.size()) return "";
      ++i;  // closing quote
      if (i < line.size() && line[i] == ',') ++i;
    }
    if (i >= line.size()) return "";
    ++i;  // closing brace
  }
  if (i >= line.size() || line[i] != ' ') return "";
  std::string value = line.substr(i + 1);
  if (value == "+Inf" || value == "-Inf" || value == "NaN") return name;
  char* end = nullptr;
  std::strtod(value.c_str(), &end);
  if (value.empty() || *end != '\0') return "";
  return name;
}

void check_exposition_format(const std::string& text) {
  std::set<std::string> families;
  std::istringstream in(text);
  std::string line;
  int samples = 0;
  while (std::getline(in, line)) {
    INFO("line: " << line);
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream words(line.substr(7));
      std::string family, type;
      words >> family >> type;
      CHECK((type == "counter" || type == "gauge" || type == "histogram"));
      families.insert(family);
      continue;
    }
    if (line.rfind("# HELP ", 0) == 0) continue;
    std::string name = parse_sample(line);
    REQUIRE(!name.empty());
    bool known = families.count(name) > 0;
    for (std::string suffix : {"_bucket", "_sum", "_count"}) {
      if (!known && name.size() > suffix.size() &&
          name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
        known = families.count(name.substr(0, name.size() - suffix.size())) > 0;
      }
    }
    CHECK(known);
    ++samples;
  }
  CHECK(samples > 0);
  CHECK(text.back() == '\n');
}

TEST_CASE("/metrics is Prometheus text with per-route counters and histograms; /healthz") {
  TestServer t;
  add_echo(t.router);
  add_observability_routes(t.router, t.metrics, [&t] { return !t.server->draining(); });
  t.start();

  for (int i = 0; i < 3; ++i) REQUIRE(http_request(t.port(), "GET", "/echo"));
  REQUIRE(http_request(t.port(), "GET", "/missing"));
  auto health = http_request(t.port(), "GET", "/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(body_json(*health)["status"] == "ok");

  // Earlier connections close asynchronously; wait so the gauge is exact.
  REQUIRE(eventually([&] { return t.server->open_connections() == 0; }));
  auto r = http_request(t.port(), "GET", "/metrics");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->header("content-type").rfind("text/plain; version=0.0.4", 0) == 0);
  const std::string& text = r->body;
  check_exposition_format(text);
  CHECK(text.find("# TYPE larder_hub_http_requests_total counter\n") != std::string::npos);
  CHECK(text.find(R"(larder_hub_http_requests_total{method="GET",route="/echo",status="200"} 3)") !=
        std::string::npos);
  CHECK(text.find(R"(larder_hub_http_requests_total{method="GET",route="unmatched",status="404"} 1)") !=
        std::string::npos);
  CHECK(text.find("# TYPE larder_hub_http_request_duration_seconds histogram\n") != std::string::npos);
  CHECK(text.find(R"(larder_hub_http_request_duration_seconds_bucket{method="GET",route="/echo",status="200",le="+Inf"} 3)") !=
        std::string::npos);
  CHECK(text.find(R"(larder_hub_http_request_duration_seconds_count{method="GET",route="/echo",status="200"} 3)") !=
        std::string::npos);
  // The scrape itself is open while it renders.
  CHECK(text.find("larder_hub_http_open_connections 1\n") != std::string::npos);
}

TEST_CASE("graceful stop lets a request in flight finish, then closes") {
  TestServer t;
  add_observability_routes(t.router, t.metrics, [&t] { return !t.server->draining(); });
  std::mutex mu;
  std::optional<Responder> held;
  t.router.add("GET", "/slow", [&](Request, Responder r) {
    std::lock_guard lock(mu);
    held.emplace(std::move(r));
  });
  t.start();

  RawConnection idle(t.port());  // connected, between requests: closed at once
  REQUIRE(idle.connected());
  RawConnection busy(t.port());
  REQUIRE(busy.send(format_request("GET", "/slow")));
  REQUIRE(eventually([&] {
    std::lock_guard lock(mu);
    return held.has_value();
  }));
  REQUIRE(eventually([&] { return t.server->open_connections() == 2; }));

  std::size_t cut = 99;
  std::thread stopper([&] { cut = t.server->stop(20s); });
  CHECK(idle.wait_closed());
  REQUIRE(eventually([&] { return t.server->draining(); }));
  // Not accepting any more.
  RawConnection late(t.port());
  CHECK((!late.connected() || late.wait_closed()));

  {
    std::lock_guard lock(mu);
    held->send(Response::json(200, R"({"done":true})"));
    held.reset();
  }
  auto r = busy.read_response();
  stopper.join();
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->header("connection") == "close");
  CHECK(busy.wait_closed());
  CHECK(cut == 0);
  CHECK(t.server->open_connections() == 0);
}

TEST_CASE("graceful stop cuts a request still running at the deadline and cancels it") {
  TestServer t;
  std::mutex mu;
  std::optional<Responder> held;
  std::atomic<bool> cancelled{false};
  t.router.add("GET", "/forever", [&](Request, Responder r) {
    r.on_cancel([&] { cancelled = true; });
    std::lock_guard lock(mu);
    held.emplace(std::move(r));
  });
  t.start();

  RawConnection busy(t.port());
  REQUIRE(busy.send(format_request("GET", "/forever")));
  REQUIRE(eventually([&] {
    std::lock_guard lock(mu);
    return held.has_value();
  }));
  CHECK(t.server->stop(100ms) == 1);
  CHECK(cancelled);
  CHECK(busy.wait_closed());
  std::lock_guard lock(mu);
  CHECK_FALSE(held->send(Response::json(200, "{}")));  // too late: ignored
}

TEST_CASE("start fails clearly on a bad address or a port in use") {
  SUBCASE("bad address") {
    auto options = testing::test_options();
    options.listen_address = "localhost";
    Router router;
    MetricsRegistry metrics;
    HttpServer server(options, router, metrics);
    Status s = server.start();
    CHECK(s.code() == Code::kInvalidArgument);
    CHECK(s.message() == "listen address 'localhost' is not an IPv4 or IPv6 address");
  }
  SUBCASE("port in use") {
    TestServer first;
    first.start();
    auto options = testing::test_options();
    options.port = first.port();
    Router router;
    MetricsRegistry metrics;
    HttpServer second(options, router, metrics);
    Status s = second.start();
    CHECK(s.code() == Code::kUnavailable);
    CHECK(s.message().find("binding 127.0.0.1:" + std::to_string(first.port())) == 0);
  }
}

}  // namespace
}  // namespace larder::hub::http
