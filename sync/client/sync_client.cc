#include "sync/client/sync_client.h"

#include <spdlog/spdlog.h>

#include <future>

#include "base/percent_encoding.h"

namespace larder::sync {
namespace {

// The hub's JSON error message, or the status when the body is not one.
std::string hub_error(const HttpReply& r) {
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].is_object()) {
    return "hub answered " + std::to_string(r.status) + " " + j["error"].value("code", "") + ": " +
           j["error"].value("message", "");
  }
  return "hub answered HTTP " + std::to_string(r.status);
}

Status status_for(const HttpReply& r) {
  std::string msg = hub_error(r);
  if (r.status == 401 || r.status == 403) {
    return permission_denied(msg + " (is this device revoked? re-enroll it)");
  }
  if (r.status >= 500) return unavailable(msg);
  return invalid_argument(msg);
}

}  // namespace

std::string pull_target(const std::string& cursor, int limit, int wait_seconds, bool staged) {
  return "/v1/sync/pull?cursor=" + percent_encode(cursor) + "&limit=" + std::to_string(limit) +
         "&wait=" + std::to_string(wait_seconds) + (staged ? "&staged=1" : "");
}

SyncClient::SyncClient(ReplicaPort& replica, std::unique_ptr<HubTransport> pull_transport,
                       std::unique_ptr<HubTransport> push_transport, Env& env, SyncOptions options)
    : replica_(replica),
      pull_(std::move(pull_transport)),
      push_(std::move(push_transport)),
      env_(env),
      options_(std::move(options)) {}

SyncClient::~SyncClient() { stop(); }

void SyncClient::start() {
  pull_thread_ = std::thread([this] { pull_loop(); });
  push_thread_ = std::thread([this] { push_loop(); });
}

void SyncClient::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && !pull_thread_.joinable() && !push_thread_.joinable()) return;
    stopping_ = true;
  }
  pull_cv_.notify_all();
  push_cv_.notify_all();
  pull_->cancel();  // a long-poll can take many seconds; a push in flight may finish
  if (pull_thread_.joinable()) pull_thread_.join();
  if (push_thread_.joinable()) push_thread_.join();
}

void SyncClient::wake_push() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (push_wanted_) return;  // already asked for since the last push
    push_wanted_ = true;
    if (!push_waits_for_order_) return;  // pushing, lingering or backing off: it looks anyway
  }
  push_cv_.notify_one();
}

bool SyncClient::sleep_for(Sleeper who, std::chrono::milliseconds d, bool wake_on_push) {
  std::unique_lock<std::mutex> lock(mu_);
  auto& cv = who == Sleeper::kPull ? pull_cv_ : push_cv_;
  if (wake_on_push) push_waits_for_order_ = true;
  cv.wait_for(lock, d, [&] { return stopping_ || (wake_on_push && push_wanted_); });
  if (wake_on_push) push_waits_for_order_ = false;
  return !stopping_;
}

bool SyncClient::stopping() {
  std::lock_guard<std::mutex> lock(mu_);
  return stopping_;
}

Result<PullResponse> SyncClient::fetch(const std::string& cursor, int wait_seconds, bool staged) {
  auto timeout = options_.request_timeout + std::chrono::seconds(wait_seconds);
  const int limit = staged ? options_.staged_limit : options_.pull_limit;
  LARDER_ASSIGN_OR_RETURN(HttpReply reply,
                          pull_->get(pull_target(cursor, limit, wait_seconds, staged), timeout));
  if (reply.status == 410) return failed_precondition("resync_required");
  if (reply.status != 200) return status_for(reply);
  auto page = parse_pull_response(reply.body);
  if (!page.is_ok()) {
    // A body that is not JSON at all is a broken answer (a proxy's error page,
    // a cut connection): retry like an unreachable hub.
    if (page.status().code() == Code::kUnavailable) return page.status();
    return page.status().with_context("the hub's pull answer");
  }
  return page;
}

Status SyncClient::build_staged(std::optional<std::string> from) {
  using Clock = std::chrono::steady_clock;
  const auto started = Clock::now();
  Clock::duration waited{}, applying{};
  std::size_t pages = 0, rows = 0;
  if (!from) LARDER_RETURN_IF_ERROR(replica_.begin_resync());
  std::string cursor = from.value_or("");
  int restarts = 0;
  auto page = fetch(cursor, 0, true);
  waited += Clock::now() - started;
  for (;;) {
    if (!page.is_ok() && page.status().code() == Code::kFailedPrecondition && restarts < 3) {
      // The snapshot this build was paging fell out of the feed's retention
      // (or the cursor was from another database): start again from zero.
      ++restarts;
      spdlog::warn("{}: the hub refused the staged build's cursor; starting it again from zero",
                   options_.label);
      LARDER_RETURN_IF_ERROR(replica_.begin_resync());
      cursor.clear();
      page = fetch(cursor, 0, true);
      continue;
    }
    if (!page.is_ok()) return page.status().with_context("building the replica in staging");
    if (stopping()) return unavailable("stopping");
    const bool more = page->more;
    cursor = page->cursor;
    ++pages;
    rows += page->changes.size();
    // Fetch the next page while this one is written: the hub, PostgreSQL and
    // the local writer then work at the same time. The future is always
    // waited for before this function returns.
    std::future<Result<PullResponse>> next;
    if (more) {
      next = std::async(std::launch::async, [this, cursor] { return fetch(cursor, 0, true); });
    }
    auto t = Clock::now();
    Status applied = replica_.apply_staging(*page);
    if (applied.is_ok() && !more) applied = replica_.finish_resync(cursor);
    applying += Clock::now() - t;
    if (!applied.is_ok()) return applied.with_context("building the replica in staging");
    if (!more) break;
    t = Clock::now();
    page = next.get();
    waited += Clock::now() - t;
  }
  auto ms = [](Clock::duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  };
  spdlog::info(
      "{}: replica built in staging and swapped in: {} rows in {} pages, {} ms ({} ms "
      "waiting for the hub, {} ms writing)",
      options_.label, rows, pages, ms(Clock::now() - started), ms(waited), ms(applying));
  return Status::ok();
}

Result<PullStep> SyncClient::pull_once(bool wait) {
  LARDER_ASSIGN_OR_RETURN(std::optional<std::string> staged, replica_.staging_cursor());
  LARDER_ASSIGN_OR_RETURN(std::string cursor, replica_.cursor());
  if (staged) {
    spdlog::info("{}: resuming the staged build of the replica", options_.label);
    LARDER_RETURN_IF_ERROR(build_staged(std::move(staged)));
    return cursor.empty() ? PullStep::kBootstrapped : PullStep::kResynced;
  }
  if (cursor.empty()) {
    spdlog::info("{}: building the first replica from cursor zero", options_.label);
    LARDER_RETURN_IF_ERROR(build_staged(std::nullopt));
    return PullStep::kBootstrapped;
  }
  auto page = fetch(cursor, wait ? options_.pull_wait_seconds : 0, false);
  if (!page.is_ok() && page.status().code() == Code::kFailedPrecondition) {
    spdlog::warn("{}: the hub asked for a resync; rebuilding the replica from cursor zero",
                 options_.label);
    LARDER_RETURN_IF_ERROR(build_staged(std::nullopt));
    return PullStep::kResynced;
  }
  if (!page.is_ok()) return page.status();
  if (page->changes.empty() && page->cursor == cursor) return PullStep::kCaughtUp;
  const bool more = page->more;
  LARDER_RETURN_IF_ERROR(replica_.apply(*page));
  return more ? PullStep::kMore : PullStep::kCaughtUp;
}

void SyncClient::pull_loop() {
  Backoff backoff(env_, options_.backoff_initial, options_.backoff_max);
  bool wait = false;  // the first pull after start answers at once
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
    }
    auto step = pull_once(wait);
    if (step.is_ok()) {
      replica_.set_online(true, "");
      backoff.reset();
      wait = *step != PullStep::kMore;
      continue;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
    }
    const Status& s = step.status();
    if (s.code() == Code::kUnavailable || s.code() == Code::kPermissionDenied) {
      replica_.set_online(false, s.message());
    }
    auto delay = backoff.next();
    spdlog::warn("{}: pull failed ({}); retrying in {} ms", options_.label, s.to_string(),
                 delay.count());
    if (!sleep_for(Sleeper::kPull, delay, false)) return;
    wait = false;
  }
}

Result<int> SyncClient::push_once() {
  LARDER_ASSIGN_OR_RETURN(std::vector<WireOrder> orders,
                          replica_.pending_orders(options_.push_batch));
  PushRequest req;
  req.orders = std::move(orders);
  req.heartbeat = replica_.heartbeat();
  std::vector<std::string> ids;
  for (const WireOrder& o : req.orders) ids.push_back(o.id);
  auto reply = push_->post("/v1/sync/push", to_json(req).dump(), options_.request_timeout);
  Status failure;
  if (!reply.is_ok()) {
    failure = reply.status();
  } else if (reply->status != 200) {
    failure = status_for(*reply);
  } else {
    auto j = nlohmann::json::parse(reply->body, nullptr, false);
    auto resp = j.is_discarded()
                    ? Result<PushResponse>(unavailable("the hub's push answer is not JSON"))
                    : push_response_from_json(j);
    if (!resp.is_ok()) {
      failure = resp.status();
    } else {
      LARDER_RETURN_IF_ERROR(replica_.record_push_results(*resp));
      for (const PushResult& r : resp->results) {
        if (r.outcome == PushOutcome::kRejected) {
          spdlog::error("{}: the hub rejected order {}: {} (kept as a dead letter)", options_.label,
                        r.id, r.reason);
        }
      }
      return static_cast<int>(ids.size());
    }
  }
  if (!ids.empty()) (void)replica_.record_push_failure(ids, failure.message());
  return failure;
}

void SyncClient::push_loop() {
  Backoff backoff(env_, options_.backoff_initial, options_.backoff_max);
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
      push_wanted_ = false;
    }
    auto sent = push_once();
    std::chrono::milliseconds delay = options_.heartbeat_interval;
    if (sent.is_ok()) {
      replica_.set_online(true, "");
      backoff.reset();
      if (*sent >= options_.push_batch) continue;  // more may be waiting
    } else {
      const Status& s = sent.status();
      if (s.code() == Code::kUnavailable || s.code() == Code::kPermissionDenied) {
        replica_.set_online(false, s.message());
      }
      delay = backoff.next();
      spdlog::warn("{}: push failed ({}); retrying in {} ms", options_.label, s.to_string(),
                   delay.count());
    }
    // While backing off, a new order does not cut the wait short: no busy loop
    // against a hub that is down.
    if (!sleep_for(Sleeper::kPush, delay, sent.is_ok())) return;
    if (sent.is_ok() && options_.push_linger.count() > 0 &&
        !sleep_for(Sleeper::kPush, options_.push_linger, false)) {
      return;
    }
  }
}

}  // namespace larder::sync
