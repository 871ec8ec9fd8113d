// The local API's route handlers: plain functions from what a route needs to
// an ApiResponse (ApiHandler in api_handler.h does the guarding, routing and
// metrics around them). Each is total: any input gives an answer, and a
// NodeService failure becomes a JSON error without its internal message.
//
// Thread safety: as NodeService (may run concurrently).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "node/api/api_message.h"
#include "node/core/node_service.h"

namespace larder::node::api {

using Logger = std::function<void(const std::string&)>;

// 1..64 visible ASCII characters (0x21..0x7E), like every id the node issues.
bool valid_identifier(std::string_view id);

// A NodeService failure as an answer:
//   kNotFound            404 unknown_tenant
//   kFailedPrecondition  503 not_ready       (Retry-After)
//   kUnavailable,
//   kResourceExhausted   503 unavailable     (Retry-After)
//   kConflict            409 idempotency_key_reused
//   anything else        500 internal        (the Status goes to `log` only)
ApiResponse error_for_status(const Status& status, const std::string& tenant, const Logger& log);

// GET /healthz, /readyz, /api/v1/status, /api/v1/tenants.
ApiResponse handle_healthz();
ApiResponse handle_readyz(NodeService& node);
ApiResponse handle_status(NodeService& node);
ApiResponse handle_tenants(NodeService& node);

// GET /api/v1/tenants/{tenant}/menu, with the request's If-None-Match.
ApiResponse handle_menu(NodeService& node, const std::string& tenant,
                        const std::optional<std::string>& if_none_match, const Logger& log);

// POST /api/v1/tenants/{tenant}/orders. Checks Content-Type and
// Idempotency-Key before NodeService::place_order sees the body.
ApiResponse handle_place_order(NodeService& node, const ApiRequest& request,
                               const std::string& tenant, const Logger& log);

// GET /api/v1/tenants/{tenant}/orders/{order}.
ApiResponse handle_get_order(NodeService& node, const std::string& tenant,
                             const std::string& order_id, const Logger& log);

// "/api/v1/tenants/acme/orders/0190..." with each id percent-encoded.
std::string order_location(const std::string& tenant, const std::string& order_id);

}  // namespace larder::node::api
