// ApiServer: the local HTTP API on a socket (cpp-httplib), serving ApiHandler.
//
//   auto server = ApiServer::start(node, options);   // binds, listens
//   if (!server.is_ok()) ...;                         // kInvalidArgument: bad options;
//                                                     // kUnavailable: cannot bind/listen
//   (*server)->port();                                // the bound port (options.port or ephemeral)
//   (*server)->stop();                                // or let the destructor do it
//
// start() validates the options, binds bind_address:port and returns once the
// server accepts connections; on failure nothing is left running. The server
// then runs on its own threads: one accepting, and up to max_connections
// serving connections (one thread per open connection, started when needed
// and stopped after idle_thread_timeout; more connections wait in the accept
// queue, so SSE streams are capped below that at max_sse_clients). TCP_NODELAY is on (small JSON
// answers, no 40 ms Nagle/delayed-ACK stalls). Requests are refused by RequestGuard before their
// body is read; bodies over max_body_bytes get 413 without being buffered.
//
// Slow and greedy clients (connection_limits.h): a request must arrive whole
// within read_timeout of its first byte, else the connection closes (after a
// 408 once the request line has arrived);
// a peer other than loopback may hold at most max_connections_per_peer
// connections (one more gets 503 and is closed); an SSE stream whose screen
// closed the connection frees its slot within about 250 ms.
//
// stop() ends every SSE stream, stops accepting, and joins every thread. It
// returns once connections in the middle of a request finish (bounded by
// read_timeout/write_timeout); idle keep-alive connections close within
// 100 ms. Idempotent; the destructor calls it.
//
// Known limits of cpp-httplib 0.11.4 (Debian 12): a single header line over
// 8 KiB is refused with 400 and a URI over 8 KiB with 414 before our guard
// runs; there is no cap on the number of header lines other than
// max_header_bytes, which is checked once they are read (within read_timeout).
//
// Thread safety: port() and stop() may be called from any thread. The
// NodeService must outlive the server.
#pragma once

#include <memory>

#include "base/status.h"
#include "node/api/api_handler.h"
#include "node/api/api_options.h"
#include "node/core/node_service.h"

namespace larder::node::api {

class ApiServer {
 public:
  static Result<std::unique_ptr<ApiServer>> start(NodeService& node, const ApiOptions& options);

  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  int port() const;
  void stop();

  // The handler behind the socket (its metrics, for tests and the daemon's logs).
  ApiHandler& handler();

 private:
  struct Impl;
  explicit ApiServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace larder::node::api
