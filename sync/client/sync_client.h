// SyncClient: one tenant's conversation with larder-hub (docs/PROTOCOL.md).
//
// Two loops, each on its own thread and transport:
//  - pull: long-polls GET /v1/sync/pull with the stored cursor; each page is
//    applied with its cursor in one local transaction (ReplicaPort::apply);
//    "more" pages follow at once. A replica with no cursor yet (the first
//    bootstrap) and a 410 resync_required both build the replica from cursor
//    zero in staging: pages are asked for with staged=1, so the hub may page
//    the snapshot by key (splitting source transactions, at most
//    staged_limit entries a page, docs/PROTOCOL.md), each page goes into
//    staging with its cursor, the next page is fetched while the current one
//    is applied, and when `more` is false the staging is swapped in
//    (ReplicaPort resync). Screens see nothing of it before the swap. A
//    build cut short (crash, lost link, stop) resumes from the staging's
//    cursor; one the hub refuses with 410 starts again from zero.
//  - push: drains the outbox in batches to POST /v1/sync/push whenever an
//    order is placed (wake_push(), then push_linger for more orders to join
//    the batch) and at least every heartbeat interval (the
//    request carries the device's heartbeat); accepted and duplicate mark
//    orders synced, rejected ones become dead letters.
// Failures back off exponentially with jitter (sync/client/backoff.h), with no
// busy loop while the hub is away; online/offline follows the results
// (ReplicaPort::set_online). A 401/403 (revoked device) is reported and
// retried slowly, never dropped.
//
// stop() cancels the pull long-poll at once, lets a push in flight finish (so
// its answer is recorded), and joins. pull_once()/push_once() run one step on
// the caller's thread for tests.
//
// Thread safety: start(), stop(), wake_push() from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "base/env.h"
#include "sync/client/backoff.h"
#include "sync/client/hub_transport.h"
#include "sync/client/replica_port.h"

namespace larder::sync {

struct SyncOptions {
  int pull_limit = 500;
  // Entries per page of a staged build. The hub pages a staged snapshot to
  // exactly this many, so it bounds the memory a bootstrap takes (about
  // 0.4 KB of JSON per menu row) as well as the number of round trips.
  int staged_limit = 2000;
  int pull_wait_seconds = 25;
  int push_batch = 50;
  // After an order wakes the push loop, how long it waits for more to join the
  // batch. Each push costs a request and a durable write marking its orders
  // synced; on a busy counter this makes it one per linger, not one per order.
  std::chrono::milliseconds push_linger{25};
  std::chrono::milliseconds heartbeat_interval{30'000};
  std::chrono::milliseconds backoff_initial{500};
  std::chrono::milliseconds backoff_max{60'000};
  std::chrono::milliseconds request_timeout{15'000};  // beyond the long-poll's own wait
  std::string label;                                  // "tenant acme", for logs
};

// What one pull step did: applied a page with more to come, caught up with the
// feed (the next pull may long-poll), built the first replica, or rebuilt it
// (kBootstrapped and kResynced are caught up too).
enum class PullStep { kMore, kCaughtUp, kBootstrapped, kResynced };

class SyncClient {
 public:
  SyncClient(ReplicaPort& replica, std::unique_ptr<HubTransport> pull_transport,
             std::unique_ptr<HubTransport> push_transport, Env& env, SyncOptions options);
  ~SyncClient();

  void start();
  void stop();
  void wake_push();

  // One pull request; `wait` long-polls. A staged build (bootstrap, resync,
  // or one to resume) runs whole within one call.
  Result<PullStep> pull_once(bool wait);
  // One push batch; returns how many orders were sent (0: nothing pending).
  Result<int> push_once();

 private:
  void pull_loop();
  void push_loop();
  // Builds the replica in staging from `from` (a staging cursor to resume),
  // or from zero into a fresh staging when `from` is nullopt.
  Status build_staged(std::optional<std::string> from);
  Result<PullResponse> fetch(const std::string& cursor, int wait_seconds, bool staged);
  bool stopping();
  // Sleeps up to `d`, or until stop() (returns false). The pull loop sleeps
  // on its own wake-up; the push loop's, with wake_on_push, also ends at
  // wake_push(). An order placed while nobody waits for one wakes no thread.
  enum class Sleeper { kPull, kPush };
  bool sleep_for(Sleeper who, std::chrono::milliseconds d, bool wake_on_push);

  ReplicaPort& replica_;
  std::unique_ptr<HubTransport> pull_;
  std::unique_ptr<HubTransport> push_;
  Env& env_;
  const SyncOptions options_;

  std::mutex mu_;
  std::condition_variable pull_cv_;
  std::condition_variable push_cv_;
  bool stopping_ = false;              // guarded by mu_
  bool push_wanted_ = false;           // guarded by mu_
  bool push_waits_for_order_ = false;  // guarded by mu_: the push loop sleeps until wake_push()
  std::thread pull_thread_;
  std::thread push_thread_;
};

// "/v1/sync/pull?cursor=...&limit=...&wait=..." with the cursor percent-encoded
// (and "&staged=1" for a page of a staged build).
std::string pull_target(const std::string& cursor, int limit, int wait_seconds,
                        bool staged = false);

}  // namespace larder::sync
