// NodeService: what the local HTTP API (node/api) asks of the node.
//
// The API layer parses HTTP, enforces limits and maps results to status codes;
// everything it serves comes through this interface, so handlers are plain
// functions testable without a network or a database. The real
// implementation is node/core/node.h's Node; tests may implement it
// directly.
//
// Thread safety: every method may be called concurrently from HTTP threads.
// Errors use base/status.h codes: kNotFound (unknown tenant or order),
// kFailedPrecondition (no replica yet: not ready), kConflict (an
// Idempotency-Key reused with another body), kUnavailable (storage busy or
// failing: retry), kInternal.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "node/core/event_bus.h"
#include "node/menu/menu_view.h"
#include "node/pricing/field_error.h"
#include "storage/order_ledger.h"

namespace larder::node {

struct TenantSummary {
  std::string id;
  std::string name;
  std::optional<std::string> brand_color;
  std::optional<std::string> logo_url;
  std::string currency;
  bool ready = false;   // has a replica to sell from
  bool online = false;  // its last exchange with the hub succeeded
};

// The location's opening hours do not cover now (node/menu/menu_view.h).
struct LocationClosed {
  std::optional<std::string> opens_at;  // ISO 8601 UTC: the next opening, if within 8 days
};

struct PlaceOrderOutcome {
  // Exactly one of these is set.
  std::optional<storage::PlaceResult> placed;  // durable: answer 201
  std::vector<pricing::FieldError> invalid;    // answer 422 with these
  std::optional<LocationClosed> closed;        // answer 422 location_closed
  Status error;                                // answer by code
};

class NodeService {
 public:
  virtual ~NodeService() = default;

  virtual std::vector<TenantSummary> tenants() = 0;
  virtual Result<std::shared_ptr<const menu::MenuView>> menu(const std::string& tenant) = 0;
  // A retry with a stored Idempotency-Key and the same body answers the stored
  // order (replayed), whatever the menu or the clock say now; the key with
  // another body is kConflict. A new order is refused while the location is
  // closed (`closed`) and priced against the menu of now.
  virtual PlaceOrderOutcome place_order(const std::string& tenant, std::string_view body,
                                        const std::optional<std::string>& idempotency_key) = 0;
  // nullopt when the order is not on this node.
  virtual Result<std::optional<storage::OrderRecord>> order(const std::string& tenant,
                                                            const std::string& id) = 0;
  // GET /api/v1/status body: {"tenants":[{id, online, last_pull_at, last_push_at, cursor,
  // outbox_depth, dead_letters, last_error}]}.
  virtual nlohmann::json status() = 0;
  // Ready when every served tenant has a replica.
  virtual bool ready() = 0;
  // Prometheus text lines of the node's own metrics (the API adds its own).
  virtual std::string metrics_text() = 0;
  virtual EventBus& events() = 0;
};

// The order as the API returns it (POST 201 and GET).
nlohmann::json order_json(const storage::OrderRecord& order);
// The same, as the text order_json(order).dump() would be, without the tree.
std::string order_json_text(const storage::OrderRecord& order);

}  // namespace larder::node
