#include "node/api/api_options.h"

#include <arpa/inet.h>

namespace larder::node::api {

bool is_loopback_address(const std::string& address) {
  if (address == "localhost" || address == "::1" || address == "[::1]") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, address.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, address.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    // ::ffff:127.x.y.z, as a dual-stack socket reports an IPv4 loopback peer.
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
  }
  return false;
}

bool token_required(const ApiOptions& options) {
  return options.require_token || !is_loopback_address(options.bind_address);
}

std::size_t connections_per_peer(const ApiOptions& options) {
  return options.max_connections_per_peer != 0 ? options.max_connections_per_peer
                                               : options.max_connections / 2;
}

Status validate_api_options(const ApiOptions& o) {
  auto bad = [](const std::string& what) { return invalid_argument("local API option " + what); };
  if (o.bind_address.empty()) return bad("bind_address: must not be empty");
  if (o.port < 0 || o.port > 65535) {
    return bad("port: " + std::to_string(o.port) + " is not a TCP port (0..65535)");
  }
  if (token_required(o) && o.bearer_token.empty()) {
    return bad(o.require_token
                   ? std::string("bearer_token: require_token is set but no token is configured")
                   : "bearer_token: binding to " + o.bind_address +
                         " (not loopback) needs a bearer token, so the store's LAN cannot"
                         " place orders unauthenticated");
  }
  if (!o.bearer_token.empty() && o.bearer_token.size() < 16) {
    return bad("bearer_token: must be at least 16 characters");
  }
  for (char c : o.bearer_token) {
    if (c < 0x21 || c > 0x7e) return bad("bearer_token: must be visible ASCII characters only");
  }
  if (o.allowed_hosts.empty()) return bad("allowed_hosts: must list at least one host");
  if (o.max_body_bytes == 0 || o.max_body_bytes > 16 * 1024 * 1024) {
    return bad("max_body_bytes: must be from 1 to 16 MiB");
  }
  if (o.max_header_bytes < 1024 || o.max_header_bytes > 64 * 1024) {
    return bad("max_header_bytes: must be from 1 KiB to 64 KiB");
  }
  if (o.read_timeout.count() <= 0 || o.write_timeout.count() <= 0) {
    return bad("read_timeout/write_timeout: must be positive");
  }
  if (o.keep_alive_max_count == 0) return bad("keep_alive_max_count: must be at least 1");
  if (o.keep_alive_timeout.count() <= 0) return bad("keep_alive_timeout: must be at least 1 s");
  if (o.max_connections < 2 || o.max_connections > 1024) {
    return bad("max_connections: must be from 2 to 1024");
  }
  if (o.max_connections_per_peer > o.max_connections) {
    return bad("max_connections_per_peer: must not exceed max_connections (" +
               std::to_string(o.max_connections) + "); 0 picks half of it");
  }
  if (o.idle_thread_timeout.count() < 1) return bad("idle_thread_timeout: must be positive");
  if (o.max_sse_clients >= o.max_connections) {
    return bad("max_sse_clients: must be below max_connections (" +
               std::to_string(o.max_connections) +
               "), or the streams could take every thread and starve ordinary requests");
  }
  if (o.sse_heartbeat.count() <= 0) return bad("sse_heartbeat: must be positive");
  if (o.sse_queue_capacity == 0) return bad("sse_queue_capacity: must be at least 1");
  if (o.sse_retry.count() < 0) return bad("sse_retry: must not be negative");
  return Status::ok();
}

}  // namespace larder::node::api
