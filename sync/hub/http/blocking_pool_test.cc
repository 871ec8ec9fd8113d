#include "sync/hub/http/blocking_pool.h"

#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>

#include "sync/hub/http/test_client.h"

namespace larder::hub::http {
namespace {

using testing::eventually;

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

TEST_CASE("jobs run on the workers and their results come back") {
  BlockingPool pool(3, 100);
  std::atomic<int> sum{0};
  for (int i = 1; i <= 50; ++i) {
    REQUIRE(pool.try_submit([&sum, i] { sum += i; }).is_ok());
  }
  pool.shutdown();  // drains the queue first
  CHECK(sum == 50 * 51 / 2);
  CHECK(pool.try_submit([] {}).code() == Code::kUnavailable);
}

TEST_CASE("a full queue refuses at once with kResourceExhausted") {
  Gate gate;
  BlockingPool pool(1, 2);
  REQUIRE(pool.try_submit([&] { gate.wait(); }).is_ok());
  REQUIRE(eventually([&] { return pool.in_use() == 1; }));
  REQUIRE(pool.try_submit([] {}).is_ok());
  REQUIRE(pool.try_submit([] {}).is_ok());
  CHECK(pool.queued() == 2);
  Status full = pool.try_submit([] {});
  CHECK(full.code() == Code::kResourceExhausted);
  CHECK(full.message() == "the blocking pool queue is full (2 jobs waiting)");
  CHECK(pool.rejected() == 1);
  gate.release();
  pool.shutdown();
  CHECK(pool.in_use() == 0);
  CHECK(pool.queued() == 0);
}

TEST_CASE("a job that throws does not kill its worker") {
  BlockingPool pool(1, 10);
  REQUIRE(pool.try_submit([] { throw std::runtime_error("x"); }).is_ok());
  std::atomic<bool> ran{false};
  REQUIRE(pool.try_submit([&] { ran = true; }).is_ok());
  pool.shutdown();
  CHECK(ran);
}

// A responder whose answer lands in `got`.
struct Capture {
  std::mutex mu;
  std::optional<Response> got;
  std::shared_ptr<Exchange> exchange = std::make_shared<Exchange>([this](Response r) {
    std::lock_guard lock(mu);
    got = std::move(r);
  });
  bool has() {
    std::lock_guard lock(mu);
    return got.has_value();
  }
};

TEST_CASE("run_blocking answers with the job's result, 503 when full, nothing for a gone client") {
  Gate gate;
  BlockingPool pool(1, 1);
  Capture first, third, gone;
  run_blocking(pool, Responder(first.exchange), [&] {
    gate.wait();
    return Response::json(200, "1");
  });
  REQUIRE(eventually([&] { return pool.in_use() == 1; }));
  std::atomic<bool> gone_ran{false};
  run_blocking(pool, Responder(gone.exchange), [&] {
    gone_ran = true;
    return Response::json(200, "gone");
  });
  gone.exchange->cancel();  // client left while queued
  run_blocking(pool, Responder(third.exchange), [] { return Response::json(200, "3"); });
  REQUIRE(third.has());
  CHECK(third.got->status == 503);
  CHECK(third.got->body ==
        R"({"error":{"code":"server_busy","message":"the server is busy; retry shortly"}})");

  gate.release();
  pool.shutdown();
  REQUIRE(first.has());
  CHECK(first.got->body == "1");
  CHECK_FALSE(gone_ran);
  CHECK_FALSE(gone.has());
}

}  // namespace
}  // namespace larder::hub::http
