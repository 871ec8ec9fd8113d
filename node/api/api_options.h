// ApiOptions: every knob of the local HTTP API (DESIGN.md decision 11).
//
// The daemon maps its config file onto this struct; the defaults are the safe
// ones (loopback only, small limits). validate_api_options() is called by
// ApiServer::start() and refuses combinations that would be unsafe or cannot
// work, with a message naming the option.
//
// Authentication: a request to /api/... or /metrics must carry
// `Authorization: Bearer <bearer_token>` when the token is required, which is
// whenever bind_address is not a loopback address (a non-loopback bind
// without a token is refused at start), or when require_token is set. On a
// loopback bind with a token configured but not required, a request may omit
// it, but a wrong one is still refused. trust_loopback_peers exempts peers
// connecting from 127.0.0.0/8 or ::1 (the kiosk's own browser when the node
// also listens on the LAN for POS terminals). /healthz, /readyz and the kiosk
// UI's static files never need the token.
//
// Host allowlist (DNS rebinding): a request whose Host header, without its
// port, is not in allowed_hosts is refused (421 bad_host) unless it carries
// the valid bearer token: a rebinding page cannot know the token, and POS
// terminals then need not list every LAN address the store's DHCP hands out.
//
// Thread safety: a value; copied into the server at start.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"

namespace larder::node::api {

struct ApiOptions {
  // Listening address and port. Port 0 picks a free port (tests);
  // ApiServer::port() tells which.
  std::string bind_address = "127.0.0.1";
  int port = 8080;

  std::string bearer_token;    // empty: no token
  bool require_token = false;  // forced on for a non-loopback bind
  bool trust_loopback_peers = false;
  std::vector<std::string> allowed_hosts = {"localhost", "127.0.0.1", "[::1]"};

  // Limits. A body larger than max_body_bytes is refused with 413 before it
  // is read; request headers larger than max_header_bytes in total with 431
  // (cpp-httplib itself also refuses any single line over 8 KiB).
  std::size_t max_body_bytes = 64 * 1024;
  std::size_t max_header_bytes = 8 * 1024;
  // A request (line, headers and body) must arrive whole within read_timeout
  // of its first byte, else it is answered 408 and its connection closed: a
  // total, so a client dribbling a byte at a time cannot hold a thread. Each
  // write of an answer must progress within write_timeout.
  std::chrono::milliseconds read_timeout{5000};
  std::chrono::milliseconds write_timeout{5000};
  // A connection serves at most this many requests, and waits at most this
  // long for the next one (whole seconds: cpp-httplib's granularity). An idle
  // keep-alive connection holds a thread for that long, and stop() waits for it.
  std::size_t keep_alive_max_count = 100;
  std::chrono::seconds keep_alive_timeout{5};
  // Threads serving connections: cpp-httplib holds one per open connection,
  // so this caps concurrent connections (more wait, accepted, in a queue).
  // SSE streams are capped lower so ordinary requests always find a thread.
  std::size_t max_connections = 16;
  std::size_t max_sse_clients = 4;
  // Connections one peer address may have served at once; one more is
  // answered 503 unavailable and closed, so one host on the LAN cannot take
  // every thread. Loopback peers (this device: the kiosk's browser) are not
  // capped. 0: half of max_connections.
  std::size_t max_connections_per_peer = 0;
  // Those threads start when connections need them and stop after idling
  // this long (node/api/connection_pool.h): an idle node keeps none.
  std::chrono::milliseconds idle_thread_timeout{10000};

  // Server-Sent Events: a comment line after this much silence keeps proxies
  // and the browser from timing the stream out and detects gone clients.
  std::chrono::milliseconds sse_heartbeat{15000};
  // Events queued per stream before it is declared lagged (then "resync").
  std::size_t sse_queue_capacity = 256;
  // Sent as the SSE "retry:" field: how long the browser waits to reconnect.
  std::chrono::milliseconds sse_retry{3000};

  // Folder of the kiosk UI's static files, served at /. Empty or missing:
  // / answers 404.
  std::string static_dir;

  // Where the API reports what it hides from clients (internal errors with
  // their full Status). May be empty. Called from HTTP threads.
  std::function<void(const std::string&)> log;
  // Where refused requests are reported (throttled_log.h: at most one line per
  // status every 10 s). May be empty. Called from HTTP threads.
  std::function<void(const std::string&)> warn;
};

// True for 127.0.0.0/8, ::1 and "localhost".
bool is_loopback_address(const std::string& address);

// True when requests to /api and /metrics must carry the bearer token.
bool token_required(const ApiOptions& options);

// max_connections_per_peer, or its default when 0.
std::size_t connections_per_peer(const ApiOptions& options);

// OK, or kInvalidArgument naming the first bad option and why.
Status validate_api_options(const ApiOptions& options);

}  // namespace larder::node::api
