// Internal to the HTTP server: the state shared by the acceptor and every
// connection, and the entry point that starts a connection. Not for other
// folders (include http_server.h instead).
//
// Thread safety: ServerState's atomics and its mutex-guarded session table
// may be touched from any io thread; the rest is set before start() and then
// only read.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_map>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "sync/hub/http/metrics.h"
#include "sync/hub/http/router.h"
#include "sync/hub/http/server_options.h"

namespace larder::hub::http {

// What the server may ask of a live connection, from any thread; each call
// posts to the connection's strand.
class SessionControl {
 public:
  virtual ~SessionControl() = default;
  // Graceful stop: close now if idle between requests, else after the
  // response in flight (sent with Connection: close).
  virtual void begin_drain() = 0;
  // Hard stop: close now; a pending exchange is cancelled.
  virtual void force_close() = 0;
};

struct ServerState {
  ServerState(ServerOptions opts, const Router& r, MetricsRegistry& metrics);

  const ServerOptions options;
  const Router& router;
  boost::asio::ssl::context* tls = nullptr;  // null: plain HTTP

  Counter& requests;   // {method, route, status}
  Histogram& latency;  // {method, route, status}, seconds
  Counter& closed_early;  // {reason}: timeouts, limits, bad requests
  Counter& rejected;   // connections refused at the cap

  std::atomic<bool> draining{false};
  std::atomic<std::size_t> open_connections{0};

  std::mutex sessions_mu;
  // Live sessions, for stop(); guarded by sessions_mu. Keyed by address.
  std::unordered_map<const void*, std::weak_ptr<SessionControl>> sessions;
};

// Takes ownership of an accepted socket and serves it until it closes. The
// socket's executor must be a strand (the connection's).
void start_session(ServerState& state, boost::asio::ip::tcp::socket socket);

}  // namespace larder::hub::http
