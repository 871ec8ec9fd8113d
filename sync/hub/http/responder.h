// Responder: how a handler answers, now or later, from any thread.
//
// Each request opens an Exchange: the server's end of one request/response
// pair. The handler receives a Responder (a cheap, copyable handle to it) and
// calls send() exactly once - at once for a plain handler, or later from a
// worker thread or a long-poll wake-up. The server ends the exchange early
// with cancel() when the client disconnects, the connection times out or the
// server stops hard; handlers that hold resources (a long-poll waiter, a
// queued job) register on_cancel() to release them.
//
// Rules:
//   - The first of send() / cancel() wins; everything after is a no-op, so a
//     timeout racing a notify, or a worker answering a client that left, is
//     harmless.
//   - When the last copy of a Responder is destroyed without send(), the
//     exchange is answered with 500 "handler_dropped_request", so a handler
//     bug never leaves a client hanging or a connection leaked.
//
// Thread safety: every member of Responder and Exchange may be called from
// any thread. Callbacks (deliver, on_cancel) run without internal locks held.
#pragma once

#include <functional>
#include <memory>
#include <mutex>

#include "sync/hub/http/response.h"

namespace larder::hub::http {

class Exchange {
 public:
  // `deliver` receives the answer, at most once, on the thread that sent it;
  // the server's deliver posts it to the connection's strand.
  explicit Exchange(std::function<void(Response)> deliver);
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  // Answers the exchange. True when this call delivered it; false when it was
  // already answered or cancelled (the response is then dropped).
  bool complete(Response response);
  // Ends the exchange without an answer and runs the cancel callback. True
  // when it was still pending.
  bool cancel();
  // Runs `on_cancel` once if the exchange is (or becomes) cancelled: at once
  // on the calling thread when already cancelled, never when answered.
  // Replaces any earlier callback.
  void set_cancel_callback(std::function<void()> on_cancel);

  bool pending() const;
  bool cancelled() const;

 private:
  enum class State { kPending, kAnswered, kCancelled };
  mutable std::mutex mu_;
  // State below is protected by mu_.
  State state_ = State::kPending;
  std::function<void(Response)> deliver_;
  std::function<void()> on_cancel_;
};

class Responder {
 public:
  explicit Responder(std::shared_ptr<Exchange> exchange);

  // Sends the answer; see Exchange::complete.
  bool send(Response response) const;
  // See Exchange::set_cancel_callback.
  void on_cancel(std::function<void()> on_cancel) const;
  // True once the client is gone (work for it may be skipped).
  bool cancelled() const;

 private:
  // Shared by all copies; its destructor answers 500 when nobody sent.
  struct Core {
    std::shared_ptr<Exchange> exchange;
    ~Core();
  };
  std::shared_ptr<Core> core_;
};

}  // namespace larder::hub::http
