#include "sync/protocol/wire.h"

#include <openssl/evp.h>

#include <algorithm>

#include "base/hex.h"
#include "sync/protocol/cursor.h"
#include "sync/protocol/json_reader.h"
#include "sync/protocol/pull_reader.h"

namespace larder::sync {
using nlohmann::json;

namespace {

constexpr std::int64_t kMaxQuantity = 99;
const std::string kStatuses[] = {"placed", "accepted",  "in_progress",
                                 "ready",  "completed", "cancelled"};

json option_json(const WireOption& o) {
  return {{"option_id", o.option_id},
          {"modifier_id", o.modifier_id},
          {"name", o.name},
          {"price_delta_minor", o.price_delta_minor}};
}

json line_json(const WireLine& l) {
  json options = json::array();
  for (const WireOption& o : l.options) options.push_back(option_json(o));
  return {{"line_no", l.line_no},   {"item_id", l.item_id},
          {"name", l.name},         {"unit_price_minor", l.unit_price_minor},
          {"quantity", l.quantity}, {"line_total_minor", l.line_total_minor},
          {"options", options}};
}

// Everything that identifies what was sold; status and transport fields are out.
json content_json(const WireOrder& o) {
  json lines = json::array();
  for (const WireLine& l : o.lines) lines.push_back(line_json(l));
  return {{"id", o.id},
          {"number", o.number},
          {"location_id", o.location_id},
          {"subtotal_minor", o.subtotal_minor},
          {"tax_minor", o.tax_minor},
          {"total_minor", o.total_minor},
          {"currency", o.currency},
          {"tax_rate_bp", o.tax_rate_bp},
          {"tax_inclusive", o.tax_inclusive},
          {"note", o.note ? json(*o.note) : json(nullptr)},
          {"placed_at", o.placed_at},
          {"lines", lines}};
}

Result<WireOption> option_from_json(const json& j, const std::string& path) {
  JsonReader r(j, path);
  WireOption o;
  o.option_id = r.string("option_id", kMaxIdLength);
  o.modifier_id = r.string("modifier_id", kMaxIdLength);
  o.name = r.string("name", kMaxNameLength);
  o.price_delta_minor = r.integer("price_delta_minor", -kMaxMoneyMinor, kMaxMoneyMinor);
  LARDER_RETURN_IF_ERROR(r.finish());
  return o;
}

Result<WireLine> line_from_json(const json& j, const std::string& path) {
  JsonReader r(j, path);
  WireLine l;
  l.line_no =
      static_cast<int>(r.integer("line_no", 1, static_cast<std::int64_t>(kMaxLinesPerOrder)));
  l.item_id = r.string("item_id", kMaxIdLength);
  l.name = r.string("name", kMaxNameLength);
  l.unit_price_minor = r.integer("unit_price_minor", 0, kMaxMoneyMinor);
  l.quantity = static_cast<int>(r.integer("quantity", 1, kMaxQuantity));
  l.line_total_minor = r.integer("line_total_minor", 0, kMaxMoneyMinor);
  const json& options = r.array("options", kMaxOptionsPerLine, false);
  for (std::size_t i = 0; r.ok() && i < options.size(); ++i) {
    auto o = option_from_json(options[i], r.child_path("options", i));
    if (!o.is_ok()) {
      r.fail(o.status());
    } else {
      l.options.push_back(std::move(o).value());
    }
  }
  LARDER_RETURN_IF_ERROR(r.finish());
  return l;
}

Result<Heartbeat> heartbeat_from_json(const json& j, const std::string& path) {
  JsonReader r(j, path);
  Heartbeat h;
  h.app_version = r.string("app_version", 64);
  h.outbox_depth = r.integer("outbox_depth", 0, 1'000'000'000);
  h.last_error = r.optional_string("last_error", 1000);
  h.cursor = r.string("cursor", 128, true);
  LARDER_RETURN_IF_ERROR(r.finish());
  return h;
}

}  // namespace

const char* push_outcome_name(PushOutcome outcome) {
  switch (outcome) {
    case PushOutcome::kAccepted:
      return "accepted";
    case PushOutcome::kDuplicate:
      return "duplicate";
    case PushOutcome::kRejected:
      return "rejected";
  }
  return "rejected";
}

json to_json(const WireOrder& o) {
  json j = content_json(o);
  j["status"] = o.status;
  return j;
}

json to_json(const PushRequest& req) {
  json orders = json::array();
  for (const WireOrder& o : req.orders) orders.push_back(to_json(o));
  json j = {{"orders", orders}};
  if (req.heartbeat) {
    const Heartbeat& h = *req.heartbeat;
    j["heartbeat"] = {{"app_version", h.app_version},
                      {"outbox_depth", h.outbox_depth},
                      {"last_error", h.last_error ? json(*h.last_error) : json(nullptr)},
                      {"cursor", h.cursor}};
  }
  return j;
}

json to_json(const PushResponse& resp) {
  json results = json::array();
  for (const PushResult& r : resp.results) {
    json e = {{"id", r.id}, {"result", push_outcome_name(r.outcome)}};
    if (r.outcome == PushOutcome::kRejected) e["reason"] = r.reason;
    results.push_back(e);
  }
  return {{"results", results}};
}

json to_json(const PullResponse& resp) {
  json changes = json::array();
  for (const Change& c : resp.changes) {
    json e = {{"table", c.table}, {"op", c.is_delete ? "delete" : "upsert"}, {"key", c.key}};
    if (!c.is_delete) e["row"] = c.row;
    changes.push_back(e);
  }
  return {{"changes", changes}, {"cursor", resp.cursor}, {"more", resp.more}};
}

json to_json(const EnrollRequest& req) {
  json j = {{"code", req.code}};
  if (req.device_name) j["device_name"] = *req.device_name;
  if (req.app_version) j["app_version"] = *req.app_version;
  return j;
}

json to_json(const EnrollResponse& r) {
  return {{"device_id", r.device_id},     {"tenant_id", r.tenant_id},
          {"tenant_name", r.tenant_name}, {"location_id", r.location_id},
          {"short_code", r.short_code},   {"token", r.token}};
}

Result<WireOrder> order_from_json(const json& j, const std::string& path) {
  JsonReader r(j, path);
  WireOrder o;
  o.id = r.string("id", kMaxIdLength);
  o.number = r.string("number", kMaxIdLength);
  o.location_id = r.string("location_id", kMaxIdLength);
  o.status = r.string("status", 16);
  o.subtotal_minor = r.integer("subtotal_minor", 0, kMaxMoneyMinor);
  o.tax_minor = r.integer("tax_minor", 0, kMaxMoneyMinor);
  o.total_minor = r.integer("total_minor", 0, kMaxMoneyMinor);
  o.currency = r.string("currency", 3);
  o.tax_rate_bp = static_cast<int>(r.integer("tax_rate_bp", 0, 100000));
  o.tax_inclusive = r.boolean("tax_inclusive");
  o.note = r.optional_string("note", kMaxNameLength);
  o.placed_at = r.string("placed_at", 40);
  const json& lines = r.array("lines", kMaxLinesPerOrder);
  if (r.ok() && lines.empty())
    r.fail(invalid_argument(r.child_path("lines") + " must not be empty"));
  for (std::size_t i = 0; r.ok() && i < lines.size(); ++i) {
    auto l = line_from_json(lines[i], r.child_path("lines", i));
    if (!l.is_ok()) {
      r.fail(l.status());
    } else {
      o.lines.push_back(std::move(l).value());
    }
  }
  if (r.ok() && o.currency.size() != 3) {
    r.fail(invalid_argument(r.child_path("currency") + " must be a 3-letter ISO 4217 code"));
  }
  if (r.ok() &&
      std::find(std::begin(kStatuses), std::end(kStatuses), o.status) == std::end(kStatuses)) {
    r.fail(invalid_argument(r.child_path("status") + " is not a known order status"));
  }
  LARDER_RETURN_IF_ERROR(r.finish());
  return o;
}

Result<PushRequest> push_request_from_json(const json& j) {
  JsonReader r(j, "");
  PushRequest req;
  const json& orders = r.array("orders", kMaxOrdersPerPush);
  for (std::size_t i = 0; r.ok() && i < orders.size(); ++i) {
    auto o = order_from_json(orders[i], r.child_path("orders", i));
    if (!o.is_ok()) {
      r.fail(o.status());
    } else {
      req.orders.push_back(std::move(o).value());
    }
  }
  const json& hb = r.object("heartbeat", false);
  if (r.ok() && !hb.is_null()) {
    auto h = heartbeat_from_json(hb, "heartbeat");
    if (!h.is_ok()) {
      r.fail(h.status());
    } else {
      req.heartbeat = std::move(h).value();
    }
  }
  LARDER_RETURN_IF_ERROR(r.finish());
  return req;
}

Result<PushResponse> push_response_from_json(const json& j) {
  JsonReader r(j, "");
  PushResponse resp;
  const json& results = r.array("results", kMaxOrdersPerPush);
  for (std::size_t i = 0; r.ok() && i < results.size(); ++i) {
    JsonReader e(results[i], r.child_path("results", i));
    PushResult pr;
    pr.id = e.string("id", kMaxIdLength);
    std::string outcome = e.string("result", 16);
    auto reason = e.optional_string("reason", 1000);
    if (e.ok()) {
      if (outcome == "accepted") {
        pr.outcome = PushOutcome::kAccepted;
      } else if (outcome == "duplicate") {
        pr.outcome = PushOutcome::kDuplicate;
      } else if (outcome == "rejected") {
        pr.outcome = PushOutcome::kRejected;
        pr.reason = reason.value_or("rejected");
      } else {
        e.fail(
            invalid_argument(e.child_path("result") + " is not accepted, duplicate or rejected"));
      }
    }
    Status s = e.finish();
    if (!s.is_ok()) r.fail(s);
    resp.results.push_back(std::move(pr));
  }
  LARDER_RETURN_IF_ERROR(r.finish());
  return resp;
}

namespace {

// Reads a pull answer; with `movable` set the key and row objects are moved
// out of the document instead of copied (a large page holds most of its
// bytes there).
Result<PullResponse> read_pull_response(const json& j, json* movable) {
  JsonReader r(j, "");
  PullResponse resp;
  const json& changes = r.array("changes", 1'000'000);
  resp.changes.reserve(changes.size());
  for (std::size_t i = 0; r.ok() && i < changes.size(); ++i) {
    JsonReader e(changes[i], r.child_path("changes", i));
    Change c;
    c.table = e.string("table", 64);
    std::string op = e.string("op", 8);
    const json& key = e.object("key");
    if (e.ok() && op != "upsert" && op != "delete") {
      e.fail(invalid_argument(e.child_path("op") + " must be upsert or delete"));
    }
    c.is_delete = op == "delete";
    const json* row = nullptr;
    if (e.ok() && !c.is_delete) row = &e.object("row");
    Status s = e.finish();
    if (!s.is_ok()) {
      r.fail(s);
      break;
    }
    if (movable != nullptr) {
      json& m = (*movable)["changes"][i];
      c.key = std::move(m["key"]);
      if (row != nullptr) c.row = std::move(m["row"]);
    } else {
      c.key = key;
      if (row != nullptr) c.row = *row;
    }
    resp.changes.push_back(std::move(c));
  }
  resp.cursor = r.string("cursor", kMaxCursorLength);
  resp.more = r.boolean("more");
  LARDER_RETURN_IF_ERROR(r.finish());
  return resp;
}

}  // namespace

Result<PullResponse> pull_response_from_json(const json& j) {
  return read_pull_response(j, nullptr);
}

Result<PullResponse> parse_pull_response(std::string_view body) {
  PullResponse fast;
  if (read_pull_response_fast(body, &fast)) return fast;
  // Not the well-formed common case: the full reader gives the verdict.
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded()) return unavailable("the hub's pull answer is not JSON");
  return read_pull_response(j, &j);
}

Result<EnrollRequest> enroll_request_from_json(const json& j) {
  JsonReader r(j, "");
  EnrollRequest req;
  req.code = r.string("code", 256);
  req.device_name = r.optional_string("device_name", kMaxNameLength);
  req.app_version = r.optional_string("app_version", 64);
  LARDER_RETURN_IF_ERROR(r.finish());
  return req;
}

Result<EnrollResponse> enroll_response_from_json(const json& j) {
  JsonReader r(j, "");
  EnrollResponse e;
  e.device_id = r.string("device_id", kMaxIdLength);
  e.tenant_id = r.string("tenant_id", kMaxIdLength);
  e.tenant_name = r.string("tenant_name", kMaxNameLength);
  e.location_id = r.string("location_id", kMaxIdLength);
  e.short_code = r.string("short_code", 16);
  e.token = r.string("token", 256);
  LARDER_RETURN_IF_ERROR(r.finish());
  return e;
}

std::string order_content_hash(const WireOrder& order) {
  std::string canonical = content_json(order).dump();  // nlohmann sorts object keys
  unsigned char md[32];
  unsigned int len = 0;
  EVP_Digest(canonical.data(), canonical.size(), md, &len, EVP_sha256(), nullptr);
  return to_hex(md, len);
}

json error_body(const std::string& code, const std::string& message) {
  return {{"error", {{"code", code}, {"message", message}}}};
}

}  // namespace larder::sync
