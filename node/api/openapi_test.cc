// The OpenAPI document describes exactly the routes the router serves.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <string>
#include <utility>

#include "node/api/route_table.h"

namespace larder::node::api {
namespace {

using nlohmann::json;

json load() {
  std::ifstream in(LARDER_OPENAPI_JSON);
  REQUIRE(in.good());
  return json::parse(in);
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

// Every {"$ref": "#/a/b"} inside `node` resolves in `doc`.
void check_refs(const json& doc, const json& node, const std::string& where) {
  if (node.is_object()) {
    auto ref = node.find("$ref");
    if (ref != node.end()) {
      std::string pointer = ref->get<std::string>();
      CAPTURE(where);
      CAPTURE(pointer);
      REQUIRE(pointer.starts_with("#/"));
      CHECK(doc.contains(json::json_pointer(pointer.substr(1))));
    }
    for (const auto& [k, v] : node.items()) check_refs(doc, v, where + "/" + k);
  } else if (node.is_array()) {
    for (std::size_t i = 0; i < node.size(); ++i) check_refs(doc, node[i], where + "/" + std::to_string(i));
  }
}

TEST_CASE("openapi.json documents exactly the served routes") {
  json doc = load();
  CHECK(doc["openapi"].get<std::string>().starts_with("3."));
  std::set<std::pair<std::string, std::string>> documented;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      if (method == "parameters" || method == "summary" || method == "description") continue;
      documented.emplace(upper(method), path);
      CAPTURE(path);
      CAPTURE(method);
      CHECK(op.contains("operationId"));
      CHECK(op.contains("responses"));
      CHECK_FALSE(op["responses"].empty());
    }
  }
  std::set<std::pair<std::string, std::string>> served;
  for (const RouteSpec& r : route_table()) served.emplace(std::string(r.method), std::string(r.path));
  CHECK(documented == served);
}

TEST_CASE("openapi.json: every $ref resolves, every error code is listed") {
  json doc = load();
  check_refs(doc, doc, "");
  // The error codes the API can answer, as listed in the ErrorCode schema.
  std::set<std::string> listed;
  for (const auto& c : doc["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"]["enum"]) {
    listed.insert(c.get<std::string>());
  }
  for (std::string code :
       {"not_found", "method_not_allowed", "unknown_tenant", "not_ready", "unsupported_media_type",
        "invalid_idempotency_key", "invalid_order", "idempotency_key_reused", "unavailable", "internal",
        "unknown_order", "invalid_tenant", "invalid_order_id", "invalid_query", "unauthorized",
        "bad_host", "payload_too_large", "headers_too_large", "too_many_streams", "shutting_down",
        "invalid_path", "length_required", "bad_request", "uri_too_long"}) {
    CAPTURE(code);
    CHECK(listed.count(code) == 1);
  }
}

}  // namespace
}  // namespace larder::node::api
