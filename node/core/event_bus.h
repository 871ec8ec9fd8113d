// EventBus: live events from the node to its screens (Server-Sent Events).
//
// Producers (sync, the order path, connectivity changes) publish() small JSON
// events; each SSE connection holds a Subscription and waits on it. A
// subscriber that falls behind by more than its queue's capacity loses the
// oldest events and is told so (a "lagged" flag), so a stuck screen can never
// make the node buffer without bound; the screen then refetches what it shows.
// Events carry a sequence number for the SSE "id:" line.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

namespace larder::node {

struct Event {
  std::uint64_t id = 0;  // set by publish(), increasing
  std::string type;      // "menu", "order", "connectivity"
  nlohmann::json data;   // always carries "tenant"
};

class EventBus;

class Subscription {
 public:
  Subscription(EventBus* bus, std::size_t capacity) : bus_(bus), capacity_(capacity) {}
  ~Subscription();
  // The next event, waiting up to `timeout`; nullopt on timeout or close().
  std::optional<Event> next(std::chrono::milliseconds timeout);
  // True once (then reset) when events were dropped because this subscriber lagged.
  bool take_lagged();
  // Wakes a waiting next() for good (server shutdown).
  void close();
  bool closed() const;

 private:
  friend class EventBus;
  void push(const Event& e);

  EventBus* bus_;
  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Event> queue_;
  bool lagged_ = false;
  bool closed_ = false;
};

class EventBus {
 public:
  void publish(std::string type, nlohmann::json data);
  std::shared_ptr<Subscription> subscribe(std::size_t capacity = 256);
  // Closes every subscription (shutdown).
  void close_all();
  std::size_t subscriber_count() const;

 private:
  friend class Subscription;
  void remove(Subscription* s);

  mutable std::mutex mu_;
  std::set<Subscription*> subs_;
  std::uint64_t next_id_ = 1;
};

}  // namespace larder::node
