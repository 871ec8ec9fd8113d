#include "node/core/event_bus.h"

namespace larder::node {

Subscription::~Subscription() { bus_->remove(this); }

std::optional<Event> Subscription::next(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return closed_ || !queue_.empty(); });
  if (closed_ || queue_.empty()) return std::nullopt;
  Event e = std::move(queue_.front());
  queue_.pop_front();
  return e;
}

bool Subscription::take_lagged() {
  std::lock_guard<std::mutex> lock(mu_);
  bool was = lagged_;
  lagged_ = false;
  return was;
}

void Subscription::close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
  }
  cv_.notify_all();
}

bool Subscription::closed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return closed_;
}

void Subscription::push(const Event& e) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return;
    if (queue_.size() >= capacity_) {
      queue_.pop_front();
      lagged_ = true;
    }
    queue_.push_back(e);
  }
  cv_.notify_one();
}

void EventBus::publish(std::string type, nlohmann::json data) {
  std::lock_guard<std::mutex> lock(mu_);
  Event e{next_id_++, std::move(type), std::move(data)};
  for (Subscription* s : subs_) s->push(e);
}

std::shared_ptr<Subscription> EventBus::subscribe(std::size_t capacity) {
  auto sub = std::make_shared<Subscription>(this, capacity);
  std::lock_guard<std::mutex> lock(mu_);
  subs_.insert(sub.get());
  return sub;
}

void EventBus::close_all() {
  std::lock_guard<std::mutex> lock(mu_);
  for (Subscription* s : subs_) s->close();
}

std::size_t EventBus::subscriber_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return subs_.size();
}

void EventBus::remove(Subscription* s) {
  std::lock_guard<std::mutex> lock(mu_);
  subs_.erase(s);
}

}  // namespace larder::node
