// LimitedServer: cpp-httplib's Server with the limits a thread-per-connection
// server needs against slow and greedy clients (DESIGN.md decision 11).
// Internal to node/api (it includes httplib.h); ApiServer is its only user.
//
// cpp-httplib 0.11.4 applies its read timeout to each recv(), so a client
// sending one header byte per interval held a connection thread forever, and
// enough of them took every thread. LimitedServer serves each connection
// itself (it overrides Server::process_and_close_socket, as SSLServer does,
// and calls the library's own process_request for each request):
//
//   - Request deadline. A request's line, headers and body must all arrive
//     within the read timeout (Server::set_read_timeout) of its first byte: a
//     total, not a per-read bound. When it runs out, the connection is
//     closed, after a 408 answer if the request line had arrived
//     (request_timed_out() tells the error handler). Writing the answer is not under the deadline:
//     each write must progress within the write timeout, and an SSE stream runs for as long as it
//     lasts.
//   - Keep-alive. Between requests a connection waits at most the keep-alive
//     timeout for the next one, and ends within 100 ms of Server::stop().
//     Bytes read ahead of a request (pipelining) are kept for the next one.
//   - Per-peer cap. A peer address other than loopback may have at most
//     max_per_peer connections being served at once (PeerConnections below);
//     one more is answered 503 unavailable (Retry-After: 1) without being
//     read, counted in the metrics as route "other", and closed, so one host
//     on the store's LAN cannot take every thread from the POS terminals and
//     the kiosk. Loopback peers (the kiosk's own browser, local tools) are not
//     capped: they are this device.
//   - Gone clients. Stream::is_writable(), which cpp-httplib's DataSink
//     exposes to content providers, is false once the peer has closed or
//     reset the connection (POLLRDHUP), so an SSE stream can notice between
//     events that its screen went away instead of at the next failed write.
//     (A client that half-closes its side after the request is treated as
//     gone; browsers never do.)
//
// Thread safety: as httplib::Server (configure, then listen on one thread,
// stop from any). request_timed_out() reads a thread-local flag of the
// calling connection thread. PeerConnections' methods may be called from any
// thread.
#pragma once

#include <httplib.h>

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

#include "node/api/api_metrics.h"

namespace larder::node::api {

// Connections being served, per peer address.
class PeerConnections {
 public:
  // `max_per_peer` 0: no cap.
  explicit PeerConnections(std::size_t max_per_peer) : max_per_peer_(max_per_peer) {}

  // True, and counted, when `peer` may have one more connection: it is a
  // loopback address, or has fewer than max_per_peer. Each true is matched by
  // one release(peer).
  bool acquire(const std::string& peer);
  void release(const std::string& peer);

 private:
  const std::size_t max_per_peer_;
  std::mutex mu_;
  std::unordered_map<std::string, std::size_t> open_;  // guarded by mu_; no zero entries
};

class LimitedServer : public httplib::Server {
 public:
  // `metrics` must outlive the server.
  LimitedServer(std::size_t max_per_peer, ApiMetrics& metrics);

  // True on a connection thread, from the moment its current request ran out
  // of its deadline until the next request starts.
  static bool request_timed_out();
  // Called on a connection thread while answering: the connection closes once
  // the answer is written. For requests whose framing cannot be trusted (a
  // malformed request line, headers or body): what follows them on the
  // connection is not a request.
  static void close_after_answer();

 private:
  bool process_and_close_socket(socket_t sock) override;

  PeerConnections peers_;
  ApiMetrics& metrics_;
  const std::string busy_answer_;  // the whole 503 to a peer over its cap
};

}  // namespace larder::node::api
