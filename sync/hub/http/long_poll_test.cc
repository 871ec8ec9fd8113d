// Long-polls over real sockets: a waiting request answered by notify() from
// another thread, by its deadline, and released when its client hangs up.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <thread>

#include "sync/hub/http/change_waiters.h"
#include "sync/hub/http/test_client.h"
#include "sync/hub/http/test_server.h"

namespace larder::hub::http {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::format_request;
using testing::RawConnection;
using testing::TestServer;

// A server with GET /wait?key=K&ms=N: answers {"woke":"<reason>"} when the
// key is notified or N ms pass, and releases the waiter if the client leaves.
struct LongPollServer {
  LongPollServer() {
    t.router.add("GET", "/wait", [this](Request req, Responder r) {
      const std::string key = req.query_param("key") ? *req.query_param("key") : "";
      const int ms = req.query_param("ms") ? std::stoi(*req.query_param("ms")) : 10'000;
      auto id = waiters->wait(key, ChangeWaiters::Clock::now() + std::chrono::milliseconds(ms),
                              [r](WakeReason why) {
                                r.send(Response::json(
                                    200, std::string(R"({"woke":")") + wake_reason_name(why) + "\"}"));
                              });
      r.on_cancel([w = waiters.get(), id] { w->cancel(id); });
    });
    t.router.add("GET", "/plain", [](Request, Responder r) { r.send(Response::json(200, "{}")); });
    t.start();
    waiters = std::make_unique<ChangeWaiters>(t.server->io_context());
  }
  ~LongPollServer() {
    waiters->wake_all();
    t.server->stop(1s);
    waiters.reset();  // before the server's io_context goes
  }

  std::string woke(const std::optional<testing::ClientResponse>& r) {
    REQUIRE(r);
    CHECK(r->status == 200);
    return nlohmann::json::parse(r->body)["woke"];
  }

  TestServer t;
  std::unique_ptr<ChangeWaiters> waiters;
};

TEST_CASE("a waiting request is answered when notify() comes from another thread") {
  LongPollServer s;
  RawConnection a(s.t.port());
  RawConnection b(s.t.port());
  RawConnection other(s.t.port());
  REQUIRE(a.send(format_request("GET", "/wait?key=acme/1")));
  REQUIRE(b.send(format_request("GET", "/wait?key=acme/1")));
  REQUIRE(other.send(format_request("GET", "/wait?key=acme/2")));
  REQUIRE(eventually([&] { return s.waiters->open() == 3; }));

  std::size_t woken = 0;
  std::thread([&] { woken = s.waiters->notify("acme/1"); }).join();
  CHECK(woken == 2);
  CHECK(s.woke(a.read_response()) == "notified");
  CHECK(s.woke(b.read_response()) == "notified");
  CHECK(s.waiters->open() == 1);
  CHECK(s.waiters->open("acme/2") == 1);

  SUBCASE("the connection stays usable after a long-poll (keep-alive)") {
    REQUIRE(a.send(format_request("GET", "/plain")));
    auto r = a.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
    REQUIRE(a.send(format_request("GET", "/wait?key=acme/1&ms=50")));
    CHECK(s.woke(a.read_response()) == "timed_out");
  }
}

TEST_CASE("a waiting request times out with the timeout answer") {
  LongPollServer s;
  RawConnection c(s.t.port());
  REQUIRE(c.send(format_request("GET", "/wait?key=k&ms=100")));
  CHECK(s.woke(c.read_response()) == "timed_out");
  CHECK(s.waiters->open() == 0);
}

TEST_CASE("a client that disconnects while waiting releases its waiter") {
  LongPollServer s;
  {
    RawConnection c(s.t.port());
    REQUIRE(c.send(format_request("GET", "/wait?key=gone&ms=600000")));
    REQUIRE(eventually([&] { return s.waiters->open() == 1; }));
  }  // closed here
  CHECK(eventually([&] { return s.waiters->open() == 0; }));
  CHECK(eventually([&] { return s.t.server->open_connections() == 0; }));
  CHECK(s.t.metrics.counter("larder_hub_http_connections_closed_early_total", "", {"reason"})
            .value({"client_gone_while_waiting"}) == 1);
  CHECK(s.waiters->notify("gone") == 0);
}

TEST_CASE("a request pipelined behind a long-poll is served after it") {
  LongPollServer s;
  RawConnection c(s.t.port());
  REQUIRE(c.send(format_request("GET", "/wait?key=p") + format_request("GET", "/plain")));
  REQUIRE(eventually([&] { return s.waiters->open() == 1; }));
  s.waiters->notify("p");
  CHECK(s.woke(c.read_response()) == "notified");
  auto second = c.read_response();
  REQUIRE(second);
  CHECK(second->status == 200);
}

TEST_CASE("wake_all answers every held long-poll before a stop") {
  LongPollServer s;
  RawConnection a(s.t.port());
  RawConnection b(s.t.port());
  REQUIRE(a.send(format_request("GET", "/wait?key=x")));
  REQUIRE(b.send(format_request("GET", "/wait?key=y")));
  REQUIRE(eventually([&] { return s.waiters->open() == 2; }));
  CHECK(s.waiters->wake_all() == 2);
  CHECK(s.woke(a.read_response()) == "shutting_down");
  CHECK(s.woke(b.read_response()) == "shutting_down");
}

}  // namespace
}  // namespace larder::hub::http
