// RequestGuard: the checks every request passes before it is routed
// (DESIGN.md decision 11), in this order:
//   1. request headers within max_header_bytes          else 431 headers_too_large
//   2. a single Host header is well-formed: a host,
//      optionally ":" and a port from 1 to 65535          else 400 bad_request
//   3. one Host header, naming an allowed host            else 421 bad_host
//      (skipped when the request carries the valid token: see api_options.h)
//   4. the bearer token on /api and /metrics              else 401 unauthorized
//      (with WWW-Authenticate: Bearer). The scheme is
//      case-insensitive (RFC 9110 section 11.1):
//      "Authorization: bearer TOKEN" is accepted.
//   5. the declared Content-Length, and the body, within
//      max_body_bytes                                     else 413 payload_too_large
// The checks need only the request line and headers, so the HTTP adapter runs
// them before it reads a body.
//
// Thread safety: immutable after construction; check() may be called from
// any thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "node/api/api_message.h"
#include "node/api/api_options.h"

namespace larder::node::api {

class RequestGuard {
 public:
  explicit RequestGuard(const ApiOptions& options);

  // nullopt when the request may proceed; otherwise the refusal to send.
  std::optional<ApiResponse> check(const ApiRequest& request) const;

 private:
  enum class Credential { kAbsent, kValid, kInvalid };
  Credential credential(const ApiRequest& request) const;
  bool host_allowed(const std::optional<std::string>& host) const;  // from host_without_port

  std::vector<std::string> allowed_hosts_;  // lower case
  bool token_required_;
  bool trust_loopback_peers_;
  std::optional<std::array<std::uint8_t, 32>> token_digest_;
  std::size_t max_header_bytes_;
  std::size_t max_body_bytes_;
};

// The host part of a Host header value, lower-cased, without the port:
// "LocalHost:8080" -> "localhost", "[::1]:80" -> "[::1]". nullopt when the
// value is not a plausible host, or its port is not 1 to 65535 in decimal.
std::optional<std::string> host_without_port(const std::string& value);

}  // namespace larder::node::api
