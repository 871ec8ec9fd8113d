// Request: what a handler sees of an HTTP request, with no socket in sight.
//
// The server fills one per request (method, decoded path and query, headers,
// body, the peer's address) and moves it into the handler. Handlers are plain
// functions of a Request and a Responder (responder.h), so they are tested
// without a network (STYLE.md: Beast's handle_request).
//
// Thread safety: a value; no shared state.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sync/hub/http/request_target.h"

namespace larder::hub::http {

struct Request {
  std::string method;          // as sent: "GET", "POST", ...
  std::string target;          // raw request target, for logs
  std::string path;            // percent-decoded path
  QueryParams query;           // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;  // as sent, in order
  std::string body;
  std::string remote_address;  // "127.0.0.1:53412"; "[::1]:53412" for IPv6

  // The first value of a query parameter, or nullptr when absent.
  const std::string* query_param(std::string_view name) const;
  // The first value of a header (name compared case-insensitively), or nullptr.
  const std::string* header(std::string_view name) const;
  // How many times a header appears (name compared case-insensitively).
  std::size_t header_count(std::string_view name) const;
  // The token of "Authorization: Bearer <token>", or "" when the header is
  // absent or names another scheme. The scheme is case-insensitive (RFC
  // 7235: "bearer x" is "Bearer x"); spaces around the token are dropped.
  std::string bearer_token() const;
};

}  // namespace larder::hub::http
