#include "sync/hub/db/orders.h"

#include <regex>
#include <set>

#include "base/uuid.h"
#include "sync/hub/db/credentials.h"
#include "sync/hub/db/tenant_transaction.h"

namespace larder::hub::db {
namespace {

using nlohmann::json;

const std::set<std::string> kStatuses = {"placed", "accepted", "in_progress", "ready", "completed",
                                         "cancelled"};

// Field readers that say which path is wrong.
struct Checker {
  std::string error;
  bool ok() const { return error.empty(); }
  void fail(const std::string& m) {
    if (error.empty()) error = m;
  }
  std::string str(const json& o, const std::string& path, const char* key, bool uuid = false) {
    if (!o.contains(key) || !o[key].is_string()) {
      fail(path + key + " must be a string");
      return "";
    }
    std::string v = o[key].get<std::string>();
    if (uuid && !is_uuid(v)) fail(path + key + " must be a UUID");
    return v;
  }
  std::int64_t integer(const json& o, const std::string& path, const char* key, std::int64_t min) {
    if (!o.contains(key) || !o[key].is_number_integer()) {
      fail(path + key + " must be an integer");
      return 0;
    }
    std::int64_t v = o[key].get<std::int64_t>();
    if (v < min) fail(path + key + " must be >= " + std::to_string(min));
    return v;
  }
};

// Validates and returns the canonical content (sorted keys, no status, only
// known fields) whose hash identifies the order.
Result<json> canonical_order(const json& order) {
  if (!order.is_object()) return invalid_argument("order must be a JSON object");
  Checker c;
  json out;
  out["id"] = c.str(order, "", "id", true);
  out["location_id"] = c.str(order, "", "location_id", true);
  out["device_id"] = c.str(order, "", "device_id", true);
  out["number"] = c.str(order, "", "number");
  out["currency"] = c.str(order, "", "currency");
  out["placed_at"] = c.str(order, "", "placed_at");
  out["subtotal_minor"] = c.integer(order, "", "subtotal_minor", 0);
  out["tax_minor"] = c.integer(order, "", "tax_minor", 0);
  out["total_minor"] = c.integer(order, "", "total_minor", 0);
  // Optional (older nodes did not send them): the diner's note and the tax basis.
  out["note"] = nullptr;
  if (order.contains("note") && !order["note"].is_null()) {
    std::string note = c.str(order, "", "note");
    if (note.size() > 800) c.fail("note must be at most 200 characters");
    out["note"] = note;
  }
  out["tax_rate_bp"] = order.contains("tax_rate_bp") ? c.integer(order, "", "tax_rate_bp", 0) : 0;
  if (c.ok() && out["tax_rate_bp"].get<std::int64_t>() > 100000) c.fail("tax_rate_bp must be <= 100000");
  out["tax_inclusive"] = false;
  if (order.contains("tax_inclusive")) {
    if (!order["tax_inclusive"].is_boolean()) {
      c.fail("tax_inclusive must be true or false");
    } else {
      out["tax_inclusive"] = order["tax_inclusive"].get<bool>();
    }
  }
  if (c.ok() && !std::regex_match(out["placed_at"].get<std::string>(),
                                  std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2}))"))) {
    c.fail("placed_at must be an RFC 3339 time, e.g. 2024-05-01T12:00:00Z");
  }
  if (c.ok() && !std::regex_match(out["currency"].get<std::string>(), std::regex("[A-Z]{3}"))) {
    c.fail("currency must be 3 capital letters");
  }
  if (c.ok() && (out["number"].get<std::string>().empty() || out["number"].get<std::string>().size() > 32)) {
    c.fail("number must be 1 to 32 characters");
  }
  if (order.contains("status") && (!order["status"].is_string() ||
                                   !kStatuses.count(order["status"].get<std::string>()))) {
    c.fail("status must be one of placed, accepted, in_progress, ready, completed, cancelled");
  }
  if (!order.contains("items") || !order["items"].is_array() || order["items"].empty()) {
    c.fail("items must be a non-empty array");
  }
  if (!c.ok()) return invalid_argument(c.error);
  json items = json::array();
  std::int64_t sum = 0;
  std::set<std::int64_t> line_nos;
  for (std::size_t i = 0; i < order["items"].size() && c.ok(); ++i) {
    const json& it = order["items"][i];
    std::string p = "items[" + std::to_string(i) + "].";
    if (!it.is_object()) {
      c.fail("items[" + std::to_string(i) + "] must be an object");
      break;
    }
    json line;
    std::int64_t line_no = c.integer(it, p, "line_no", 1);
    if (c.ok() && !line_nos.insert(line_no).second) c.fail(p + "line_no repeats an earlier line");
    line["line_no"] = line_no;
    line["item_id"] = c.str(it, p, "item_id", true);
    line["name"] = c.str(it, p, "name");
    std::int64_t unit = c.integer(it, p, "unit_price_minor", INT64_MIN);
    std::int64_t qty = c.integer(it, p, "quantity", 1);
    std::int64_t total = c.integer(it, p, "line_total_minor", INT64_MIN);
    if (c.ok() && unit * qty != total) {
      c.fail(p + "line_total_minor must equal unit_price_minor * quantity");
    }
    line["unit_price_minor"] = unit;
    line["quantity"] = qty;
    line["line_total_minor"] = total;
    sum += total;
    json options = json::array();
    if (it.contains("options")) {
      if (!it["options"].is_array()) c.fail(p + "options must be an array");
      for (std::size_t k = 0; c.ok() && k < it["options"].size(); ++k) {
        const json& o = it["options"][k];
        std::string q = p + "options[" + std::to_string(k) + "].";
        if (!o.is_object()) {
          c.fail(p + "options[" + std::to_string(k) + "] must be an object");
          break;
        }
        json opt;
        opt["option_id"] = c.str(o, q, "option_id", true);
        opt["modifier_id"] = c.str(o, q, "modifier_id", true);
        opt["name"] = c.str(o, q, "name");
        opt["price_delta_minor"] = c.integer(o, q, "price_delta_minor", INT64_MIN);
        options.push_back(opt);
      }
    }
    line["options"] = options;
    items.push_back(line);
  }
  if (c.ok() && sum != out["subtotal_minor"].get<std::int64_t>()) {
    c.fail("subtotal_minor must equal the sum of items[].line_total_minor");
  }
  if (c.ok()) {
    std::int64_t subtotal = out["subtotal_minor"].get<std::int64_t>();
    std::int64_t tax = out["tax_minor"].get<std::int64_t>();
    std::int64_t total = out["total_minor"].get<std::int64_t>();
    bool inclusive = out["tax_inclusive"].get<bool>();
    if (inclusive && (total != subtotal || tax > total)) {
      c.fail("total_minor must equal subtotal_minor, with tax_minor included in it, when tax is inclusive");
    } else if (!inclusive && total != subtotal + tax) {
      c.fail("total_minor must equal subtotal_minor + tax_minor");
    }
  }
  if (!c.ok()) return invalid_argument(c.error);
  out["items"] = items;
  return out;
}

Status record_rejection(Transaction& tx, const std::string& tenant, const std::string& order_id,
                        const std::string& reason, const json& order) {
  json detail = {{"reason", reason}, {"order", order}};
  return tx.exec("INSERT INTO events (tenant_id, kind, subject, detail) VALUES ($1, 'order_rejected', $2, $3::jsonb)",
                 {tenant, order_id, detail.dump()})
      .status();
}

}  // namespace

Result<std::string> order_content_hash(const json& order) {
  LARDER_ASSIGN_OR_RETURN(json canonical, canonical_order(order));
  return sha256_hex(canonical.dump());
}

Result<IngestResult> ingest_order(PgConnection& conn, const DeviceIdentity& device, const json& order) {
  IngestResult result;
  if (order.is_object() && order.contains("id") && order["id"].is_string()) {
    result.order_id = order["id"].get<std::string>();
  }
  // Decide before touching the database what is wrong with the document itself.
  std::string reason;
  auto canonical = canonical_order(order);
  if (!canonical.is_ok()) {
    reason = "invalid: " + canonical.status().message();
  } else if (order.contains("tenant_id") && order["tenant_id"] != device.tenant_id) {
    reason = "order is for another tenant than the device's";
  } else if ((*canonical)["location_id"] != device.location_id) {
    reason = "order is for another location than the device's";
  } else if ((*canonical)["device_id"] != device.device_id) {
    reason = "order names another device than the one sending it";
  }
  const std::string hash = canonical.is_ok() ? sha256_hex(canonical->dump()) : "";

  Status done = run_for_tenant(conn, device.tenant_id, [&](Transaction& tx) -> Status {
    result.outcome = IngestOutcome::kRejected;
    result.reason = reason;
    if (!reason.empty()) return record_rejection(tx, device.tenant_id, result.order_id, reason, order);
    const json& o = *canonical;
    const std::string id = o["id"];
    // Items and options must be the tenant's (RLS hides every other
    // tenant's rows), live or deleted since (a tombstone in the feed: the
    // node sold it before the deletion reached it).
    for (std::size_t i = 0; i < o["items"].size(); ++i) {
      const json& line = o["items"][i];
      LARDER_ASSIGN_OR_RETURN(
          PgResult known,
          tx.exec("SELECT EXISTS (SELECT 1 FROM items WHERE tenant_id = $1 AND id = $2::uuid)"
                  " OR EXISTS (SELECT 1 FROM feed_changes WHERE tenant_id = $1 AND table_name = 'items'"
                  " AND key_json = jsonb_build_object('id', $2::text)) AS ok",
                  {device.tenant_id, line["item_id"].get<std::string>()}));
      if (!known.get_bool(0, "ok")) {
        result.reason = "invalid: items[" + std::to_string(i) + "].item_id is not an item of this tenant";
        return record_rejection(tx, device.tenant_id, id, result.reason, order);
      }
      for (std::size_t k = 0; k < line["options"].size(); ++k) {
        LARDER_ASSIGN_OR_RETURN(
            PgResult opt,
            tx.exec("SELECT EXISTS (SELECT 1 FROM options WHERE tenant_id = $1 AND id = $2::uuid)"
                    " OR EXISTS (SELECT 1 FROM feed_changes WHERE tenant_id = $1 AND table_name = 'options'"
                    " AND key_json = jsonb_build_object('id', $2::text)) AS ok",
                    {device.tenant_id, line["options"][k]["option_id"].get<std::string>()}));
        if (!opt.get_bool(0, "ok")) {
          result.reason = "invalid: items[" + std::to_string(i) + "].options[" + std::to_string(k) +
                          "].option_id is not an option of this tenant";
          return record_rejection(tx, device.tenant_id, id, result.reason, order);
        }
      }
    }
    // The centre is authoritative for status after placement (DESIGN.md
    // decision 8): whatever the device sends, an order starts as placed.
    const std::string status = "placed";
    LARDER_ASSIGN_OR_RETURN(
        PgResult inserted,
        tx.exec("INSERT INTO orders (tenant_id, id, location_id, device_id, number, status,"
                " subtotal_minor, tax_minor, total_minor, currency, placed_at, content_hash,"
                " note, tax_rate_bp, tax_inclusive)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::timestamptz, $12, $13, $14,"
                " $15::boolean)"
                " ON CONFLICT (tenant_id, id) DO NOTHING RETURNING id",
                {device.tenant_id, id, o["location_id"].get<std::string>(),
                 o["device_id"].get<std::string>(), o["number"].get<std::string>(), status,
                 std::to_string(o["subtotal_minor"].get<std::int64_t>()),
                 std::to_string(o["tax_minor"].get<std::int64_t>()),
                 std::to_string(o["total_minor"].get<std::int64_t>()), o["currency"].get<std::string>(),
                 o["placed_at"].get<std::string>(), hash,
                 o["note"].is_null() ? PgParam() : PgParam(o["note"].get<std::string>()),
                 std::to_string(o["tax_rate_bp"].get<std::int64_t>()),
                 std::string(o["tax_inclusive"].get<bool>() ? "true" : "false")}));
    if (inserted.rows() == 0) {
      LARDER_ASSIGN_OR_RETURN(PgResult existing,
                              tx.exec("SELECT content_hash FROM orders WHERE tenant_id = $1 AND id = $2",
                                      {device.tenant_id, id}));
      if (existing.rows() == 1 && existing.get(0, "content_hash") == hash) {
        result.outcome = IngestOutcome::kDuplicate;
        return Status::ok();
      }
      result.reason = "conflict: order " + id + " was stored before with different content";
      return record_rejection(tx, device.tenant_id, id, result.reason, order);
    }
    for (const json& line : o["items"]) {
      LARDER_RETURN_IF_ERROR(
          tx.exec("INSERT INTO order_items (tenant_id, order_id, line_no, item_id, name,"
                  " unit_price_minor, quantity, line_total_minor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                  {device.tenant_id, id, std::to_string(line["line_no"].get<std::int64_t>()),
                   line["item_id"].get<std::string>(), line["name"].get<std::string>(),
                   std::to_string(line["unit_price_minor"].get<std::int64_t>()),
                   std::to_string(line["quantity"].get<std::int64_t>()),
                   std::to_string(line["line_total_minor"].get<std::int64_t>())})
              .status());
      for (const json& opt : line["options"]) {
        LARDER_RETURN_IF_ERROR(
            tx.exec("INSERT INTO order_item_options (tenant_id, order_id, line_no, option_id,"
                    " modifier_id, name, price_delta_minor) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    {device.tenant_id, id, std::to_string(line["line_no"].get<std::int64_t>()),
                     opt["option_id"].get<std::string>(), opt["modifier_id"].get<std::string>(),
                     opt["name"].get<std::string>(),
                     std::to_string(opt["price_delta_minor"].get<std::int64_t>())})
                .status());
      }
    }
    result.outcome = IngestOutcome::kAccepted;
    result.reason.clear();
    return Status::ok();
  });
  if (!done.is_ok()) return done;
  return result;
}

Status set_order_status(PgConnection& conn, const std::string& tenant_id, const std::string& order_id,
                        const std::string& status) {
  if (!kStatuses.count(status)) return invalid_argument("unknown order status '" + status + "'");
  if (!is_uuid(order_id)) return invalid_argument("order id '" + order_id + "' is not a UUID");
  return run_for_tenant(conn, tenant_id, [&](Transaction& tx) -> Status {
    LARDER_ASSIGN_OR_RETURN(PgResult r, tx.exec("SELECT status FROM orders WHERE tenant_id = $1 AND id = $2 FOR UPDATE",
                                                {tenant_id, order_id}));
    if (r.rows() == 0) return not_found("tenant " + tenant_id + " has no order " + order_id);
    // The orders_status_forward trigger refuses a move backwards (LD412).
    auto updated = tx.exec("UPDATE orders SET status = $3 WHERE tenant_id = $1 AND id = $2",
                           {tenant_id, order_id, status});
    if (!updated.is_ok() && updated.status().code() == Code::kFailedPrecondition) {
      return failed_precondition("order " + order_id + " is " + std::string(r.get(0, "status")) +
                                 "; it cannot move back to " + status);
    }
    return updated.status();
  });
}

}  // namespace larder::hub::db
