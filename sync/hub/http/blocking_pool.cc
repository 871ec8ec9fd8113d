#include "sync/hub/http/blocking_pool.h"

#include <spdlog/spdlog.h>

#include <exception>
#include <utility>

namespace larder::hub::http {

BlockingPool::BlockingPool(std::size_t threads, std::size_t queue_capacity)
    : thread_count_(threads == 0 ? 1 : threads), queue_capacity_(queue_capacity) {
  workers_.reserve(thread_count_);
  for (std::size_t i = 0; i < thread_count_; ++i) workers_.emplace_back([this] { worker_loop(); });
}

BlockingPool::~BlockingPool() { shutdown(); }

Status BlockingPool::try_submit(Job job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return unavailable("the blocking pool is shutting down");
    if (queue_.size() >= queue_capacity_) {
      ++rejected_;
      return resource_exhausted("the blocking pool queue is full (" +
                                std::to_string(queue_capacity_) + " jobs waiting)");
    }
    queue_.push_back(std::move(job));
  }
  cv_.notify_one();
  return Status::ok();
}

void BlockingPool::shutdown() {
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    workers.swap(workers_);
  }
  cv_.notify_all();
  for (auto& t : workers) t.join();
}

std::size_t BlockingPool::in_use() const {
  std::lock_guard lock(mu_);
  return in_use_;
}

std::size_t BlockingPool::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

std::uint64_t BlockingPool::rejected() const {
  std::lock_guard lock(mu_);
  return rejected_;
}

void BlockingPool::worker_loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping and drained
    Job job = std::move(queue_.front());
    queue_.pop_front();
    ++in_use_;
    lock.unlock();
    try {
      job();
    } catch (const std::exception& e) {
      spdlog::error("blocking pool job threw: {}", e.what());
    } catch (...) {
      spdlog::error("blocking pool job threw a non-standard exception");
    }
    // Destroy the job (and what it captured, e.g. a Responder) before
    // counting it done, so in_use() never undercounts live work.
    job = nullptr;
    lock.lock();
    --in_use_;
  }
}

void run_blocking(BlockingPool& pool, Responder responder, std::function<Response()> job) {
  Status queued = pool.try_submit([responder, job = std::move(job)] {
    if (responder.cancelled()) return;  // the client left while queued
    try {
      responder.send(job());
    } catch (const std::exception& e) {
      Response r =
          Response::error(500, "internal_error", "the server failed to handle the request");
      r.log_cause = std::string("a blocking job threw: ") + e.what();
      responder.send(std::move(r));
    }
  });
  if (!queued.is_ok()) {
    Response busy = Response::error(503, "server_busy",
                                    queued.code() == Code::kResourceExhausted
                                        ? "the server is busy; retry shortly"
                                        : "the server is shutting down; retry shortly");
    busy.headers.emplace_back("Retry-After", "1");
    busy.log_cause = "blocking pool: " + queued.message();
    responder.send(std::move(busy));
  }
}

}  // namespace larder::hub::http
