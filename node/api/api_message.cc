#include "node/api/api_message.h"

#include <algorithm>
#include <cctype>

namespace larder::node::api {
namespace {

unsigned char lower(char c) {
  return static_cast<unsigned char>(std::tolower(static_cast<unsigned char>(c)));
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

}  // namespace

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](char x, char y) { return lower(x) < lower(y); });
}

std::optional<std::string> ApiRequest::header(std::string_view name) const {
  auto it = headers.find(name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

std::size_t ApiRequest::header_count(std::string_view name) const { return headers.count(name); }

std::optional<std::string> ApiResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return std::nullopt;
}

ApiResponse& ApiResponse::set_header(std::string name, std::string value) {
  for (auto& [k, v] : headers) {
    if (iequals(k, name)) {
      v = std::move(value);
      return *this;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

std::string dump_json(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

ApiResponse json_response(int status, const nlohmann::json& body) {
  return json_text_response(status, dump_json(body));
}

ApiResponse json_text_response(int status, std::string body) {
  ApiResponse r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = "application/json";
  // API answers describe live state; nothing between the node and the screen
  // may keep them (the menu opts back in with its ETag).
  r.set_header("Cache-Control", "no-store");
  return r;
}

ApiResponse error_response(int status, std::string_view code, std::string_view message) {
  ApiResponse r = json_response(status, {{"error", {{"code", code}, {"message", message}}}});
  r.error_code = code;
  return r;
}

}  // namespace larder::node::api
