#include "node/core/tenant_runtime.h"

#include <openssl/evp.h>

#include <cstdio>
#include <ctime>

#include "base/hex.h"
#include "base/uuid.h"
#include "node/core/order_wire.h"
#include "node/pricing/order_request.h"
#include "node/pricing/price_order.h"
#include "storage/replica_apply.h"
#include "storage/sync_state.h"

namespace larder::node {
namespace {

std::string sha256_hex(std::string_view data) {
  unsigned char md[32];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return to_hex(md, len);
}

// Moves the page's rows (most of its memory) rather than copying them.
std::vector<storage::ReplicaChange> to_replica(sync::PullResponse& page) {
  std::vector<storage::ReplicaChange> out;
  out.reserve(page.changes.size());
  for (sync::Change& c : page.changes) {
    out.push_back(storage::ReplicaChange{std::move(c.table), c.is_delete, std::move(c.key),
                                         std::move(c.row)});
  }
  page.changes.clear();
  return out;
}

storage::OrderRecord to_record(const pricing::PricedOrder& p) {
  storage::OrderRecord o;
  o.subtotal_minor = p.subtotal_minor;
  o.tax_minor = p.tax_minor;
  o.total_minor = p.total_minor;
  o.currency = p.currency;
  o.tax_rate_bp = p.tax_rate_bp;
  o.tax_inclusive = p.tax_mode == pricing::TaxMode::kInclusive;
  o.note = p.note;
  for (const pricing::PricedLine& l : p.lines) {
    storage::OrderLineRecord r{l.line_no,  l.item_id,          l.name, l.unit_price_minor,
                               l.quantity, l.line_total_minor, {}};
    for (const pricing::PricedOption& opt : l.options) {
      r.options.push_back({opt.option_id, opt.modifier_id, opt.name, opt.price_delta_minor});
    }
    o.lines.push_back(std::move(r));
  }
  return o;
}

}  // namespace

std::string iso8601_ms(std::int64_t unix_ms) {
  std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(unix_ms % 1000));
  return buf;
}

TenantRuntime::TenantRuntime(TenantCredentials creds, EventBus& events, Env& env,
                             std::string app_version)
    : creds_(std::move(creds)),
      events_(events),
      env_(env),
      app_version_(std::move(app_version)),
      warning_log_([](const std::string& line) {
        std::fprintf(stderr, "larder-node: warning: %s\n", line.c_str());
      }) {}

TenantRuntime::~TenantRuntime() = default;

Result<std::unique_ptr<TenantRuntime>> TenantRuntime::open(storage::TenantStore& store,
                                                           TenantCredentials credentials,
                                                           EventBus& events, Env& env,
                                                           std::string app_version) {
  std::unique_ptr<TenantRuntime> rt(
      new TenantRuntime(std::move(credentials), events, env, std::move(app_version)));
  const std::string& id = rt->creds_.tenant_id;
  LARDER_ASSIGN_OR_RETURN(auto write_db, store.open_tenant(id, true));
  LARDER_ASSIGN_OR_RETURN(rt->reader_, store.open_tenant(id, false));
  rt->writer_ = std::make_unique<TenantWriter>(std::move(write_db), rt->creds_.short_code);
  return rt;
}

void TenantRuntime::set_order_listener(std::function<void()> listener) {
  std::lock_guard<std::mutex> lock(state_mu_);
  order_listener_ = std::move(listener);
}

void TenantRuntime::set_warning_log(std::function<void(const std::string&)> log) {
  std::lock_guard<std::mutex> lock(state_mu_);
  warning_log_ = std::move(log);
}

Result<std::shared_ptr<const menu::MenuView>> TenantRuntime::menu() {
  std::unique_lock<std::mutex> lock(menu_mu_);
  auto now = std::chrono::time_point_cast<std::chrono::seconds>(
      std::chrono::system_clock::time_point(std::chrono::milliseconds(env_.now_unix_ms())));
  bool expired = menu_ && menu_->valid_until && now >= *menu_->valid_until;
  if (menu_ && !menu_dirty_ && !expired) return menu_;
  Result<std::shared_ptr<const menu::MenuView>> built = [&] {
    std::lock_guard<std::mutex> rlock(reader_mu_);
    return menu::build_menu_view(*reader_, creds_.location_id, now);
  }();
  if (!built.is_ok()) return built.status();
  std::shared_ptr<const menu::MenuView> view = menu_ = *built;
  menu_dirty_ = false;
  // The view is rebuilt at every daypart boundary and sync: log a problem
  // when it appears, not at every rebuild.
  std::vector<std::string> fresh;
  std::set<std::string> problems(view->problems.begin(), view->problems.end());
  for (const std::string& p : problems) {
    if (logged_problems_.count(p) == 0) fresh.push_back(p);
  }
  logged_problems_ = std::move(problems);
  lock.unlock();
  if (!fresh.empty()) {
    std::function<void(const std::string&)> log;
    {
      std::lock_guard<std::mutex> slock(state_mu_);
      log = warning_log_;
    }
    for (const std::string& p : fresh) {
      if (log) log(p);
    }
  }
  return view;
}

bool TenantRuntime::ready() {
  std::lock_guard<std::mutex> rlock(reader_mu_);
  auto state = storage::load_sync_state(*reader_);
  return state.is_ok() && state->replica_ready;
}

TenantSummary TenantRuntime::summary() {
  TenantSummary s;
  s.id = creds_.tenant_id;
  s.name = creds_.tenant_name;
  s.currency = "USD";
  {
    std::lock_guard<std::mutex> rlock(reader_mu_);
    auto q = reader_->prepare("SELECT name, brand_color, logo_url, currency FROM tenants LIMIT 1");
    if (q.is_ok()) {
      auto row = (*q)->step();
      if (row.is_ok() && *row) {
        s.name = (*q)->column_text(0);
        s.brand_color = (*q)->column_optional_text(1);
        s.logo_url = (*q)->column_optional_text(2);
        s.currency = (*q)->column_text(3);
      }
    }
  }
  s.ready = ready();
  s.online = online_.load();
  return s;
}

PlaceOrderOutcome TenantRuntime::place_order(std::string_view body,
                                             const std::optional<std::string>& idempotency_key) {
  PlaceOrderOutcome out;
  const std::string request_hash = sha256_hex(body);
  if (idempotency_key) {
    // A retry is answered from what was stored, before today's menu or hours
    // can refuse it.
    Result<std::optional<storage::OrderRecord>> stored = [&] {
      std::lock_guard<std::mutex> rlock(reader_mu_);
      return storage::find_by_idempotency_key(*reader_, *idempotency_key);
    }();
    if (!stored.is_ok()) {
      out.error = stored.status();
      return out;
    }
    if (stored->has_value()) {
      storage::OrderRecord& o = **stored;
      if (o.request_hash != request_hash) {
        out.error = conflict("Idempotency-Key " + *idempotency_key +
                             " was already used for a different order (" + o.number + ")");
        return out;
      }
      out.placed = storage::PlaceResult{std::move(o), true};
      return out;
    }
  }
  auto request = pricing::parse_order_request(body);
  if (!request.is_ok()) {
    out.invalid = request.errors();
    return out;
  }
  auto view = menu();
  if (!view.is_ok()) {
    out.error = view.status();
    return out;
  }
  if ((*view)->open == false) {
    LocationClosed closed;
    if ((*view)->opens_at) {
      closed.opens_at = iso8601_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                                       (*view)->opens_at->time_since_epoch())
                                       .count());
    }
    out.closed = std::move(closed);
    return out;
  }
  auto priced = pricing::price_order((*view)->snapshot, request.value());
  if (!priced.is_ok()) {
    out.invalid = priced.errors();
    return out;
  }
  storage::OrderRecord record = to_record(priced.value());
  record.id = new_uuid_v7(env_);
  record.location_id = creds_.location_id;
  record.idempotency_key = idempotency_key;
  record.request_hash = request_hash;
  record.placed_at = record.updated_at = iso8601_ms(env_.now_unix_ms());
  auto placed = writer_->place(std::move(record));
  if (!placed.is_ok()) {
    out.error = placed.status();
    return out;
  }
  if (!placed->replayed) {
    events_.publish("order", {{"tenant", creds_.tenant_id},
                              {"id", placed->order.id},
                              {"number", placed->order.number},
                              {"status", placed->order.status}});
    std::function<void()> listener;
    {
      std::lock_guard<std::mutex> lock(state_mu_);
      listener = order_listener_;
    }
    if (listener) listener();
  }
  out.placed = std::move(placed).value();
  return out;
}

Result<std::optional<storage::OrderRecord>> TenantRuntime::order(const std::string& id) {
  std::lock_guard<std::mutex> rlock(reader_mu_);
  return storage::find_order(*reader_, id);
}

nlohmann::json TenantRuntime::status_json() {
  nlohmann::json j = {{"id", creds_.tenant_id}, {"online", online_.load()}};
  std::lock_guard<std::mutex> rlock(reader_mu_);
  auto state = storage::load_sync_state(*reader_);
  auto counts = storage::outbox_counts(*reader_);
  if (state.is_ok()) {
    j["ready"] = state->replica_ready;
    j["cursor"] = state->cursor;
    j["last_pull_at"] = state->last_pull_at ? nlohmann::json(*state->last_pull_at) : nullptr;
    j["last_push_at"] = state->last_push_at ? nlohmann::json(*state->last_push_at) : nullptr;
  }
  if (counts.is_ok()) {
    j["outbox_depth"] = counts->pending;
    j["dead_letters"] = counts->dead;
    j["orders_synced"] = counts->synced;
  }
  std::lock_guard<std::mutex> lock(state_mu_);
  j["last_error"] = last_error_.empty() ? nlohmann::json(nullptr) : nlohmann::json(last_error_);
  return j;
}

void TenantRuntime::after_apply(const storage::ApplyResult& result) {
  if (result.menu_changed) {
    {
      std::lock_guard<std::mutex> lock(menu_mu_);
      menu_dirty_ = true;
    }
    events_.publish("menu", {{"tenant", creds_.tenant_id}});
  }
  for (const std::string& id : result.orders_changed) {
    auto o = order(id);
    if (o.is_ok() && o->has_value()) {
      events_.publish("order", {{"tenant", creds_.tenant_id},
                                {"id", id},
                                {"number", (*o)->number},
                                {"status", (*o)->status}});
    }
  }
}

Result<std::string> TenantRuntime::cursor() {
  std::lock_guard<std::mutex> rlock(reader_mu_);
  LARDER_ASSIGN_OR_RETURN(storage::SyncState s, storage::load_sync_state(*reader_));
  return s.cursor;
}

Status TenantRuntime::apply(sync::PullResponse& page) {
  storage::ApplyResult result;
  auto changes = to_replica(page);
  LARDER_RETURN_IF_ERROR(writer_->run([&](storage::Database& db) -> Status {
    LARDER_ASSIGN_OR_RETURN(result, storage::apply_changes(db, changes, page.cursor));
    return Status::ok();
  }));
  after_apply(result);
  return Status::ok();
}

Status TenantRuntime::begin_resync() {
  return writer_->run([](storage::Database& db) { return storage::begin_resync(db); });
}

Status TenantRuntime::apply_staging(sync::PullResponse& page) {
  storage::ApplyResult result;
  auto changes = to_replica(page);
  LARDER_RETURN_IF_ERROR(writer_->run([&](storage::Database& db) -> Status {
    LARDER_ASSIGN_OR_RETURN(result, storage::apply_staging_changes(db, changes, page.cursor));
    return Status::ok();
  }));
  // Staged menu rows stay invisible until the swap; order statuses merge
  // into the live orders at once (storage/replica_apply.h).
  result.menu_changed = false;
  after_apply(result);
  return Status::ok();
}

Result<std::optional<std::string>> TenantRuntime::staging_cursor() {
  std::lock_guard<std::mutex> rlock(reader_mu_);
  return storage::staging_cursor(*reader_);
}

Status TenantRuntime::finish_resync(const std::string& cursor) {
  LARDER_RETURN_IF_ERROR(
      writer_->run([&](storage::Database& db) { return storage::finish_resync(db, cursor); }));
  storage::ApplyResult everything;
  everything.menu_changed = true;
  after_apply(everything);
  return Status::ok();
}

Result<std::vector<sync::WireOrder>> TenantRuntime::pending_orders(int limit) {
  std::lock_guard<std::mutex> rlock(reader_mu_);
  LARDER_ASSIGN_OR_RETURN(auto records, storage::pending_outbox(*reader_, limit));
  std::vector<sync::WireOrder> out;
  out.reserve(records.size());
  for (const auto& r : records) out.push_back(wire_order(r));
  return out;
}

Status TenantRuntime::record_push_results(const sync::PushResponse& response) {
  return writer_->run([&](storage::Database& db) -> Status {
    std::vector<std::string> synced;
    for (const sync::PushResult& r : response.results) {
      if (r.outcome == sync::PushOutcome::kRejected) {
        LARDER_RETURN_IF_ERROR(storage::mark_dead(db, r.id, r.reason));
      } else {
        synced.push_back(r.id);
      }
    }
    if (synced.empty()) return Status::ok();
    return storage::mark_synced(db, synced);
  });
}

Status TenantRuntime::record_push_failure(const std::vector<std::string>& ids,
                                          const std::string& error) {
  return writer_->run(
      [&](storage::Database& db) { return storage::record_push_failure(db, ids, error); });
}

sync::Heartbeat TenantRuntime::heartbeat() {
  sync::Heartbeat h;
  h.app_version = app_version_;
  std::lock_guard<std::mutex> rlock(reader_mu_);
  auto counts = storage::outbox_counts(*reader_);
  if (counts.is_ok()) h.outbox_depth = counts->pending;
  auto state = storage::load_sync_state(*reader_);
  if (state.is_ok()) h.cursor = state->cursor;
  std::lock_guard<std::mutex> lock(state_mu_);
  if (!last_error_.empty()) h.last_error = last_error_.substr(0, 1000);
  return h;
}

void TenantRuntime::set_online(bool online, const std::string& error) {
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    last_error_ = online ? std::string() : error;
  }
  bool was = online_.exchange(online);
  if (was != online) {
    events_.publish("connectivity", {{"tenant", creds_.tenant_id}, {"online", online}});
  }
}

}  // namespace larder::node
