// ApiRequest / ApiResponse: the local API's HTTP messages as plain values.
//
// The request handlers (api_handler.h) are functions from an ApiRequest to an
// ApiResponse and know nothing of sockets (STYLE.md: Beast's handle_request),
// so every route and every refusal is tested without a network. The
// cpp-httplib adapter (api_server.h) only copies fields in and out.
//
// Thread safety: values; no shared state. An EventStream held by a response
// belongs to whoever holds the response (see event_stream.h).
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace larder::node::api {

class EventStream;

// Header names compare case-insensitively (RFC 9110 section 5.1).
struct CaseInsensitiveLess {
  bool operator()(std::string_view a, std::string_view b) const;
  using is_transparent = void;
};
using HeaderMap = std::multimap<std::string, std::string, CaseInsensitiveLess>;

struct ApiRequest {
  std::string method;                                      // "GET", "POST", ...
  std::string path;                                        // percent-decoded, without the query
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  HeaderMap headers;
  std::string body;
  std::string remote_addr;  // the peer's IP address, "127.0.0.1"

  // The first value of a header, if present.
  std::optional<std::string> header(std::string_view name) const;
  std::size_t header_count(std::string_view name) const;
};

struct ApiResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type
  std::string body;
  std::string content_type;  // empty when there is no body
  std::string error_code;    // set by error_response(): the body's error.code
  // Set only by GET /api/v1/events: the body is this stream of SSE chunks,
  // written by the adapter until it ends (content_type is text/event-stream).
  std::shared_ptr<EventStream> stream;

  std::optional<std::string> header(std::string_view name) const;
  ApiResponse& set_header(std::string name, std::string value);
};

// 200-style JSON answer. Invalid UTF-8 in strings is replaced, never thrown.
ApiResponse json_response(int status, const nlohmann::json& body);
// The same with a body already written as JSON text (base/json_text.h).
ApiResponse json_text_response(int status, std::string body);

// {"error":{"code":code,"message":message}}: every refusal of the API. `code`
// is snake_case and stable (clients branch on it); `message` is for people.
ApiResponse error_response(int status, std::string_view code, std::string_view message);

// nlohmann's dump() throws on invalid UTF-8; the API never lets it.
std::string dump_json(const nlohmann::json& value);

}  // namespace larder::node::api
