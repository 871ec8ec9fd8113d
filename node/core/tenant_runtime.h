// TenantRuntime: one tenant served by this node — its replica, its writer
// thread, its cached menu, its connectivity — and the ReplicaPort its sync
// client works through.
//
// Reads (menu building, order lookups, status) use a reader connection of
// their own (WAL lets them run beside the writer); every write goes through
// the TenantWriter. The rendered menu is cached and rebuilt when sync changes
// the replica or the next daypart boundary passes. Applying a pulled page
// publishes "menu" and "order" events; connectivity changes publish
// "connectivity" (node/core/event_bus.h).
//
// Placing an order: an Idempotency-Key already stored answers first, from
// the reader (the same body: the stored order, replayed; another body:
// kConflict), whatever the menu or the clock say now. Otherwise parse and
// validate the body (node/pricing); refuse it while the location is closed
// by its opening hours (`closed`, with the next opening; menu_view.h says
// what unreadable hours count as); price it against the cached menu's
// snapshot (which holds only what is on in the current dayparts), give it a
// UUIDv7 id, and hand it to the writer, which makes it durable with its
// outbox entry before returning (and checks the key again, for retries
// racing each other); then the sync client is woken to push it. "Now" is
// the Env's clock, in the location's timezone.
//
// Location fields the menu cannot read (MenuView::problems) go to the
// warning log once each, when they first appear (again if they come back
// after being fixed).
//
// Thread safety: every public method may be called from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "base/env.h"
#include "node/core/credentials.h"
#include "node/core/event_bus.h"
#include "node/core/node_service.h"
#include "node/core/tenant_writer.h"
#include "storage/replica_apply.h"
#include "storage/tenant_store.h"
#include "sync/client/replica_port.h"

namespace larder::node {

class TenantRuntime : public sync::ReplicaPort {
 public:
  static Result<std::unique_ptr<TenantRuntime>> open(storage::TenantStore& store,
                                                     TenantCredentials credentials,
                                                     EventBus& events, Env& env,
                                                     std::string app_version);
  ~TenantRuntime() override;

  const TenantCredentials& credentials() const { return creds_; }
  TenantSummary summary();
  Result<std::shared_ptr<const menu::MenuView>> menu();
  PlaceOrderOutcome place_order(std::string_view body,
                                const std::optional<std::string>& idempotency_key);
  Result<std::optional<storage::OrderRecord>> order(const std::string& id);
  nlohmann::json status_json();
  bool ready();
  bool online() const { return online_.load(); }
  // Called after each durable order (the sync client wakes its pusher).
  void set_order_listener(std::function<void()> listener);
  // Where warnings about the tenant's data go, one line each; by default
  // stderr ("larder-node: warning: ...").
  void set_warning_log(std::function<void(const std::string&)> log);
  const TenantWriter& writer() const { return *writer_; }

  // sync::ReplicaPort
  Result<std::string> cursor() override;
  Status apply(sync::PullResponse& page) override;
  Status begin_resync() override;
  Status apply_staging(sync::PullResponse& page) override;
  Status finish_resync(const std::string& cursor) override;
  Result<std::optional<std::string>> staging_cursor() override;
  Result<std::vector<sync::WireOrder>> pending_orders(int limit) override;
  Status record_push_results(const sync::PushResponse& response) override;
  Status record_push_failure(const std::vector<std::string>& order_ids,
                             const std::string& error) override;
  sync::Heartbeat heartbeat() override;
  void set_online(bool online, const std::string& error) override;

 private:
  TenantRuntime(TenantCredentials creds, EventBus& events, Env& env, std::string app_version);
  void after_apply(const storage::ApplyResult& result);

  const TenantCredentials creds_;
  EventBus& events_;
  Env& env_;
  const std::string app_version_;
  std::unique_ptr<TenantWriter> writer_;

  std::mutex reader_mu_;  // guards reader_
  std::unique_ptr<storage::Database> reader_;

  std::mutex menu_mu_;  // guards the three below; taken before reader_mu_ and state_mu_
  std::shared_ptr<const menu::MenuView> menu_;
  bool menu_dirty_ = true;
  std::set<std::string> logged_problems_;  // the last built view's, already logged

  std::atomic<bool> online_{false};
  std::mutex state_mu_;  // guards the three below
  std::string last_error_;
  std::function<void()> order_listener_;
  std::function<void(const std::string&)> warning_log_;
};

// "2026-11-23T12:00:00.123Z" for a Unix time in milliseconds.
std::string iso8601_ms(std::int64_t unix_ms);

}  // namespace larder::node
