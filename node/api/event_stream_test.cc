#include "node/api/event_stream.h"

#include <doctest/doctest.h>

#include "node/api/api_metrics.h"

namespace larder::node::api {
namespace {

using namespace std::chrono_literals;

TEST_CASE("event stream: preamble, events as SSE, heartbeat on silence") {
  EventBus bus;
  StreamRegistry registry(2, 16, 5ms, 1500ms, nullptr);
  auto s = registry.open(bus, std::nullopt, EventStream::Start::kFresh);
  REQUIRE(s.is_ok());
  auto& stream = **s;
  CHECK(stream.next_chunk() == "retry: 1500\n\n");
  bus.publish("menu", {{"tenant", "acme"}, {"version", 3}});
  CHECK(stream.next_chunk() == "id: 1\nevent: menu\ndata: {\"tenant\":\"acme\",\"version\":3}\n\n");
  CHECK(stream.next_chunk() == ": keep-alive\n\n");
}

TEST_CASE("event stream: a reconnecting browser is told to resync first") {
  EventBus bus;
  StreamRegistry registry(2, 16, 5ms, 3000ms, nullptr);
  auto s = registry.open(bus, std::nullopt, EventStream::Start::kResync);
  REQUIRE(s.is_ok());
  CHECK((*s)->next_chunk() ==
        "retry: 3000\n\nevent: resync\ndata: {\"reason\":\"reconnected\"}\n\n");
}

TEST_CASE("event stream: a lagged subscriber gets resync, then the newest events") {
  EventBus bus;
  StreamRegistry registry(2, 2, 5ms, 3000ms, nullptr);
  auto s = registry.open(bus, std::nullopt, EventStream::Start::kFresh);
  REQUIRE(s.is_ok());
  auto& stream = **s;
  stream.next_chunk();
  for (int i = 0; i < 5; ++i) bus.publish("order", {{"tenant", "acme"}, {"n", i}});
  auto chunk = stream.next_chunk();
  REQUIRE(chunk);
  CHECK(chunk->starts_with("event: resync\ndata: {\"reason\":\"lagged\"}\n\n"));
  CHECK(chunk->find("\"n\":3") != std::string::npos);
  CHECK(stream.next_chunk()->find("\"n\":4") != std::string::npos);
}

TEST_CASE("event stream: a tenant filter skips other tenants, keeps global events") {
  EventBus bus;
  StreamRegistry registry(2, 16, 5ms, 3000ms, nullptr);
  auto s = registry.open(bus, std::string("acme"), EventStream::Start::kFresh);
  REQUIRE(s.is_ok());
  auto& stream = **s;
  stream.next_chunk();
  bus.publish("order", {{"tenant", "zeta"}, {"id", "z"}});
  bus.publish("order", {{"tenant", "acme"}, {"id", "a"}});
  bus.publish("connectivity", {{"online", false}});
  auto a = stream.next_chunk();
  REQUIRE(a);
  CHECK(a->find("\"id\":\"a\"") != std::string::npos);
  CHECK(a->find("\"z\"") == std::string::npos);
  CHECK(stream.next_chunk()->find("event: connectivity") != std::string::npos);
}

TEST_CASE("event stream: type with a line break cannot inject SSE fields") {
  EventBus bus;
  StreamRegistry registry(1, 16, 5ms, 3000ms, nullptr);
  auto s = registry.open(bus, std::nullopt, EventStream::Start::kFresh);
  REQUIRE(s.is_ok());
  (*s)->next_chunk();
  bus.publish("order\ndata: forged", {{"tenant", "acme"}, {"note", "a\nb"}});
  auto chunk = (*s)->next_chunk();
  REQUIRE(chunk);
  CHECK(chunk->find("\ndata: forged") == std::string::npos);
  CHECK(chunk->find("\"a\\nb\"") != std::string::npos);
}

TEST_CASE("event stream: a gone client ends the wait long before the heartbeat") {
  EventBus bus;
  StreamRegistry registry(1, 16, 10s, 3000ms, nullptr);
  auto s = registry.open(bus, std::nullopt, EventStream::Start::kFresh);
  REQUIRE(s.is_ok());
  (*s)->next_chunk();
  int asked = 0;
  auto start = std::chrono::steady_clock::now();
  CHECK_FALSE((*s)->next_chunk([&] { return ++asked == 2; }).has_value());
  CHECK(asked == 2);
  CHECK(std::chrono::steady_clock::now() - start < 2s);

  // A client still there gets its heartbeat as before, and its events.
  StreamRegistry quick(1, 16, 600ms, 3000ms, nullptr);
  auto q = quick.open(bus, std::nullopt, EventStream::Start::kFresh);
  REQUIRE(q.is_ok());
  (*q)->next_chunk();
  asked = 0;
  CHECK((*q)->next_chunk([&] { return ++asked < 0; }) == ": keep-alive\n\n");
  CHECK(asked >= 1);
  bus.publish("menu", {{"version", 1}});
  CHECK((*q)->next_chunk([] { return false; })->find("event: menu") != std::string::npos);
}

TEST_CASE("stream registry: cap, slots freed on destruction, close_all ends streams") {
  EventBus bus;
  auto metrics = std::make_shared<ApiMetrics>();
  StreamRegistry registry(1, 16, 1000ms, 3000ms, metrics);
  auto first = registry.open(bus, std::nullopt, EventStream::Start::kFresh);
  REQUIRE(first.is_ok());
  CHECK(metrics->sse_streams() == 1);
  auto refused = registry.open(bus, std::nullopt, EventStream::Start::kFresh);
  CHECK(refused.status().code() == Code::kResourceExhausted);
  first = Result<std::shared_ptr<EventStream>>(unavailable("dropped"));
  CHECK(registry.open_count() == 0);
  CHECK(metrics->sse_streams() == 0);
  CHECK(bus.subscriber_count() == 0);

  auto again = registry.open(bus, std::nullopt, EventStream::Start::kFresh);
  REQUIRE(again.is_ok());
  (*again)->next_chunk();
  registry.close_all();
  // close_all wakes the stream at once although its heartbeat is a second away.
  CHECK_FALSE((*again)->next_chunk().has_value());
  CHECK(registry.open(bus, std::nullopt, EventStream::Start::kFresh).status().code() ==
        Code::kUnavailable);
}

}  // namespace
}  // namespace larder::node::api
