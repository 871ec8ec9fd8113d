#include "sync/hub/http/response.h"

#include <nlohmann/json.hpp>

namespace larder::hub::http {

std::string json_error_body(std::string_view code, std::string_view message) {
  nlohmann::json j;
  j["error"]["code"] = code;
  j["error"]["message"] = message;
  // `replace` keeps a message with invalid UTF-8 (say, echoing a bad header)
  // from throwing: the bytes become U+FFFD instead.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Response Response::json(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response Response::error(int status, std::string_view code, std::string_view message) {
  return json(status, json_error_body(code, message));
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

}  // namespace larder::hub::http
