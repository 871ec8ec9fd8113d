// TenantWriter: the one thread that writes a tenant's database.
//
// Every write to a tenant's replica — orders, pulled batches, outbox updates —
// runs on this thread, in the order submitted (STYLE.md: one strand owns all
// writes to a tenant's database). Orders waiting together are committed as a
// group in one synchronous=FULL transaction (storage::place_orders), so eight
// cashiers pressing "pay" at once share one fsync instead of queueing for
// eight.
//
// place() and run() block the caller until the write is durable (or failed).
// The destructor finishes what was submitted, then joins.
//
// Thread safety: place() and run() may be called from any thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "storage/database.h"
#include "storage/order_ledger.h"

namespace larder::node {

class TenantWriter {
 public:
  static constexpr std::size_t kMaxGroup = 64;

  TenantWriter(std::unique_ptr<storage::Database> db, std::string device_code);
  ~TenantWriter();
  TenantWriter(const TenantWriter&) = delete;
  TenantWriter& operator=(const TenantWriter&) = delete;

  Result<storage::PlaceResult> place(storage::OrderRecord order);
  Status run(std::function<Status(storage::Database&)> job);

  std::uint64_t groups_committed() const;
  std::uint64_t orders_committed() const;

 private:
  struct Job {
    std::optional<storage::OrderRecord> order;
    std::function<Status(storage::Database&)> fn;
    std::promise<Result<storage::PlaceResult>> placed;
    std::promise<Status> done;
  };
  void loop();

  std::unique_ptr<storage::Database> db_;
  const std::string device_code_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<Job>> queue_;  // guarded by mu_
  bool stopping_ = false;                   // guarded by mu_
  std::uint64_t groups_ = 0;                // guarded by mu_
  std::uint64_t orders_ = 0;                // guarded by mu_
  std::thread thread_;
};

}  // namespace larder::node
