// ChangeWaiters: the long-poll waiting room. Requests wait on a scope key
// ("tenant/location") until a change to that scope is announced or their
// deadline passes.
//
// Each waiter costs one Asio steady_timer and a few map nodes - no thread,
// no socket of its own - so one instance holds tens of thousands of idle
// long-polls (bench/hub_longpoll measures it).
//
// Contract:
//   - wait() registers a callback that runs exactly once, with the reason:
//       kNotified      notify(key) was called for its key;
//       kTimedOut      the deadline passed first;
//       kCancelled     cancel(id) was called (e.g. the client disconnected);
//       kShuttingDown  wake_all() or the destructor ended every wait.
//   - notify(key) wakes every waiter of that key registered before it, at
//     once. A waiter registered after a notify waits for the next one, so a
//     caller must read its cursor before waiting (check, then wait, then on
//     wake re-read: a change landing between check and wait is still seen
//     because notify happens after commit).
//   - Callbacks run with no lock held: on the thread calling notify(),
//     cancel() or wake_all(), or on an io thread for a timeout. They must be
//     short and must not block; sending on a Responder is the intended use.
//     They may call back into ChangeWaiters.
//
// Thread safety: every member is safe from any thread. The io_context must
// outlive this object and be running for timeouts to fire.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace larder::hub::http {

enum class WakeReason { kNotified, kTimedOut, kCancelled, kShuttingDown };
const char* wake_reason_name(WakeReason reason);

class ChangeWaiters {
 public:
  using Callback = std::function<void(WakeReason)>;
  using WaiterId = std::uint64_t;  // never 0
  using Clock = std::chrono::steady_clock;

  explicit ChangeWaiters(boost::asio::io_context& io);
  // Ends every remaining wait with kShuttingDown.
  ~ChangeWaiters();
  ChangeWaiters(const ChangeWaiters&) = delete;
  ChangeWaiters& operator=(const ChangeWaiters&) = delete;

  // Waits on `key` until notified or `deadline`. A deadline already past times
  // out on the next turn of the io loop (never inline).
  WaiterId wait(const std::string& key, Clock::time_point deadline, Callback callback);
  // Wakes every waiter of `key`; returns how many were woken.
  std::size_t notify(const std::string& key);
  // Ends one wait with kCancelled; false when it had already ended.
  bool cancel(WaiterId id);
  // Ends every wait with kShuttingDown (before a graceful stop, so held
  // long-polls answer at once and their nodes reconnect elsewhere).
  std::size_t wake_all();
  // wake_all(), and from then on every new wait times out at once (shutdown).
  std::size_t close();

  std::size_t open() const;                       // all keys
  std::size_t open(const std::string& key) const;  // one key

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;  // shared with pending timer handlers
};

}  // namespace larder::hub::http
