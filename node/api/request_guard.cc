#include "node/api/request_guard.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "node/api/route_table.h"

namespace larder::node::api {
namespace {

std::string lowercase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Hashing first makes the comparison constant-time in the length too.
std::array<std::uint8_t, 32> digest(const std::string& data) {
  std::array<std::uint8_t, 32> md{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md.data(), &len, EVP_sha256(), nullptr);
  return md;
}

// A TCP port a client can connect to: 1 to 65535, in decimal.
bool valid_port(std::string_view s) {
  unsigned int port = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), port);
  return !s.empty() && ec == std::errc() && end == s.data() + s.size() && port >= 1 &&
         port <= 65535;
}

ApiResponse unauthorized(bool presented) {
  ApiResponse r = error_response(
      401, "unauthorized",
      presented ? "the bearer token is not valid for this node"
                : "this endpoint needs an Authorization: Bearer <token> header");
  r.set_header("WWW-Authenticate",
               presented ? R"(Bearer realm="larder", error="invalid_token")" : R"(Bearer realm="larder")");
  return r;
}

ApiResponse too_large(std::size_t limit) {
  return error_response(413, "payload_too_large",
                        "the request body is larger than " + std::to_string(limit) + " bytes");
}

}  // namespace

std::optional<std::string> host_without_port(const std::string& value) {
  std::string_view v = value;
  std::string_view host;
  std::string_view port;
  if (v.starts_with('[')) {
    auto close = v.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = v.substr(0, close + 1);
    std::string_view rest = v.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
      if (!valid_port(port)) return std::nullopt;
    }
  } else {
    auto colon = v.find(':');
    host = v.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = v.substr(colon + 1);
      if (!valid_port(port)) return std::nullopt;
    }
  }
  if (host.empty()) return std::nullopt;
  for (char c : host) {
    if (c <= 0x20 || c >= 0x7f) return std::nullopt;
  }
  return lowercase(std::string(host));
}

RequestGuard::RequestGuard(const ApiOptions& options)
    : token_required_(token_required(options)),
      trust_loopback_peers_(options.trust_loopback_peers),
      max_header_bytes_(options.max_header_bytes),
      max_body_bytes_(options.max_body_bytes) {
  for (const std::string& h : options.allowed_hosts) allowed_hosts_.push_back(lowercase(h));
  if (!options.bearer_token.empty()) token_digest_ = digest(options.bearer_token);
}

RequestGuard::Credential RequestGuard::credential(const ApiRequest& request) const {
  auto auth = request.header("Authorization");
  if (!auth) return Credential::kAbsent;
  if (request.header_count("Authorization") != 1 || !token_digest_) return Credential::kInvalid;
  std::string_view v = *auth;
  constexpr std::string_view kScheme = "bearer ";
  if (v.size() <= kScheme.size() || lowercase(std::string(v.substr(0, kScheme.size()))) != kScheme) {
    return Credential::kInvalid;
  }
  v.remove_prefix(kScheme.size());
  while (v.starts_with(' ')) v.remove_prefix(1);
  auto presented = digest(std::string(v));
  return CRYPTO_memcmp(presented.data(), token_digest_->data(), presented.size()) == 0
             ? Credential::kValid
             : Credential::kInvalid;
}

bool RequestGuard::host_allowed(const std::optional<std::string>& host) const {
  return host && std::find(allowed_hosts_.begin(), allowed_hosts_.end(), *host) != allowed_hosts_.end();
}

std::optional<ApiResponse> RequestGuard::check(const ApiRequest& request) const {
  std::size_t header_bytes = 0;
  for (const auto& [name, value] : request.headers) header_bytes += name.size() + value.size() + 4;
  if (header_bytes > max_header_bytes_) {
    return error_response(431, "headers_too_large",
                          "the request headers are larger than " +
                              std::to_string(max_header_bytes_) + " bytes");
  }

  // RFC 9112 section 3.2: a Host header that is not a host with an optional
  // port is a bad request, whoever sends it. (None, or several, name no host:
  // refused below unless the token is valid.)
  std::optional<std::string> host;
  if (request.header_count("Host") == 1) {
    host = host_without_port(*request.header("Host"));
    if (!host) {
      return error_response(400, "bad_request",
                            "the Host header must be a host name or address, optionally"
                            " followed by \":\" and a port from 1 to 65535");
    }
  }
  Credential cred = credential(request);
  if (cred != Credential::kValid && !host_allowed(host)) {
    return error_response(421, "bad_host",
                          "the Host header does not name this node; use http://localhost/");
  }
  if (path_needs_token(request.path)) {
    if (cred == Credential::kInvalid) return unauthorized(true);
    bool exempt = trust_loopback_peers_ && is_loopback_address(request.remote_addr);
    if (cred == Credential::kAbsent && token_required_ && !exempt) return unauthorized(false);
  }

  if (auto length = request.header("Content-Length")) {
    std::uint64_t n = 0;
    auto [end, ec] = std::from_chars(length->data(), length->data() + length->size(), n);
    if (ec != std::errc() || end != length->data() + length->size() ||
        request.header_count("Content-Length") != 1) {
      return error_response(400, "bad_request", "the Content-Length header is not a number");
    }
    if (n > max_body_bytes_) return too_large(max_body_bytes_);
  }
  if (request.body.size() > max_body_bytes_) return too_large(max_body_bytes_);
  return std::nullopt;
}

}  // namespace larder::node::api
