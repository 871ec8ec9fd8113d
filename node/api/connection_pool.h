// ConnectionPool: cpp-httplib's task queue for the local API. Threads are
// started when connections need them and stop after idling, so an idle node
// holds no more threads than it has open connections.
//
// cpp-httplib hands each accepted connection to the queue as one task that
// runs until the connection closes, so the number of threads is the number of
// connections served at once. A connection runs on an idle thread if there is
// one, else on a new thread while fewer than max_threads run; beyond that it
// waits in the queue (accepted, not yet read). A thread that finds no
// connection for idle_timeout exits; it is joined by the next enqueue() or by
// shutdown(). A fixed pool of max_threads (cpp-httplib's ThreadPool) keeps
// every thread's stack and TLS resident on an idle node: about 24 KiB each,
// 2.3 MiB at 96 connections. Counts open and waiting connections for the
// metrics. Internal to node/api (it includes httplib.h).
//
// shutdown() runs the connections already queued, then joins every thread.
//
// Thread safety: enqueue() and shutdown() may be called from any thread
// (cpp-httplib: the accept thread, then once at the end of listening);
// threads() from any thread.
#pragma once

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <list>
#include <mutex>
#include <thread>
#include <vector>

#include "node/api/api_metrics.h"

namespace larder::node::api {

class ConnectionPool : public httplib::TaskQueue {
 public:
  ConnectionPool(std::size_t max_threads, std::chrono::milliseconds idle_timeout,
                 ApiMetrics& metrics);
  ~ConnectionPool() override;
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  void enqueue(std::function<void()> connection) override;
  void shutdown() override;

  // Threads running now (serving a connection or idle).
  std::size_t threads() const;

 private:
  using Worker = std::list<std::thread>::iterator;
  void work(Worker self);

  const std::size_t max_threads_;
  const std::chrono::milliseconds idle_timeout_;
  ApiMetrics& metrics_;

  // State below is guarded by mu_.
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  std::list<std::thread> workers_;  // running, and exited but not yet joined
  std::vector<Worker> exited_;      // in workers_, to join
  std::size_t running_ = 0;
  std::size_t idle_ = 0;  // running and waiting for a connection
  bool shutdown_ = false;
};

}  // namespace larder::node::api
