// Router, Responder and Exchange without a network.
#include "sync/hub/http/router.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <thread>

namespace larder::hub::http {
namespace {

// An exchange whose answer lands in `got`.
struct Capture {
  std::optional<Response> got;
  int deliveries = 0;
  std::shared_ptr<Exchange> exchange = std::make_shared<Exchange>([this](Response r) {
    ++deliveries;
    got = std::move(r);
  });
  Responder responder() { return Responder(exchange); }
};

Request make_request(std::string method, std::string path) {
  Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  return r;
}

std::string code_of(const Response& r) {
  return nlohmann::json::parse(r.body)["error"]["code"].get<std::string>();
}

TEST_CASE("dispatch finds the handler and returns the route label") {
  Router router;
  router.add("GET", "/v1/pull", [](Request req, Responder r) {
    r.send(Response::json(200, R"({"path":")" + req.path + "\"}"));
  });
  Capture c;
  CHECK(router.dispatch(make_request("GET", "/v1/pull"), c.responder()) == "/v1/pull");
  REQUIRE(c.got);
  CHECK(c.got->status == 200);
  CHECK(c.got->body == R"({"path":"/v1/pull"})");
}

TEST_CASE("unknown paths are 404, unknown methods 405 with Allow") {
  Router router;
  router.add("GET", "/x", [](Request, Responder r) { r.send(Response::json(200, "{}")); });
  router.add("PUT", "/x", [](Request, Responder r) { r.send(Response::json(200, "{}")); });

  Capture missing;
  CHECK(router.dispatch(make_request("GET", "/y"), missing.responder()) == "unmatched");
  REQUIRE(missing.got);
  CHECK(missing.got->status == 404);
  CHECK(missing.got->body ==
        R"({"error":{"code":"not_found","message":"no resource at /y"}})");

  Capture wrong;
  CHECK(router.dispatch(make_request("POST", "/x"), wrong.responder()) == "/x");
  REQUIRE(wrong.got);
  CHECK(wrong.got->status == 405);
  CHECK(code_of(*wrong.got) == "method_not_allowed");
  REQUIRE(wrong.got->headers.size() == 1);
  CHECK(wrong.got->headers[0] == std::pair<std::string, std::string>{"Allow", "GET, PUT"});
}

TEST_CASE("a handler that throws or drops its responder gets a 500") {
  Router router;
  router.add("GET", "/throw", [](Request, Responder) { throw std::runtime_error("secret"); });
  router.add("GET", "/drop", [](Request, Responder) {});
  Capture thrown;
  router.dispatch(make_request("GET", "/throw"), thrown.responder());
  REQUIRE(thrown.got);
  CHECK(thrown.got->status == 500);
  CHECK(code_of(*thrown.got) == "internal_error");
  CHECK(thrown.got->body.find("secret") == std::string::npos);

  Capture dropped;
  router.dispatch(make_request("GET", "/drop"), dropped.responder());
  REQUIRE(dropped.got);
  CHECK(code_of(*dropped.got) == "handler_dropped_request");
}

TEST_CASE("a responder answers once; later sends are ignored") {
  Capture c;
  Responder r = c.responder();
  Responder copy = r;
  CHECK(r.send(Response::json(200, "1")));
  CHECK_FALSE(copy.send(Response::json(200, "2")));
  CHECK(c.deliveries == 1);
  CHECK(c.got->body == "1");
}

TEST_CASE("cancel runs the cancel callback once and blocks the answer") {
  Capture c;
  int cancels = 0;
  {
    Responder r = c.responder();
    r.on_cancel([&] { ++cancels; });
    CHECK(c.exchange->cancel());
    CHECK_FALSE(c.exchange->cancel());
    CHECK(r.cancelled());
    CHECK_FALSE(r.send(Response::json(200, "late")));
  }  // the last copy going away sends nothing either
  CHECK(cancels == 1);
  CHECK(c.deliveries == 0);

  SUBCASE("a callback registered after the cancel runs at once") {
    Responder r = c.responder();
    r.on_cancel([&] { ++cancels; });
    CHECK(cancels == 2);
  }
}

TEST_CASE("an answer wins over a later cancel; the cancel callback never runs") {
  Capture c;
  bool cancelled = false;
  Responder r = c.responder();
  r.on_cancel([&] { cancelled = true; });
  CHECK(r.send(Response::json(200, "{}")));
  CHECK_FALSE(c.exchange->cancel());
  CHECK_FALSE(cancelled);
}

TEST_CASE("send racing cancel from two threads: exactly one wins") {
  for (int i = 0; i < 200; ++i) {
    std::atomic<int> delivered{0};
    std::atomic<int> cancelled{0};
    auto exchange = std::make_shared<Exchange>([&](Response) { ++delivered; });
    Responder r(exchange);
    r.on_cancel([&] { ++cancelled; });
    std::thread a([&] { r.send(Response::json(200, "{}")); });
    std::thread b([&] { exchange->cancel(); });
    a.join();
    b.join();
    CHECK(delivered + cancelled == 1);
  }
}

}  // namespace
}  // namespace larder::hub::http
