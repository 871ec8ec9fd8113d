// HttpServer: the asynchronous HTTP/1.1 (optionally HTTPS) server of
// larder-hub, on Boost.Asio and Boost.Beast.
//
// It accepts connections on one address, serves each on its own strand with
// keep-alive, and hands every request to a Router (router.h). It knows nothing
// of the sync protocol. What it guarantees:
//   - Limits: headers over max_header_bytes get 431, bodies over
//     max_body_bytes get 413, malformed requests 400 - all as JSON errors,
//     then the connection closes. A connection past max_connections is
//     answered 503 (plain HTTP) or closed (TLS) without a session.
//   - Timeouts on every operation: TLS handshake, header read, body read,
//     idle keep-alive, write. A timed-out connection is closed and counted in
//     larder_hub_http_connections_closed_early_total{reason="<phase>_timeout"}.
//   - A handler that has not answered yet keeps its connection; if the client
//     hangs up meanwhile, the exchange is cancelled (Responder::on_cancel).
//   - TCP_NODELAY on every connection.
//   - Metrics in the given registry: requests and latency by method, route,
//     status; open connections; connections closed early or rejected.
//
// Lifecycle: construct -> start() -> ... -> stop(deadline) -> destroy. Objects
// that use io_context() (ChangeWaiters) must be destroyed before the server,
// and should be told to answer (ChangeWaiters::wake_all) before stop() so
// held long-polls end at once.
//
// Thread safety: start(), stop() and the destructor must be called from one
// thread that is not an io thread. port(), io_context(), open_connections()
// and draining() are safe from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include <boost/asio/io_context.hpp>

#include "base/status.h"
#include "sync/hub/http/metrics.h"
#include "sync/hub/http/router.h"
#include "sync/hub/http/server_options.h"

namespace larder::hub::http {

class HttpServer {
 public:
  // `router` and `metrics` must outlive the server; the router must not be
  // changed after start().
  HttpServer(ServerOptions options, const Router& router, MetricsRegistry& metrics);
  // Calls stop() with no drain time if still running.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Loads TLS files (when set), binds and listens, and starts the io threads.
  // Fails with kInvalidArgument for a bad address or unreadable TLS files,
  // kUnavailable when the port cannot be bound (in use, no permission),
  // kFailedPrecondition when already started.
  Status start();

  // Graceful stop: stops accepting, closes idle connections, lets requests
  // in flight finish (their answers carry Connection: close) until
  // `drain_deadline`, then closes whatever is left and joins the io threads.
  // Returns the number of connections that had to be cut at the deadline.
  std::size_t stop(std::chrono::milliseconds drain_deadline);

  // The bound port (useful with port 0); 0 before start().
  std::uint16_t port() const;
  // The loop that serves connections; timers of ChangeWaiters live on it.
  boost::asio::io_context& io_context();
  std::size_t open_connections() const;
  // True once stop() has begun (health checks report "draining").
  bool draining() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace larder::hub::http
