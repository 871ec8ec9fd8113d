#include "node/core/tenant_writer.h"

namespace larder::node {

TenantWriter::TenantWriter(std::unique_ptr<storage::Database> db, std::string device_code)
    : db_(std::move(db)), device_code_(std::move(device_code)), thread_([this] { loop(); }) {}

TenantWriter::~TenantWriter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

Result<storage::PlaceResult> TenantWriter::place(storage::OrderRecord order) {
  auto job = std::make_unique<Job>();
  job->order = std::move(order);
  auto result = job->placed.get_future();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return unavailable("the node is shutting down");
    queue_.push_back(std::move(job));
  }
  cv_.notify_one();
  return result.get();
}

Status TenantWriter::run(std::function<Status(storage::Database&)> fn) {
  auto job = std::make_unique<Job>();
  job->fn = std::move(fn);
  auto result = job->done.get_future();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return unavailable("the node is shutting down");
    queue_.push_back(std::move(job));
  }
  cv_.notify_one();
  return result.get();
}

void TenantWriter::loop() {
  for (;;) {
    std::vector<std::unique_ptr<Job>> group;
    std::unique_ptr<Job> single;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything submitted is done
      // Consecutive orders at the head form one group; anything else runs alone.
      while (!queue_.empty() && queue_.front()->order && group.size() < kMaxGroup) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      if (group.empty()) {
        single = std::move(queue_.front());
        queue_.pop_front();
      }
    }
    if (single) {
      single->done.set_value(single->fn(*db_));
      continue;
    }
    std::vector<storage::OrderRecord> orders;
    orders.reserve(group.size());
    for (auto& job : group) orders.push_back(std::move(*job->order));
    auto results = storage::place_orders(*db_, std::move(orders), device_code_);
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++groups_;
      for (auto& r : results) orders_ += r.is_ok() ? 1 : 0;
    }
    for (std::size_t i = 0; i < group.size(); ++i) group[i]->placed.set_value(std::move(results[i]));
  }
}

std::uint64_t TenantWriter::groups_committed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return groups_;
}

std::uint64_t TenantWriter::orders_committed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return orders_;
}

}  // namespace larder::node
