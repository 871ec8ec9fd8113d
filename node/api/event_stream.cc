#include "node/api/event_stream.h"

#include <algorithm>

#include "node/api/api_message.h"
#include "node/api/api_metrics.h"

namespace larder::node::api {

struct EventStream::Shared {
  std::size_t max_streams;
  std::shared_ptr<ApiMetrics> metrics;  // streams may outlive the registry's owner
  std::mutex mu;
  // Guarded by mu.
  std::size_t open = 0;
  bool closed = false;
  std::list<std::weak_ptr<Subscription>> subs;
};

namespace {

std::string resync_chunk(std::string_view reason) {
  return "event: resync\ndata: " + dump_json({{"reason", reason}}) + "\n\n";
}

// An SSE field value must not contain a line break: it would end the field.
std::string one_line(std::string text) {
  std::replace_if(text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return text;
}

std::string event_chunk(const Event& e) {
  return "id: " + std::to_string(e.id) + "\nevent: " + one_line(e.type) +
         "\ndata: " + dump_json(e.data) + "\n\n";
}

bool for_tenant(const Event& e, const std::optional<std::string>& tenant) {
  if (!tenant) return true;
  if (!e.data.is_object()) return true;
  auto it = e.data.find("tenant");
  if (it == e.data.end() || !it->is_string()) return true;  // not tenant-specific
  return it->get_ref<const std::string&>() == *tenant;
}

}  // namespace

EventStream::EventStream(std::shared_ptr<Shared> registry, std::shared_ptr<Subscription> sub,
                         std::optional<std::string> tenant, std::chrono::milliseconds heartbeat,
                         std::chrono::milliseconds retry, Start start)
    : registry_(std::move(registry)),
      sub_(std::move(sub)),
      tenant_(std::move(tenant)),
      heartbeat_(heartbeat) {
  preamble_ = "retry: " + std::to_string(retry.count()) + "\n\n";
  if (start == Start::kResync) preamble_ += resync_chunk("reconnected");
}

EventStream::~EventStream() {
  sub_->close();
  std::lock_guard<std::mutex> lock(registry_->mu);
  --registry_->open;
  registry_->subs.remove_if([&](const std::weak_ptr<Subscription>& w) {
    auto s = w.lock();
    return !s || s == sub_;
  });
  if (registry_->metrics) registry_->metrics->sse_closed();
}

std::optional<std::string> EventStream::next_chunk(const std::function<bool()>& client_gone) {
  using Clock = std::chrono::steady_clock;
  using std::chrono::milliseconds;
  if (!started_) {
    started_ = true;
    return preamble_;
  }
  if (sub_->closed()) return std::nullopt;
  // Subscription::next() waits on the real clock, so the deadline does too.
  const Clock::time_point deadline = Clock::now() + heartbeat_;
  for (;;) {
    auto left = std::max(std::chrono::ceil<milliseconds>(deadline - Clock::now()), milliseconds(0));
    std::optional<Event> e = sub_->next(client_gone ? std::min(left, kLivenessCheck) : left);
    if (!e) {
      if (sub_->closed()) return std::nullopt;
      if (sub_->take_lagged()) return resync_chunk("lagged");
      if (client_gone && Clock::now() < deadline) {
        if (client_gone()) return std::nullopt;
        continue;
      }
      return std::string(": keep-alive\n\n");
    }
    // Events before this one were dropped: the screen must refetch first.
    std::string prefix = sub_->take_lagged() ? resync_chunk("lagged") : std::string();
    if (for_tenant(*e, tenant_)) return prefix + event_chunk(*e);
    if (!prefix.empty()) return prefix;
  }
}

StreamRegistry::StreamRegistry(std::size_t max_streams, std::size_t queue_capacity,
                               std::chrono::milliseconds heartbeat,
                               std::chrono::milliseconds retry,
                               std::shared_ptr<ApiMetrics> metrics)
    : shared_(std::make_shared<EventStream::Shared>()),
      queue_capacity_(queue_capacity),
      heartbeat_(heartbeat),
      retry_(retry) {
  shared_->max_streams = max_streams;
  shared_->metrics = std::move(metrics);
}

StreamRegistry::~StreamRegistry() { close_all(); }

Result<std::shared_ptr<EventStream>> StreamRegistry::open(EventBus& bus,
                                                          std::optional<std::string> tenant,
                                                          EventStream::Start start) {
  std::shared_ptr<Subscription> sub;
  {
    std::lock_guard<std::mutex> lock(shared_->mu);
    if (shared_->closed) return unavailable("the node is shutting down");
    if (shared_->open >= shared_->max_streams) {
      if (shared_->metrics) shared_->metrics->sse_refused();
      return resource_exhausted(std::to_string(shared_->max_streams) +
                                " event streams are already open on this node");
    }
    ++shared_->open;
    sub = bus.subscribe(queue_capacity_);
    shared_->subs.push_back(sub);
    if (shared_->metrics) shared_->metrics->sse_opened();
  }
  return std::shared_ptr<EventStream>(
      new EventStream(shared_, std::move(sub), std::move(tenant), heartbeat_, retry_, start));
}

void StreamRegistry::close_all() {
  std::lock_guard<std::mutex> lock(shared_->mu);
  shared_->closed = true;
  for (auto& w : shared_->subs) {
    if (auto s = w.lock()) s->close();
  }
}

std::size_t StreamRegistry::open_count() const {
  std::lock_guard<std::mutex> lock(shared_->mu);
  return shared_->open;
}

}  // namespace larder::node::api
