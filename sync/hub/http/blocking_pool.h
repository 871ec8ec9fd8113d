// BlockingPool: a fixed set of worker threads for blocking work (libpq calls),
// fed by a bounded queue, so the io threads never block and a burst of
// requests meets a clear 503 instead of an ever-growing backlog.
//
// Contract:
//   - try_submit() queues a job, or fails at once with kResourceExhausted when
//     `queue_capacity` jobs are already waiting (jobs being run do not count),
//     or with kUnavailable after shutdown() began.
//   - Jobs run in FIFO order on one of `threads` workers. A job that throws is
//     caught and logged; the worker survives.
//   - shutdown() stops taking jobs, lets the workers finish every queued job,
//     then joins them. The destructor calls it.
//   - run_blocking() is the bridge to HTTP: it runs a job producing a Response
//     on the pool and sends the result on the Responder; a full queue answers
//     503 "server_busy", a client gone before the job started skips the job.
//
// Thread safety: every member is safe from any thread, except that shutdown()
// and the destructor must not be called from a worker.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "base/status.h"
#include "sync/hub/http/responder.h"

namespace larder::hub::http {

class BlockingPool {
 public:
  using Job = std::function<void()>;

  BlockingPool(std::size_t threads, std::size_t queue_capacity);
  ~BlockingPool();
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  Status try_submit(Job job);
  void shutdown();

  std::size_t threads() const { return thread_count_; }
  std::size_t queue_capacity() const { return queue_capacity_; }
  std::size_t in_use() const;   // jobs running now
  std::size_t queued() const;   // jobs waiting for a worker
  std::uint64_t rejected() const;  // try_submit calls refused because full

 private:
  void worker_loop();

  const std::size_t thread_count_;
  const std::size_t queue_capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  // State below is protected by mu_.
  std::deque<Job> queue_;
  std::size_t in_use_ = 0;
  std::uint64_t rejected_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> workers_;  // joined by shutdown()
};

// Runs `job` on `pool` and sends what it returns on `responder`. When the
// queue is full, answers 503 {"error":{"code":"server_busy",...}} with a
// Retry-After header. A job that throws answers 500 "internal_error".
void run_blocking(BlockingPool& pool, Responder responder, std::function<Response()> job);

}  // namespace larder::hub::http
