#include "sync/hub/http/responder.h"

#include <utility>

namespace larder::hub::http {

Exchange::Exchange(std::function<void(Response)> deliver) : deliver_(std::move(deliver)) {}

bool Exchange::complete(Response response) {
  std::function<void(Response)> deliver;
  std::function<void()> dropped_cancel;
  {
    std::lock_guard lock(mu_);
    if (state_ != State::kPending) return false;
    state_ = State::kAnswered;
    deliver = std::move(deliver_);
    // Destroyed outside the lock: it may hold the last reference to
    // something whose destructor calls back into this exchange.
    dropped_cancel = std::move(on_cancel_);
  }
  if (deliver) deliver(std::move(response));
  return true;
}

bool Exchange::cancel() {
  std::function<void(Response)> dropped_deliver;
  std::function<void()> on_cancel;
  {
    std::lock_guard lock(mu_);
    if (state_ != State::kPending) return false;
    state_ = State::kCancelled;
    dropped_deliver = std::move(deliver_);
    on_cancel = std::move(on_cancel_);
  }
  if (on_cancel) on_cancel();
  return true;
}

void Exchange::set_cancel_callback(std::function<void()> on_cancel) {
  std::function<void()> previous;
  {
    std::lock_guard lock(mu_);
    if (state_ == State::kPending) {
      previous = std::exchange(on_cancel_, std::move(on_cancel));
      return;
    }
    if (state_ == State::kAnswered) return;
  }
  // Already cancelled: the caller still needs its cleanup to run.
  if (on_cancel) on_cancel();
}

bool Exchange::pending() const {
  std::lock_guard lock(mu_);
  return state_ == State::kPending;
}

bool Exchange::cancelled() const {
  std::lock_guard lock(mu_);
  return state_ == State::kCancelled;
}

Responder::Core::~Core() {
  if (exchange) {
    Response r = Response::error(500, "handler_dropped_request",
                                 "the request handler finished without answering");
    r.log_cause = "the request handler dropped its Responder without answering (a bug)";
    exchange->complete(std::move(r));
  }
}

Responder::Responder(std::shared_ptr<Exchange> exchange) : core_(std::make_shared<Core>()) {
  // Assigned, not aggregate-initialized: a temporary Core would answer 500
  // from its destructor.
  core_->exchange = std::move(exchange);
}

bool Responder::send(Response response) const {
  return core_->exchange->complete(std::move(response));
}

void Responder::on_cancel(std::function<void()> on_cancel) const {
  core_->exchange->set_cancel_callback(std::move(on_cancel));
}

bool Responder::cancelled() const { return core_->exchange->cancelled(); }

}  // namespace larder::hub::http
