// GET /healthz, /readyz, /api/v1/status and /api/v1/tenants: the node's state.
#include "node/api/route_handlers.h"

namespace larder::node::api {

using nlohmann::json;

ApiResponse handle_healthz() { return json_response(200, {{"status", "ok"}}); }

ApiResponse handle_readyz(NodeService& node) {
  bool ready = node.ready();
  return json_response(ready ? 200 : 503, {{"ready", ready}});
}

ApiResponse handle_status(NodeService& node) { return json_response(200, node.status()); }

ApiResponse handle_tenants(NodeService& node) {
  json list = json::array();
  for (const TenantSummary& t : node.tenants()) {
    list.push_back({{"id", t.id},
                    {"name", t.name},
                    {"brand_color", t.brand_color ? json(*t.brand_color) : json(nullptr)},
                    {"logo_url", t.logo_url ? json(*t.logo_url) : json(nullptr)},
                    {"currency", t.currency},
                    {"ready", t.ready},
                    {"online", t.online}});
  }
  return json_response(200, {{"tenants", list}});
}

}  // namespace larder::node::api
