#include "sync/hub/db/orders.h"

#include <cctype>
#include <map>
#include <set>
#include <string_view>

#include "base/uuid.h"
#include "sync/hub/db/pg_error.h"
#include "sync/hub/db/tenant_transaction.h"

namespace larder::hub::db {
namespace {

using nlohmann::json;

// In the order an order moves through them; the last two are final
// (migrations/007_final_order_status.sql enforces the same).
constexpr std::string_view kStatuses[] = {"placed", "accepted",  "in_progress",
                                          "ready",  "completed", "cancelled"};

int status_rank(std::string_view status) {
  for (int i = 0; i < 6; ++i) {
    if (kStatuses[i] == status) return i;
  }
  return -1;
}

bool is_final(std::string_view status) { return status == "completed" || status == "cancelled"; }

// What the node is told when PostgreSQL refused an order's data: the kind of
// problem, never PostgreSQL's own text (that goes to the hub's log and the
// events row, IngestResult::detail).
std::string refused_data_reason(const Status& s) {
  const std::string state = sqlstate_of(s);
  if (state == "22007" || state == "22008") return "placed_at is not a real date and time";
  if (state == "22003") return "a number is out of the range the hub stores";
  if (state == "22001") return "a text is longer than the hub stores";
  return "the hub's database refused the order's data";
}

// Items and options must be the tenant's (RLS hides every other tenant's
// rows), live or deleted since: a tombstone in the feed (the node sold it
// before the deletion reached it). Menu rows live in the tenant scope (the
// nil location), so the tombstone lookup is the feed's primary key.
constexpr const char* kUnknownMenuRows =
    "SELECT 'items' AS t, x::text AS id FROM unnest($2::uuid[]) AS x"
    " WHERE NOT EXISTS (SELECT 1 FROM items WHERE tenant_id = $1 AND id = x)"
    " AND NOT EXISTS (SELECT 1 FROM feed_changes WHERE tenant_id = $1"
    " AND location_id = '00000000-0000-0000-0000-000000000000' AND table_name = 'items'"
    " AND row_key = jsonb_build_object('id', x::text)::text)"
    " UNION ALL "
    "SELECT 'options', x::text FROM unnest($3::uuid[]) AS x"
    " WHERE NOT EXISTS (SELECT 1 FROM options WHERE tenant_id = $1 AND id = x)"
    " AND NOT EXISTS (SELECT 1 FROM feed_changes WHERE tenant_id = $1"
    " AND location_id = '00000000-0000-0000-0000-000000000000' AND table_name = 'options'"
    " AND row_key = jsonb_build_object('id', x::text)::text)";

// Orders with their items and options in one statement, from the canonical
// documents (plus content_hash) as one jsonb array. The centre is
// authoritative for status after placement (DESIGN.md decision 8): whatever
// the device sent, an order starts as placed. Rows go in id order, so two
// pushes holding the same ids wait for each other instead of deadlocking.
// Returns the ids stored now; the others existed already.
constexpr const char* kInsertOrders =
    "WITH src AS MATERIALIZED (SELECT * FROM jsonb_to_recordset($2::jsonb) AS s("
    "id uuid, location_id uuid, device_id uuid, number text, currency text,"
    " placed_at timestamptz, subtotal_minor bigint, tax_minor bigint, total_minor bigint,"
    " note text, tax_rate_bp int, tax_inclusive boolean, content_hash text, items jsonb)),"
    " stored AS (INSERT INTO orders (tenant_id, id, location_id, device_id, number, status,"
    " subtotal_minor, tax_minor, total_minor, currency, placed_at, content_hash, note, tax_rate_bp,"
    " tax_inclusive)"
    " SELECT $1::uuid, id, location_id, device_id, number, 'placed', subtotal_minor, tax_minor,"
    " total_minor, currency, placed_at, content_hash, note, tax_rate_bp, tax_inclusive"
    " FROM src ORDER BY id"
    " ON CONFLICT (tenant_id, id) DO NOTHING RETURNING id),"
    " lines AS MATERIALIZED (SELECT s.id AS order_id, l.* FROM src s JOIN stored USING (id),"
    " jsonb_to_recordset(s.items) AS l(line_no int, item_id uuid, name text,"
    " unit_price_minor bigint, quantity int, line_total_minor bigint, options jsonb)),"
    " stored_lines AS (INSERT INTO order_items (tenant_id, order_id, line_no, item_id, name,"
    " unit_price_minor, quantity, line_total_minor)"
    " SELECT $1::uuid, order_id, line_no, item_id, name, unit_price_minor, quantity,"
    " line_total_minor FROM lines),"
    " stored_options AS (INSERT INTO order_item_options (tenant_id, order_id, line_no, option_id,"
    " modifier_id, name, price_delta_minor)"
    " SELECT $1::uuid, l.order_id, l.line_no, o.option_id, o.modifier_id, o.name,"
    " o.price_delta_minor FROM lines l, jsonb_to_recordset(l.options) AS o(option_id uuid,"
    " modifier_id uuid, name text, price_delta_minor bigint))"
    " SELECT id::text AS id FROM stored";

constexpr const char* kStoredHashes =
    "SELECT id::text AS id, content_hash FROM orders WHERE tenant_id = $1 AND id = ANY($2::uuid[])";

constexpr const char* kRecordRejections =
    "INSERT INTO events (tenant_id, kind, subject, detail)"
    " SELECT $1, 'order_rejected', e.r->>'subject', e.r->'detail'"
    " FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS e(r, n) ORDER BY e.n";

// As PostgreSQL prints a uuid.
std::string lowercase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A uuid[] literal; the elements are checked UUIDs, so nothing needs quoting.
std::string uuid_array(const std::set<std::string>& ids) {
  std::string out = "{";
  for (const std::string& id : ids) {
    if (out.size() > 1) out += ',';
    out += id;
  }
  return out + "}";
}

// What PostgreSQL refused about the data of a statement (SQLSTATE classes
// 22 and 23): the fault of one order, not of the database.
bool is_data_error(const Status& s) {
  return s.code() == Code::kInvalidArgument || s.code() == Code::kAlreadyExists;
}

// jsonb cannot hold a NUL character; a rejected document keeps the rest.
json without_nul(json j) {
  if (j.is_string()) {
    std::string& s = j.get_ref<std::string&>();
    for (std::size_t at = s.find('\0'); at != std::string::npos; at = s.find('\0', at)) {
      s.replace(at, 1, "\xEF\xBF\xBD");  // U+FFFD
    }
  } else if (j.is_structured()) {
    for (json& v : j) v = without_nul(std::move(v));
  }
  return j;
}

// One attempt at storing a push: everything below is redone from scratch
// when run_for_tenant retries (deadlock) or when the push is stored again
// with a savepoint per order.
class PushStore {
 public:
  PushStore(Transaction& tx, const DeviceIdentity& device, const std::vector<CheckedOrder>& orders,
            std::vector<IngestResult>& results)
      : tx_(tx), device_(device), orders_(orders), results_(results) {}

  Status run(bool savepoint_per_order) {
    results_.assign(orders_.size(), IngestResult{});
    std::vector<std::size_t> candidates;
    for (std::size_t i = 0; i < orders_.size(); ++i) {
      results_[i].order_id = orders_[i].order_id;
      results_[i].reason = identity_problem(orders_[i]);
      if (results_[i].reason.empty()) candidates.push_back(i);
    }
    LARDER_RETURN_IF_ERROR(reject_unknown_menu_rows(candidates));
    // An id repeated within the push: its first copy goes in the first
    // round, the next copy in the second (which sees the first stored), ...
    std::map<std::string, std::size_t> copies;
    std::vector<std::vector<std::size_t>> rounds;
    for (std::size_t i : candidates) {
      std::size_t round = copies[lowercase(orders_[i].canonical["id"].get<std::string>())]++;
      if (rounds.size() <= round) rounds.resize(round + 1);
      rounds[round].push_back(i);
    }
    for (const std::vector<std::size_t>& round : rounds) {
      if (!savepoint_per_order) {
        LARDER_RETURN_IF_ERROR(store(round));
        continue;
      }
      for (std::size_t i : round) LARDER_RETURN_IF_ERROR(store_alone(i));
    }
    return record_rejections();
  }

 private:
  // What is wrong with the document itself, or its identity; "" if nothing.
  std::string identity_problem(const CheckedOrder& o) const {
    if (!o.invalid.empty()) return "invalid: " + o.invalid;
    auto tenant = o.document.find("tenant_id");
    if (tenant != o.document.end() && *tenant != device_.tenant_id) {
      return "order is for another tenant than the device's";
    }
    if (o.canonical["location_id"] != device_.location_id) {
      return "order is for another location than the device's";
    }
    if (o.canonical["device_id"] != device_.device_id) {
      return "order names another device than the one sending it";
    }
    return "";
  }

  // One query for the whole push; rejects each order at its first unknown
  // item or option (lines in order, a line's item before its options).
  Status reject_unknown_menu_rows(std::vector<std::size_t>& candidates) {
    if (candidates.empty()) return Status::ok();
    std::set<std::string> items, options;
    for (std::size_t i : candidates) {
      for (const json& line : orders_[i].canonical["items"]) {
        items.insert(lowercase(line["item_id"].get<std::string>()));
        for (const json& opt : line["options"]) {
          options.insert(lowercase(opt["option_id"].get<std::string>()));
        }
      }
    }
    LARDER_ASSIGN_OR_RETURN(
        PgResult r,
        tx_.exec(kUnknownMenuRows, {device_.tenant_id, uuid_array(items), uuid_array(options)}));
    if (r.rows() == 0) return Status::ok();
    std::set<std::string> unknown_items, unknown_options;
    for (int row = 0; row < r.rows(); ++row) {
      (r.get(row, "t") == "items" ? unknown_items : unknown_options)
          .insert(std::string(r.get(row, "id")));
    }
    std::vector<std::size_t> known;
    for (std::size_t i : candidates) {
      results_[i].reason = unknown_menu_row(orders_[i].canonical, unknown_items, unknown_options);
      if (results_[i].reason.empty()) known.push_back(i);
    }
    candidates = std::move(known);
    return Status::ok();
  }

  static std::string unknown_menu_row(const json& o, const std::set<std::string>& items,
                                      const std::set<std::string>& options) {
    const json& lines = o["items"];
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const std::string at = "invalid: items[" + std::to_string(i) + "].";
      if (items.count(lowercase(lines[i]["item_id"].get<std::string>()))) {
        return at + "item_id is not an item of this tenant";
      }
      const json& opts = lines[i]["options"];
      for (std::size_t k = 0; k < opts.size(); ++k) {
        if (options.count(lowercase(opts[k]["option_id"].get<std::string>()))) {
          return at + "options[" + std::to_string(k) +
                 "].option_id is not an option of this tenant";
        }
      }
    }
    return "";
  }

  // Stores orders with distinct ids; each is then accepted, a duplicate, or
  // a rejected conflict.
  Status store(const std::vector<std::size_t>& round) {
    json rows = json::array();
    for (std::size_t i : round) {
      json row = orders_[i].canonical;
      row["content_hash"] = orders_[i].content_hash;
      rows.push_back(std::move(row));
    }
    LARDER_ASSIGN_OR_RETURN(PgResult stored,
                            tx_.exec(kInsertOrders, {device_.tenant_id, rows.dump()}));
    std::set<std::string> now;
    for (int row = 0; row < stored.rows(); ++row) now.insert(std::string(stored.get(row, "id")));
    std::set<std::string> before;
    for (std::size_t i : round) {
      std::string id = lowercase(orders_[i].canonical["id"].get<std::string>());
      if (now.count(id)) {
        results_[i].outcome = IngestOutcome::kAccepted;
      } else {
        before.insert(id);
      }
    }
    if (before.empty()) return Status::ok();
    LARDER_ASSIGN_OR_RETURN(PgResult existing,
                            tx_.exec(kStoredHashes, {device_.tenant_id, uuid_array(before)}));
    std::map<std::string, std::string> hashes;
    for (int row = 0; row < existing.rows(); ++row) {
      hashes[std::string(existing.get(row, "id"))] = existing.get(row, "content_hash");
    }
    for (std::size_t i : round) {
      if (results_[i].outcome == IngestOutcome::kAccepted) continue;
      const std::string& id = orders_[i].canonical["id"].get_ref<const std::string&>();
      auto found = hashes.find(lowercase(id));
      if (found != hashes.end() && found->second == orders_[i].content_hash) {
        results_[i].outcome = IngestOutcome::kDuplicate;
      } else {
        results_[i].reason = "conflict: order " + id + " was stored before with different content";
      }
    }
    return Status::ok();
  }

  // One order inside a savepoint: what PostgreSQL refuses of it rejects it
  // alone.
  Status store_alone(std::size_t i) {
    LARDER_RETURN_IF_ERROR(tx_.exec("SAVEPOINT larder_order").status());
    Status s = store({i});
    if (s.is_ok()) return tx_.exec("RELEASE SAVEPOINT larder_order").status();
    if (!is_data_error(s)) return s;
    LARDER_RETURN_IF_ERROR(tx_.exec("ROLLBACK TO SAVEPOINT larder_order").status());
    results_[i].outcome = IngestOutcome::kRejected;
    results_[i].reason = "invalid: " + refused_data_reason(s);
    results_[i].detail = s.message();
    return Status::ok();
  }

  Status record_rejections() {
    json rows = json::array();
    for (std::size_t i = 0; i < orders_.size(); ++i) {
      if (results_[i].outcome != IngestOutcome::kRejected) continue;
      json detail = {{"reason", results_[i].reason}, {"order", without_nul(orders_[i].document)}};
      if (!results_[i].detail.empty()) detail["database_error"] = results_[i].detail;
      rows.push_back({{"subject", results_[i].order_id}, {"detail", std::move(detail)}});
    }
    if (rows.empty()) return Status::ok();
    return tx_
        .exec(kRecordRejections,
              {device_.tenant_id, rows.dump(-1, ' ', false, json::error_handler_t::replace)})
        .status();
  }

  Transaction& tx_;
  const DeviceIdentity& device_;
  const std::vector<CheckedOrder>& orders_;
  std::vector<IngestResult>& results_;
};

}  // namespace

Result<std::vector<IngestResult>> ingest_orders(PgConnection& conn, const DeviceIdentity& device,
                                                const std::vector<CheckedOrder>& orders) {
  std::vector<IngestResult> results;
  if (orders.empty()) return results;
  auto pass = [&](bool savepoint_per_order) {
    return run_for_tenant(conn, device.tenant_id, [&](Transaction& tx) -> Status {
      return PushStore(tx, device, orders, results).run(savepoint_per_order);
    });
  };
  // Validation leaves PostgreSQL little to refuse, so the whole push goes in
  // a few statements; only when it refuses some order's data is the push
  // stored again, one savepoint per order, to find which.
  Status done = pass(false);
  if (!done.is_ok() && is_data_error(done)) done = pass(true);
  if (!done.is_ok()) return done;
  return results;
}

Result<IngestResult> ingest_order(PgConnection& conn, const DeviceIdentity& device,
                                  const json& order) {
  std::vector<CheckedOrder> one;
  one.push_back(check_order(order));
  LARDER_ASSIGN_OR_RETURN(std::vector<IngestResult> results, ingest_orders(conn, device, one));
  return results.front();
}

Status set_order_status(PgConnection& conn, const std::string& tenant_id,
                        const std::string& order_id, const std::string& status) {
  if (status_rank(status) < 0) {
    return invalid_argument("unknown order status '" + status +
                            "' (placed, accepted, in_progress, ready, completed, cancelled)");
  }
  if (!is_uuid(order_id)) return invalid_argument("order id '" + order_id + "' is not a UUID");
  return run_for_tenant(conn, tenant_id, [&](Transaction& tx) -> Status {
    LARDER_ASSIGN_OR_RETURN(
        PgResult r, tx.exec("SELECT status FROM orders WHERE tenant_id = $1 AND id = $2 FOR UPDATE",
                            {tenant_id, order_id}));
    if (r.rows() == 0) return not_found("tenant " + tenant_id + " has no order " + order_id);
    const std::string current(r.get(0, "status"));
    if (current == status) return Status::ok();
    if (is_final(current)) {
      return failed_precondition("order " + order_id + " is " + current +
                                 ", a final status; it cannot become " + status);
    }
    if (status_rank(status) < status_rank(current)) {
      return failed_precondition("order " + order_id + " is " + current +
                                 "; it cannot move back to " + status);
    }
    // The orders_status_forward trigger refuses the same moves (LD412) for
    // every writer; the row lock above means it cannot disagree here.
    auto updated = tx.exec("UPDATE orders SET status = $3 WHERE tenant_id = $1 AND id = $2",
                           {tenant_id, order_id, status});
    if (!updated.is_ok() && updated.status().code() == Code::kFailedPrecondition) {
      return failed_precondition("order " + order_id + " is " + current + "; it cannot become " +
                                 status);
    }
    return updated.status();
  });
}

}  // namespace larder::hub::db
