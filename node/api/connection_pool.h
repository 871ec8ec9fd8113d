// ConnectionPool: cpp-httplib's task queue for the local API, a fixed pool of
// threads that counts open and waiting connections for the metrics.
//
// cpp-httplib hands each accepted connection to the queue as one task that
// runs until the connection closes, so the pool's size is the number of
// connections served at once. Internal to node/api (it includes httplib.h).
//
// Thread safety: as httplib::TaskQueue (enqueue from the accept thread,
// shutdown once at the end of listening).
#pragma once

#include <httplib.h>

#include <cstddef>
#include <functional>

#include "node/api/api_metrics.h"

namespace larder::node::api {

class ConnectionPool : public httplib::TaskQueue {
 public:
  ConnectionPool(std::size_t threads, ApiMetrics& metrics) : pool_(threads), metrics_(metrics) {}

  void enqueue(std::function<void()> connection) override;
  void shutdown() override { pool_.shutdown(); }

 private:
  httplib::ThreadPool pool_;
  ApiMetrics& metrics_;
};

}  // namespace larder::node::api
