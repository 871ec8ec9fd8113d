#include "storage/order_ledger.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "storage/transaction.h"

namespace larder::storage {
namespace {

using nlohmann::json;

// Every column find_order() and pending_outbox() read, in read_order()'s order.
constexpr const char* kOrderColumns =
    "o.id, o.number, o.location_id, o.status, o.subtotal_minor, o.tax_minor, o.total_minor,"
    " o.currency, o.tax_rate_bp, o.tax_inclusive, o.note, o.idempotency_key, o.request_hash,"
    " o.placed_at, o.updated_at, o.lines, x.state, x.last_error";

constexpr const char* kInsertOrder =
    "INSERT INTO orders (seq, id, number, location_id, status, subtotal_minor, tax_minor,"
    " total_minor, currency, tax_rate_bp, tax_inclusive, note, idempotency_key, request_hash,"
    " lines, placed_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

// The orders.lines column (FORMAT.md): a JSON array of lines, each with its options.
std::string lines_json(const std::vector<OrderLineRecord>& lines) {
  std::string out;
  out.reserve(160 * lines.size() + 2);
  JsonText w(out);
  write_lines_json(w, lines);
  return out;
}

Result<std::vector<OrderLineRecord>> parse_lines(Database& db, const std::string& order_id,
                                                 const std::string& text) {
  std::vector<OrderLineRecord> out;
  try {
    json doc = json::parse(text);
    if (!doc.is_array()) {
      return data_loss(db.label() + ": order " + order_id + ": its lines are not a JSON array");
    }
    for (const json& l : doc) {
      OrderLineRecord r;
      r.line_no = l.at("line_no").get<int>();
      r.item_id = l.at("item_id").get<std::string>();
      r.name = l.at("name").get<std::string>();
      r.unit_price_minor = l.at("unit_price_minor").get<std::int64_t>();
      r.quantity = l.at("quantity").get<int>();
      r.line_total_minor = l.at("line_total_minor").get<std::int64_t>();
      const json& options = l.at("options");
      if (!options.is_array()) {
        return data_loss(db.label() + ": order " + order_id + ": line options are not an array");
      }
      for (const json& opt : options) {
        r.options.push_back(OrderOptionRecord{
            opt.at("option_id").get<std::string>(), opt.at("modifier_id").get<std::string>(),
            opt.at("name").get<std::string>(), opt.at("price_delta_minor").get<std::int64_t>()});
      }
      out.push_back(std::move(r));
    }
  } catch (const json::exception& e) {
    return data_loss(db.label() + ": order " + order_id + ": its lines cannot be read (" +
                     e.what() + ")");
  }
  return out;
}

// The checks the v2 schema made with CHECK and PRIMARY KEY constraints on
// order_items and order_item_options, which a JSON column cannot make.
Status check_lines(const OrderRecord& o) {
  std::set<int> line_numbers;
  for (const OrderLineRecord& l : o.lines) {
    std::string where = "order " + o.id + " line " + std::to_string(l.line_no) + ": ";
    if (l.line_no < 1) return invalid_argument(where + "line numbers start at 1");
    if (!line_numbers.insert(l.line_no).second) {
      return invalid_argument(where + "the line number is used twice");
    }
    if (l.quantity < 1 || l.quantity > 99) {
      return invalid_argument(where + "quantity " + std::to_string(l.quantity) +
                              " is outside 1..99");
    }
    if (l.unit_price_minor < 0 || l.line_total_minor < 0) {
      return invalid_argument(where + "a price is negative");
    }
    std::set<std::string> option_ids;
    for (const OrderOptionRecord& opt : l.options) {
      if (!option_ids.insert(opt.option_id).second) {
        return invalid_argument(where + "option " + opt.option_id + " is chosen twice");
      }
    }
  }
  return Status::ok();
}

// Reads one row selected with kOrderColumns.
Result<OrderRecord> read_order(Database& db, Statement& q) {
  OrderRecord o;
  o.id = q.column_text(0);
  o.number = q.column_text(1);
  o.location_id = q.column_text(2);
  o.status = q.column_text(3);
  o.subtotal_minor = q.column_int(4);
  o.tax_minor = q.column_int(5);
  o.total_minor = q.column_int(6);
  o.currency = q.column_text(7);
  o.tax_rate_bp = static_cast<int>(q.column_int(8));
  o.tax_inclusive = q.column_int(9) != 0;
  o.note = q.column_optional_text(10);
  o.idempotency_key = q.column_optional_text(11);
  o.request_hash = q.column_text(12);
  o.placed_at = q.column_text(13);
  o.updated_at = q.column_text(14);
  LARDER_ASSIGN_OR_RETURN(o.lines, parse_lines(db, o.id, q.column_text(15)));
  // No outbox row: the hub has it.
  o.sync_state = q.column_is_null(16) ? "synced" : q.column_text(16);
  o.sync_error = q.column_optional_text(17);
  return o;
}

Result<bool> order_exists(Database& db, const std::string& id) {
  LARDER_ASSIGN_OR_RETURN(StatementLease q, db.prepare("SELECT 1 FROM orders WHERE id = ?"));
  q->bind(1, id);
  return q->step();
}

// The next number of the device's sequence. Orders are never deleted, so
// max(seq) only grows; a rolled-back order gives its number back.
Result<std::int64_t> next_seq(Database& db) {
  return db.query_int("SELECT coalesce(max(seq), 0) + 1 FROM orders");
}

std::string format_number(const std::string& device_code, std::int64_t seq) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld", static_cast<long long>(seq));
  return device_code + "-" + buf;
}

Status insert_order(Database& db, const OrderRecord& o, std::int64_t seq) {
  {
    LARDER_ASSIGN_OR_RETURN(StatementLease s, db.prepare(kInsertOrder));
    s->bind_all(seq, o.id, o.number, o.location_id, o.status, o.subtotal_minor, o.tax_minor,
                o.total_minor, o.currency, o.tax_rate_bp, o.tax_inclusive, o.note,
                o.idempotency_key, o.request_hash, lines_json(o.lines), o.placed_at, o.updated_at);
    LARDER_RETURN_IF_ERROR(s->run());
  }
  LARDER_ASSIGN_OR_RETURN(
      StatementLease s,
      db.prepare("INSERT INTO outbox (seq, created_at, updated_at) VALUES (?, ?, ?)"));
  return s->bind_all(seq, o.placed_at, o.placed_at).run();
}

Result<PlaceResult> place_one(Database& db, OrderRecord o, const std::string& device_code) {
  if (o.idempotency_key) {
    LARDER_ASSIGN_OR_RETURN(auto existing, find_by_idempotency_key(db, *o.idempotency_key));
    if (existing) {
      if (existing->request_hash != o.request_hash) {
        return conflict("Idempotency-Key " + *o.idempotency_key +
                        " was already used for a different order (" + existing->number + ")");
      }
      return PlaceResult{std::move(*existing), true};
    }
  }
  LARDER_ASSIGN_OR_RETURN(bool same_id, order_exists(db, o.id));
  if (same_id) return already_exists("order " + o.id + " already exists");
  LARDER_RETURN_IF_ERROR(check_lines(o));
  LARDER_ASSIGN_OR_RETURN(std::int64_t seq, next_seq(db));
  o.number = format_number(device_code, seq);
  LARDER_RETURN_IF_ERROR(insert_order(db, o, seq).with_context("placing order " + o.id));
  o.sync_state = "pending";
  return PlaceResult{std::move(o), false};
}

// The outbox row of an order is found through its seq.
constexpr const char* kSeqOf = "(SELECT seq FROM orders WHERE id = ?)";

Status delete_from_outbox(Database& db, const std::vector<std::string>& order_ids) {
  for (const std::string& id : order_ids) {
    LARDER_ASSIGN_OR_RETURN(StatementLease s,
                            db.prepare(std::string("DELETE FROM outbox WHERE seq = ") + kSeqOf));
    LARDER_RETURN_IF_ERROR(s->bind(1, id).run());
  }
  return Status::ok();
}

Status update_dead(Database& db, const std::string& order_id, const std::string& reason) {
  LARDER_ASSIGN_OR_RETURN(
      StatementLease s,
      db.prepare(
          std::string("UPDATE outbox SET state = 'dead', last_error = ?, attempts = attempts + 1,"
                      " updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE seq = ") +
          kSeqOf));
  return s->bind_all(reason, order_id).run();
}

Status touch_last_push(Database& db) {
  return db.exec(
      "UPDATE sync_state SET last_push_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = 1");
}

}  // namespace

// Written directly (base/json_text.h): this runs for every order on the
// tenant's writer strand, where an nlohmann tree cost more than the text.
// Keys in sorted order, so the text is what nlohmann would write.
void write_lines_json(JsonText& w, const std::vector<OrderLineRecord>& lines) {
  w.begin_array();
  for (const OrderLineRecord& l : lines) {
    w.begin_object().key("item_id").value(l.item_id).key("line_no").value(l.line_no);
    w.key("line_total_minor").value(l.line_total_minor).key("name").value(l.name);
    w.key("options").begin_array();
    for (const OrderOptionRecord& opt : l.options) {
      w.begin_object().key("modifier_id").value(opt.modifier_id).key("name").value(opt.name);
      w.key("option_id").value(opt.option_id).key("price_delta_minor").value(opt.price_delta_minor);
      w.end_object();
    }
    w.end_array();
    w.key("quantity").value(l.quantity).key("unit_price_minor").value(l.unit_price_minor);
    w.end_object();
  }
  w.end_array();
}

std::vector<Result<PlaceResult>> place_orders(Database& db, std::vector<OrderRecord> orders,
                                              const std::string& device_code) {
  std::vector<Result<PlaceResult>> out;
  auto fail_all = [&](const Status& s) {
    out.clear();
    for (std::size_t i = 0; i < orders.size(); ++i) out.emplace_back(s);
    return out;
  };
  auto tx = Transaction::begin(db, Durability::kFull);
  if (!tx.is_ok()) return fail_all(tx.status());
  // The order number sequence advances inside each order's savepoint scope:
  // a failed order gives its number back (the savepoint rolls it back too).
  for (OrderRecord& o : orders) {
    auto sp = db.exec("SAVEPOINT one_order");
    if (!sp.is_ok()) return fail_all(sp);
    auto r = place_one(db, std::move(o), device_code);
    if (r.is_ok()) {
      (void)db.exec("RELEASE one_order");
    } else {
      (void)db.exec("ROLLBACK TO one_order");
      (void)db.exec("RELEASE one_order");
    }
    out.push_back(std::move(r));
  }
  Status committed = tx->commit();
  if (!committed.is_ok()) return fail_all(committed.with_context("committing orders"));
  return out;
}

Result<std::optional<OrderRecord>> find_order(Database& db, const std::string& id) {
  LARDER_ASSIGN_OR_RETURN(
      StatementLease q,
      db.prepare(std::string("SELECT ") + kOrderColumns +
                 " FROM orders o LEFT JOIN outbox x ON x.seq = o.seq WHERE o.id = ?"));
  q->bind(1, id);
  LARDER_ASSIGN_OR_RETURN(bool row, q->step());
  if (!row) return std::optional<OrderRecord>();
  LARDER_ASSIGN_OR_RETURN(OrderRecord o, read_order(db, *q));
  return std::optional<OrderRecord>(std::move(o));
}

Result<std::optional<OrderRecord>> find_by_idempotency_key(Database& db, const std::string& key) {
  LARDER_ASSIGN_OR_RETURN(StatementLease q,
                          db.prepare("SELECT id FROM orders WHERE idempotency_key = ?"));
  q->bind(1, key);
  LARDER_ASSIGN_OR_RETURN(bool row, q->step());
  if (!row) return std::optional<OrderRecord>();
  std::string id = q->column_text(0);
  return find_order(db, id);
}

Result<std::vector<OrderRecord>> pending_outbox(Database& db, int limit) {
  LARDER_ASSIGN_OR_RETURN(
      StatementLease q,
      db.prepare(std::string("SELECT ") + kOrderColumns +
                 " FROM outbox x JOIN orders o ON o.seq = x.seq WHERE x.state = 'pending'"
                 " ORDER BY x.seq LIMIT ?"));
  q->bind(1, limit);
  std::vector<OrderRecord> out;
  for (;;) {
    LARDER_ASSIGN_OR_RETURN(bool more, q->step());
    if (!more) break;
    LARDER_ASSIGN_OR_RETURN(OrderRecord o, read_order(db, *q));
    out.push_back(std::move(o));
  }
  return out;
}

Status record_push_outcomes(Database& db, const std::vector<std::string>& synced,
                            const std::vector<DeadLetter>& dead) {
  LARDER_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(db));
  LARDER_RETURN_IF_ERROR(delete_from_outbox(db, synced));
  for (const DeadLetter& d : dead) LARDER_RETURN_IF_ERROR(update_dead(db, d.order_id, d.reason));
  LARDER_RETURN_IF_ERROR(touch_last_push(db));
  return tx.commit();
}

Status mark_synced(Database& db, const std::vector<std::string>& order_ids) {
  return record_push_outcomes(db, order_ids, {});
}

Status mark_dead(Database& db, const std::string& order_id, const std::string& reason) {
  return update_dead(db, order_id, reason);
}

Status record_push_failure(Database& db, const std::vector<std::string>& order_ids,
                           const std::string& error) {
  LARDER_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(db));
  for (const std::string& id : order_ids) {
    LARDER_ASSIGN_OR_RETURN(
        StatementLease s,
        db.prepare(std::string("UPDATE outbox SET attempts = attempts + 1, last_error = ?,"
                               " updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE seq = ") +
                   kSeqOf));
    LARDER_RETURN_IF_ERROR(s->bind_all(error, id).run());
  }
  return tx.commit();
}

Result<OutboxCounts> outbox_counts(Database& db) {
  LARDER_ASSIGN_OR_RETURN(
      StatementLease q,
      db.prepare("SELECT (SELECT count(*) FROM outbox WHERE state = 'pending'),"
                 " (SELECT count(*) FROM outbox WHERE state = 'dead'),"
                 " (SELECT count(*) FROM orders) - (SELECT count(*) FROM outbox)"));
  LARDER_ASSIGN_OR_RETURN(bool row, q->step());
  OutboxCounts c;
  if (row) {
    c.pending = q->column_int(0);
    c.dead = q->column_int(1);
    c.synced = q->column_int(2);
  }
  return c;
}

}  // namespace larder::storage
