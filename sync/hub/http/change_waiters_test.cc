#include "sync/hub/http/change_waiters.h"

#include <doctest/doctest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "sync/hub/http/test_client.h"

namespace larder::hub::http {
namespace {

using namespace std::chrono_literals;
using testing::eventually;

// An io_context run by two threads for the duration of a test.
struct Loop {
  Loop() : work(io.get_executor()) {
    for (int i = 0; i < 2; ++i) threads.emplace_back([this] { io.run(); });
  }
  ~Loop() {
    work.reset();
    io.stop();
    for (auto& t : threads) t.join();
  }
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;
  std::vector<std::thread> threads;
};

// Records every callback, from any thread.
struct Record {
  std::mutex mu;
  std::vector<std::pair<int, WakeReason>> calls;
  ChangeWaiters::Callback make(int tag) {
    return [this, tag](WakeReason why) {
      std::lock_guard lock(mu);
      calls.emplace_back(tag, why);
    };
  }
  std::size_t size() {
    std::lock_guard lock(mu);
    return calls.size();
  }
};

const auto kFar = 600s;

TEST_CASE("notify wakes every waiter of the key, and only that key") {
  Loop loop;
  Record rec;
  {
    ChangeWaiters w(loop.io);
    auto now = ChangeWaiters::Clock::now();
    w.wait("t/1", now + kFar, rec.make(1));
    w.wait("t/1", now + kFar, rec.make(2));
    w.wait("t/2", now + kFar, rec.make(3));
    CHECK(w.open() == 3);
    CHECK(w.open("t/1") == 2);
    CHECK(w.notify("t/1") == 2);
    CHECK(rec.size() == 2);  // callbacks ran on the notifying thread
    for (auto& [tag, why] : rec.calls) {
      CHECK(tag != 3);
      CHECK(why == WakeReason::kNotified);
    }
    CHECK(w.open() == 1);
    CHECK(w.open("t/1") == 0);
    CHECK(w.notify("t/1") == 0);  // a notify wakes only those already waiting
  }
  // The destructor ended the remaining wait.
  REQUIRE(rec.size() == 3);
  CHECK(rec.calls[2] == std::pair<int, WakeReason>{3, WakeReason::kShuttingDown});
}

TEST_CASE("a deadline fires the callback with kTimedOut") {
  Loop loop;
  Record rec;
  ChangeWaiters w(loop.io);
  w.wait("k", ChangeWaiters::Clock::now() + 20ms, rec.make(1));
  w.wait("k", ChangeWaiters::Clock::now() - 1s, rec.make(2));  // already past
  REQUIRE(eventually([&] { return rec.size() == 2; }));
  for (auto& [tag, why] : rec.calls) CHECK(why == WakeReason::kTimedOut);
  CHECK(w.open() == 0);
  CHECK(w.notify("k") == 0);
}

TEST_CASE("cancel ends one wait with kCancelled, once") {
  Loop loop;
  Record rec;
  ChangeWaiters w(loop.io);
  auto id = w.wait("k", ChangeWaiters::Clock::now() + kFar, rec.make(1));
  w.wait("k", ChangeWaiters::Clock::now() + kFar, rec.make(2));
  CHECK(w.cancel(id));
  CHECK_FALSE(w.cancel(id));
  REQUIRE(rec.size() == 1);
  CHECK(rec.calls[0] == std::pair<int, WakeReason>{1, WakeReason::kCancelled});
  CHECK(w.open("k") == 1);
  CHECK(w.wake_all() == 1);
  CHECK(w.open() == 0);
}

TEST_CASE("after close() a new wait ends at once instead of parking until the drain deadline") {
  Loop loop;
  Record rec;
  ChangeWaiters w(loop.io);
  w.wait("k", ChangeWaiters::Clock::now() + kFar, rec.make(1));
  CHECK(w.close() == 1);
  w.wait("k", ChangeWaiters::Clock::now() + kFar, rec.make(2));
  REQUIRE(eventually([&] { return rec.size() == 2; }));
  std::lock_guard lock(rec.mu);
  CHECK(rec.calls[0] == std::pair<int, WakeReason>{1, WakeReason::kShuttingDown});
  CHECK(rec.calls[1].first == 2);
  CHECK(rec.calls[1].second == WakeReason::kTimedOut);
}

TEST_CASE("notify racing deadlines: every callback runs exactly once") {
  Loop loop;
  ChangeWaiters w(loop.io);
  constexpr int kWaiters = 2000;
  std::vector<std::atomic<int>> calls(kWaiters);
  auto now = ChangeWaiters::Clock::now();
  for (int i = 0; i < kWaiters; ++i) {
    // Deadlines spread over the moment of the notify, so some time out
    // first, some are notified, some race.
    w.wait("race", now + std::chrono::microseconds(i * 10),
           [&calls, i](WakeReason) { calls[i].fetch_add(1); });
  }
  std::this_thread::sleep_for(10ms);
  std::thread notifier([&] { w.notify("race"); });
  notifier.join();
  REQUIRE(eventually([&] { return w.open() == 0; }));
  for (int i = 0; i < kWaiters; ++i) {
    INFO(i);
    REQUIRE(eventually([&] { return calls[i].load() >= 1; }));
    CHECK(calls[i].load() == 1);
  }
}

TEST_CASE("a callback may wait again (re-entrancy)") {
  Loop loop;
  ChangeWaiters w(loop.io);
  std::atomic<int> second{0};
  w.wait("k", ChangeWaiters::Clock::now() + kFar, [&](WakeReason) {
    w.wait("k", ChangeWaiters::Clock::now() + kFar, [&](WakeReason) { ++second; });
  });
  CHECK(w.notify("k") == 1);
  CHECK(w.open("k") == 1);
  CHECK(w.notify("k") == 1);
  CHECK(second == 1);
}

}  // namespace
}  // namespace larder::hub::http
