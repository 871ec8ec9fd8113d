#include "node/api/connection_pool.h"

#include <system_error>
#include <utility>

namespace larder::node::api {

ConnectionPool::ConnectionPool(std::size_t max_threads, std::chrono::milliseconds idle_timeout,
                               ApiMetrics& metrics)
    : max_threads_(max_threads), idle_timeout_(idle_timeout), metrics_(metrics) {}

ConnectionPool::~ConnectionPool() { shutdown(); }

void ConnectionPool::enqueue(std::function<void()> connection) {
  metrics_.connection_accepted();
  std::list<std::thread> done;
  std::function<void()> serve_here;
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (shutdown_) {
      // Not after shutdown() (cpp-httplib never does): serve it here rather
      // than leave its socket open.
      lock.unlock();
      connection();
      return;
    }
    queue_.push_back([this, connection = std::move(connection)] {
      metrics_.connection_started();
      // Exceptions never get here: ApiHandler::handle catches its own, and the
      // server's exception handler anything cpp-httplib lets through.
      connection();
      metrics_.connection_closed();
    });
    for (Worker w : exited_) done.splice(done.end(), workers_, w);
    exited_.clear();
    // Every idle thread will take one queued connection; start one more
    // thread only for a connection none of them will take.
    if (queue_.size() > idle_ && running_ < max_threads_) {
      Worker w = workers_.emplace(workers_.end());
      try {
        // It starts by taking mu_, so it runs only once this scope has ended.
        *w = std::thread([this, w] { work(w); });
        ++running_;
      } catch (const std::system_error&) {
        // Out of threads (RLIMIT_NPROC, memory): the running threads take
        // the connection in turn; with none running, it is served here.
        workers_.erase(w);
        if (running_ == 0) {
          serve_here = std::move(queue_.back());
          queue_.pop_back();
        }
      }
    }
  }
  wake_.notify_one();
  for (std::thread& t : done) t.join();
  if (serve_here) serve_here();
}

void ConnectionPool::work(Worker self) {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    ++idle_;
    bool woken =
        wake_.wait_for(lock, idle_timeout_, [this] { return !queue_.empty() || shutdown_; });
    --idle_;
    if (!queue_.empty()) {
      std::function<void()> connection = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      connection();
      lock.lock();
      continue;
    }
    if (shutdown_ || !woken) break;  // stopping, or idle for idle_timeout
  }
  --running_;
  exited_.push_back(self);
}

void ConnectionPool::shutdown() {
  std::list<std::thread> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    shutdown_ = true;
  }
  wake_.notify_all();
  {
    std::lock_guard<std::mutex> lock(mu_);
    all.swap(workers_);
    exited_.clear();
  }
  // Each drains the queue before it exits.
  for (std::thread& t : all) {
    if (t.joinable()) t.join();
  }
}

std::size_t ConnectionPool::threads() const {
  std::lock_guard<std::mutex> lock(mu_);
  return running_;
}

}  // namespace larder::node::api
