// POST /api/v1/tenants/{tenant}/orders and GET .../orders/{order}.
#include <algorithm>
#include <cctype>

#include "base/percent_encoding.h"
#include "node/api/route_handlers.h"
#include "node/pricing/field_error.h"

namespace larder::node::api {
namespace {

using nlohmann::json;

std::string lowercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

// application/json, optionally with charset=utf-8 (any case, quoted or not).
// Any other parameter or charset is refused: the order parser reads UTF-8.
bool json_content_type(const std::optional<std::string>& value) {
  if (!value) return false;
  std::string v = lowercase(*value);
  std::size_t semi = v.find(';');
  if (trim(std::string_view(v).substr(0, semi)) != "application/json") return false;
  while (semi != std::string::npos) {
    std::size_t next = v.find(';', semi + 1);
    std::string param = trim(std::string_view(v).substr(
        semi + 1, next == std::string::npos ? std::string::npos : next - semi - 1));
    if (!param.empty() && param != "charset=utf-8" && param != "charset=\"utf-8\"") return false;
    semi = next;
  }
  return true;
}

ApiResponse invalid_tenant() {
  return error_response(400, "invalid_tenant",
                        "the tenant id must be 1 to 64 visible ASCII characters");
}

}  // namespace

std::string order_location(const std::string& tenant, const std::string& order_id) {
  return "/api/v1/tenants/" + percent_encode(tenant) + "/orders/" + percent_encode(order_id);
}

ApiResponse handle_place_order(NodeService& node, const ApiRequest& request,
                               const std::string& tenant, const Logger& log) {
  if (!valid_identifier(tenant)) return invalid_tenant();
  if (request.header_count("Content-Type") > 1 || !json_content_type(request.header("Content-Type"))) {
    return error_response(415, "unsupported_media_type",
                          "an order must be sent as Content-Type: application/json");
  }
  std::optional<std::string> key = request.header("Idempotency-Key");
  if (request.header_count("Idempotency-Key") > 1 || (key && !valid_identifier(*key))) {
    return error_response(400, "invalid_idempotency_key",
                          "Idempotency-Key must be one header of 1 to 64 visible ASCII characters");
  }

  PlaceOrderOutcome out = node.place_order(tenant, request.body, key);
  if (out.placed) {
    const storage::OrderRecord& order = out.placed->order;
    ApiResponse r = json_text_response(201, order_json_text(order));
    r.set_header("Location", order_location(tenant, order.id));
    if (out.placed->replayed) r.set_header("Idempotent-Replayed", "true");
    return r;
  }
  if (!out.invalid.empty()) {
    json details = json::array();
    for (const pricing::FieldError& e : out.invalid) {
      details.push_back({{"path", e.path}, {"message", e.message}});
    }
    std::size_t n = out.invalid.size();
    std::string message = "the order was refused: " + std::to_string(n) +
                          (n == 1 ? " problem" : " problems") + ", listed in details";
    return json_response(422, {{"error", {{"code", "invalid_order"},
                                          {"message", message},
                                          {"details", details}}}});
  }
  if (out.closed) {
    const std::optional<std::string>& opens = out.closed->opens_at;
    std::string message = "this location is closed now; orders are taken during its opening hours";
    if (opens) message += " (it opens next at " + *opens + ")";
    return json_response(422, {{"error",
                                {{"code", "location_closed"},
                                 {"message", message},
                                 {"opens_at", opens ? json(*opens) : json(nullptr)}}}});
  }
  if (!out.error.is_ok()) return error_for_status(out.error, tenant, log);
  return error_for_status(internal_error("NodeService::place_order returned no outcome"), tenant, log);
}

ApiResponse handle_get_order(NodeService& node, const std::string& tenant,
                             const std::string& order_id, const Logger& log) {
  if (!valid_identifier(tenant)) return invalid_tenant();
  if (!valid_identifier(order_id)) {
    return error_response(400, "invalid_order_id",
                          "the order id must be 1 to 64 visible ASCII characters");
  }
  auto found = node.order(tenant, order_id);
  if (!found.is_ok()) return error_for_status(found.status(), tenant, log);
  if (!*found) {
    return error_response(404, "unknown_order",
                          "no order " + pricing::quoted(order_id) + " for tenant " +
                              pricing::quoted(tenant) + " on this node");
  }
  return json_text_response(200, order_json_text(**found));
}

}  // namespace larder::node::api
