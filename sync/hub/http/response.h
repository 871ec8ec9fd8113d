// Response: what a handler answers, and the one JSON error format.
//
// Errors on the wire are always {"error":{"code":"snake_case","message":"..."}}
// so clients branch on `code` and show `message` to a person.
//
// Thread safety: a value; no shared state.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace larder::hub::http {

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  std::string body;
  // Why a 5xx was answered, for the hub's log (the server logs every 5xx
  // with it); never sent. E.g. "pull for tenant T: <PostgreSQL's error>".
  std::string log_cause;

  // A response with a JSON body the caller already serialized.
  static Response json(int status, std::string body);
  // A JSON error: {"error":{"code":code,"message":message}}. `code` is a
  // snake_case identifier clients may branch on; `message` is for people.
  static Response error(int status, std::string_view code, std::string_view message);
  // A text/plain response (Prometheus exposition, health checks).
  static Response text(int status, std::string body, std::string content_type = "text/plain");
};

// The JSON error body alone (also used where no Response is built, e.g. the
// canned answer to a connection over the cap).
std::string json_error_body(std::string_view code, std::string_view message);

}  // namespace larder::hub::http
