// The sync protocol's messages, shared by larder-node and larder-hub.
// docs/PROTOCOL.md is the contract in prose; this is it in types.
//
// Every *_from_json() is strict: unknown fields, wrong types, out-of-range
// numbers and over-long strings are kInvalidArgument with the JSON path of the
// field. Limits (kMax*) are part of the protocol and written in PROTOCOL.md.
//
// order_content_hash() is the canonical identity of an order's content
// (everything but its status): two pushes of the same id with the same hash
// are a duplicate, with a different hash a conflict (DESIGN.md decision 7).
//
// Thread safety: values and pure functions.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace larder::sync {

constexpr std::size_t kMaxOrdersPerPush = 100;
constexpr std::size_t kMaxLinesPerOrder = 50;
constexpr std::size_t kMaxOptionsPerLine = 20;
constexpr std::size_t kMaxIdLength = 64;
constexpr std::size_t kMaxNameLength = 200;
constexpr std::int64_t kMaxMoneyMinor = 1'000'000'000'000;  // 10^12 minor units

struct WireOption {
  std::string option_id;
  std::string modifier_id;
  std::string name;
  std::int64_t price_delta_minor = 0;
};

struct WireLine {
  int line_no = 0;
  std::string item_id;
  std::string name;
  std::int64_t unit_price_minor = 0;
  int quantity = 0;
  std::int64_t line_total_minor = 0;
  std::vector<WireOption> options;
};

struct WireOrder {
  std::string id;  // UUID (v7 from the node)
  std::string number;
  std::string location_id;
  std::string status = "placed";
  std::int64_t subtotal_minor = 0;
  std::int64_t tax_minor = 0;
  std::int64_t total_minor = 0;
  std::string currency;
  int tax_rate_bp = 0;
  bool tax_inclusive = false;
  std::optional<std::string> note;
  std::string placed_at;  // ISO 8601 UTC
  std::vector<WireLine> lines;
};

struct Heartbeat {
  std::string app_version;
  std::int64_t outbox_depth = 0;
  std::optional<std::string> last_error;
  std::string cursor;
};

struct PushRequest {
  std::vector<WireOrder> orders;
  std::optional<Heartbeat> heartbeat;
};

enum class PushOutcome { kAccepted, kDuplicate, kRejected };
const char* push_outcome_name(PushOutcome outcome);

struct PushResult {
  std::string id;
  PushOutcome outcome = PushOutcome::kAccepted;
  std::string reason;  // set when rejected
};

struct PushResponse {
  std::vector<PushResult> results;
};

struct Change {
  std::string table;
  bool is_delete = false;
  nlohmann::json key;
  nlohmann::json row;  // null for deletes
};

struct PullResponse {
  std::vector<Change> changes;
  std::string cursor;
  bool more = false;
};

struct EnrollRequest {
  std::string code;
  std::optional<std::string> device_name;
  std::optional<std::string> app_version;
};

struct EnrollResponse {
  std::string device_id;
  std::string tenant_id;
  std::string tenant_name;
  std::string location_id;
  std::string short_code;
  std::string token;
};

nlohmann::json to_json(const WireOrder& order);
nlohmann::json to_json(const PushRequest& request);
nlohmann::json to_json(const PushResponse& response);
nlohmann::json to_json(const PullResponse& response);
nlohmann::json to_json(const EnrollRequest& request);
nlohmann::json to_json(const EnrollResponse& response);

Result<WireOrder> order_from_json(const nlohmann::json& j, const std::string& path);
Result<PushRequest> push_request_from_json(const nlohmann::json& j);
Result<PushResponse> push_response_from_json(const nlohmann::json& j);
Result<PullResponse> pull_response_from_json(const nlohmann::json& j);
// A pull answer's body as the node receives it: kUnavailable when it is not
// JSON at all (a broken answer, worth a retry), otherwise as
// pull_response_from_json().
Result<PullResponse> parse_pull_response(std::string_view body);
Result<EnrollRequest> enroll_request_from_json(const nlohmann::json& j);
Result<EnrollResponse> enroll_response_from_json(const nlohmann::json& j);

// SHA-256 (hex) of the order's canonical content JSON, status excluded.
std::string order_content_hash(const WireOrder& order);

// The JSON error body every endpoint uses: {"error":{"code":..., "message":...}}.
nlohmann::json error_body(const std::string& code, const std::string& message);

}  // namespace larder::sync
