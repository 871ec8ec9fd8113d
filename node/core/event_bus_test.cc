#include "node/core/event_bus.h"

#include <doctest/doctest.h>

#include <thread>

namespace larder::node {
using namespace std::chrono_literals;

TEST_CASE("subscribers receive published events in order with increasing ids") {
  EventBus bus;
  auto a = bus.subscribe();
  auto b = bus.subscribe();
  bus.publish("menu", {{"tenant", "acme"}});
  bus.publish("order", {{"tenant", "acme"}, {"id", "o1"}});
  auto e1 = a->next(1s);
  auto e2 = a->next(1s);
  REQUIRE(e1.has_value());
  REQUIRE(e2.has_value());
  CHECK(e1->type == "menu");
  CHECK(e2->type == "order");
  CHECK(e2->id > e1->id);
  CHECK(b->next(1s)->type == "menu");
  CHECK_FALSE(a->next(10ms).has_value());  // nothing more: times out
}

TEST_CASE("a lagging subscriber drops the oldest events and is told") {
  EventBus bus;
  auto slow = bus.subscribe(2);
  for (int i = 0; i < 5; ++i) bus.publish("menu", {{"n", i}});
  CHECK(slow->take_lagged());
  CHECK_FALSE(slow->take_lagged());
  CHECK(slow->next(1s)->data["n"] == 3);
  CHECK(slow->next(1s)->data["n"] == 4);
}

TEST_CASE("close wakes a waiting subscriber; dropping one unsubscribes it") {
  EventBus bus;
  auto sub = bus.subscribe();
  CHECK(bus.subscriber_count() == 1);
  std::thread closer([&] {
    std::this_thread::sleep_for(20ms);
    bus.close_all();
  });
  CHECK_FALSE(sub->next(10s).has_value());
  closer.join();
  CHECK(sub->closed());
  sub.reset();
  CHECK(bus.subscriber_count() == 0);
}

}  // namespace larder::node
