#include "sync/hub/http/change_waiters.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace larder::hub::http {

const char* wake_reason_name(WakeReason reason) {
  switch (reason) {
    case WakeReason::kNotified: return "notified";
    case WakeReason::kTimedOut: return "timed_out";
    case WakeReason::kCancelled: return "cancelled";
    case WakeReason::kShuttingDown: return "shutting_down";
  }
  return "unknown";
}

struct ChangeWaiters::Impl {
  struct Waiter {
    Waiter(boost::asio::io_context& io, std::string k, Callback cb)
        : key(std::move(k)), timer(io), callback(std::move(cb)) {}
    std::string key;
    boost::asio::steady_timer timer;
    Callback callback;
  };
  using Waiters = std::unordered_map<WaiterId, Waiter>;

  explicit Impl(boost::asio::io_context& ctx) : io(ctx) {}

  bool closed = false;  // guarded by mu; set by close(): later waits end at once

  // Removes `id` from both maps; the caller holds mu. Returns the node so the
  // caller can run the callback and destroy the timer after unlocking.
  Waiters::node_type take_locked(WaiterId id) {
    auto node = waiters.extract(id);
    if (node.empty()) return node;
    auto by_key = keys.find(node.mapped().key);
    if (by_key != keys.end()) {
      by_key->second.erase(id);
      if (by_key->second.empty()) keys.erase(by_key);
    }
    return node;
  }

  // Ends a batch of taken waits: cancels each timer (its handler then finds
  // nothing and returns) and runs the callback, with no lock held.
  static void finish(std::vector<Waiters::node_type>& taken, WakeReason reason) {
    for (auto& node : taken) {
      node.mapped().timer.cancel();
      Callback cb = std::move(node.mapped().callback);
      if (cb) cb(reason);
    }
  }

  void on_timer(WaiterId id) {
    Waiters::node_type node;
    {
      std::lock_guard lock(mu);
      node = take_locked(id);
    }
    if (node.empty()) return;  // notified or cancelled first
    Callback cb = std::move(node.mapped().callback);
    if (cb) cb(WakeReason::kTimedOut);
  }

  std::size_t end_all(WakeReason reason) {
    std::vector<Waiters::node_type> taken;
    {
      std::lock_guard lock(mu);
      taken.reserve(waiters.size());
      while (!waiters.empty()) taken.push_back(take_locked(waiters.begin()->first));
    }
    finish(taken, reason);
    return taken.size();
  }

  boost::asio::io_context& io;
  mutable std::mutex mu;
  // State below is protected by mu.
  WaiterId next_id = 1;
  Waiters waiters;
  std::unordered_map<std::string, std::unordered_set<WaiterId>> keys;
};

ChangeWaiters::ChangeWaiters(boost::asio::io_context& io) : impl_(std::make_shared<Impl>(io)) {}

ChangeWaiters::~ChangeWaiters() { impl_->end_all(WakeReason::kShuttingDown); }

ChangeWaiters::WaiterId ChangeWaiters::wait(const std::string& key, Clock::time_point deadline,
                                            Callback callback) {
  std::lock_guard lock(impl_->mu);
  WaiterId id = impl_->next_id++;
  auto [it, inserted] = impl_->waiters.try_emplace(id, impl_->io, key, std::move(callback));
  // After close() a wait must not park: a pull that arrives while the server
  // drains would otherwise hold its connection until the drain deadline.
  it->second.timer.expires_at(impl_->closed ? Clock::time_point::min() : deadline);
  // The handler holds the Impl, not `this`, so a timer firing while the
  // ChangeWaiters is being destroyed touches nothing freed.
  it->second.timer.async_wait(
      [impl = impl_, id](const boost::system::error_code& ec) {
        if (ec == boost::asio::error::operation_aborted) return;
        impl->on_timer(id);
      });
  impl_->keys[key].insert(id);
  return id;
}

std::size_t ChangeWaiters::notify(const std::string& key) {
  std::vector<Impl::Waiters::node_type> taken;
  {
    std::lock_guard lock(impl_->mu);
    auto by_key = impl_->keys.find(key);
    if (by_key == impl_->keys.end()) return 0;
    std::vector<WaiterId> ids(by_key->second.begin(), by_key->second.end());
    taken.reserve(ids.size());
    for (WaiterId id : ids) taken.push_back(impl_->take_locked(id));
  }
  Impl::finish(taken, WakeReason::kNotified);
  return taken.size();
}

bool ChangeWaiters::cancel(WaiterId id) {
  std::vector<Impl::Waiters::node_type> taken;
  {
    std::lock_guard lock(impl_->mu);
    auto node = impl_->take_locked(id);
    if (node.empty()) return false;
    taken.push_back(std::move(node));
  }
  Impl::finish(taken, WakeReason::kCancelled);
  return true;
}

std::size_t ChangeWaiters::wake_all() { return impl_->end_all(WakeReason::kShuttingDown); }

std::size_t ChangeWaiters::close() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->closed = true;
  }
  return wake_all();
}

std::size_t ChangeWaiters::open() const {
  std::lock_guard lock(impl_->mu);
  return impl_->waiters.size();
}

std::size_t ChangeWaiters::open(const std::string& key) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->keys.find(key);
  return it == impl_->keys.end() ? 0 : it->second.size();
}

}  // namespace larder::hub::http
