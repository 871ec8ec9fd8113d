#include "storage/order_ledger.h"

#include <cstdio>

#include "storage/transaction.h"

namespace larder::storage {
namespace {

Result<std::optional<OrderRecord>> find_by_idempotency_key(Database& db, const std::string& key) {
  LARDER_ASSIGN_OR_RETURN(StatementLease q,
                          db.prepare("SELECT id FROM orders WHERE idempotency_key = ?"));
  q->bind(1, key);
  LARDER_ASSIGN_OR_RETURN(bool row, q->step());
  if (!row) return std::optional<OrderRecord>();
  std::string id = q->column_text(0);
  return find_order(db, id);
}

Result<std::string> next_number(Database& db, const std::string& device_code) {
  LARDER_ASSIGN_OR_RETURN(std::int64_t seq,
                          db.query_int("SELECT next_order_seq FROM sync_state WHERE id = 1"));
  LARDER_RETURN_IF_ERROR(db.exec("UPDATE sync_state SET next_order_seq = next_order_seq + 1"));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld", static_cast<long long>(seq));
  return device_code + "-" + buf;
}

Status insert_order(Database& db, const OrderRecord& o) {
  {
    LARDER_ASSIGN_OR_RETURN(StatementLease s, db.prepare(
        "INSERT INTO orders (id, number, location_id, status, subtotal_minor, tax_minor,"
        " total_minor, currency, tax_rate_bp, tax_inclusive, note, idempotency_key, request_hash,"
        " placed_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    s->bind_all(o.id, o.number, o.location_id, o.status, o.subtotal_minor, o.tax_minor,
                o.total_minor, o.currency, o.tax_rate_bp, o.tax_inclusive, o.note,
                o.idempotency_key, o.request_hash, o.placed_at, o.updated_at);
    LARDER_RETURN_IF_ERROR(s->run());
  }
  for (const OrderLineRecord& line : o.lines) {
    LARDER_ASSIGN_OR_RETURN(StatementLease s, db.prepare(
        "INSERT INTO order_items (order_id, line_no, item_id, name, unit_price_minor, quantity,"
        " line_total_minor) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    s->bind_all(o.id, line.line_no, line.item_id, line.name, line.unit_price_minor, line.quantity,
                line.line_total_minor);
    LARDER_RETURN_IF_ERROR(s->run());
    for (const OrderOptionRecord& opt : line.options) {
      LARDER_ASSIGN_OR_RETURN(StatementLease os, db.prepare(
          "INSERT INTO order_item_options (order_id, line_no, option_id, modifier_id, name,"
          " price_delta_minor) VALUES (?, ?, ?, ?, ?, ?)"));
      os->bind_all(o.id, line.line_no, opt.option_id, opt.modifier_id, opt.name,
                   opt.price_delta_minor);
      LARDER_RETURN_IF_ERROR(os->run());
    }
  }
  LARDER_ASSIGN_OR_RETURN(StatementLease s, db.prepare(
      "INSERT INTO outbox (order_id, created_at, updated_at) VALUES (?, ?, ?)"));
  return s->bind_all(o.id, o.placed_at, o.placed_at).run();
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
  LARDER_ASSIGN_OR_RETURN(auto same_id, find_order(db, o.id));
  if (same_id) return already_exists("order " + o.id + " already exists");
  LARDER_ASSIGN_OR_RETURN(o.number, next_number(db, device_code));
  LARDER_RETURN_IF_ERROR(insert_order(db, o).with_context("placing order " + o.id));
  o.sync_state = "pending";
  return PlaceResult{std::move(o), false};
}

}  // namespace

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
  LARDER_ASSIGN_OR_RETURN(StatementLease q, db.prepare(
      "SELECT o.id, o.number, o.location_id, o.status, o.subtotal_minor, o.tax_minor,"
      " o.total_minor, o.currency, o.tax_rate_bp, o.tax_inclusive, o.note, o.idempotency_key,"
      " o.request_hash, o.placed_at, o.updated_at, x.state, x.last_error"
      " FROM orders o LEFT JOIN outbox x ON x.order_id = o.id WHERE o.id = ?"));
  q->bind(1, id);
  LARDER_ASSIGN_OR_RETURN(bool row, q->step());
  if (!row) return std::optional<OrderRecord>();
  OrderRecord o;
  o.id = q->column_text(0);
  o.number = q->column_text(1);
  o.location_id = q->column_text(2);
  o.status = q->column_text(3);
  o.subtotal_minor = q->column_int(4);
  o.tax_minor = q->column_int(5);
  o.total_minor = q->column_int(6);
  o.currency = q->column_text(7);
  o.tax_rate_bp = static_cast<int>(q->column_int(8));
  o.tax_inclusive = q->column_int(9) != 0;
  o.note = q->column_optional_text(10);
  o.idempotency_key = q->column_optional_text(11);
  o.request_hash = q->column_text(12);
  o.placed_at = q->column_text(13);
  o.updated_at = q->column_text(14);
  o.sync_state = q->column_text(15);
  o.sync_error = q->column_optional_text(16);
  LARDER_ASSIGN_OR_RETURN(StatementLease lines, db.prepare(
      "SELECT line_no, item_id, name, unit_price_minor, quantity, line_total_minor"
      " FROM order_items WHERE order_id = ? ORDER BY line_no"));
  lines->bind(1, id);
  for (;;) {
    LARDER_ASSIGN_OR_RETURN(bool more, lines->step());
    if (!more) break;
    OrderLineRecord l;
    l.line_no = static_cast<int>(lines->column_int(0));
    l.item_id = lines->column_text(1);
    l.name = lines->column_text(2);
    l.unit_price_minor = lines->column_int(3);
    l.quantity = static_cast<int>(lines->column_int(4));
    l.line_total_minor = lines->column_int(5);
    o.lines.push_back(std::move(l));
  }
  LARDER_ASSIGN_OR_RETURN(StatementLease opts, db.prepare(
      "SELECT line_no, option_id, modifier_id, name, price_delta_minor FROM order_item_options"
      " WHERE order_id = ? ORDER BY line_no, option_id"));
  opts->bind(1, id);
  for (;;) {
    LARDER_ASSIGN_OR_RETURN(bool more, opts->step());
    if (!more) break;
    int line_no = static_cast<int>(opts->column_int(0));
    for (OrderLineRecord& l : o.lines) {
      if (l.line_no != line_no) continue;
      l.options.push_back(OrderOptionRecord{opts->column_text(1), opts->column_text(2),
                                            opts->column_text(3), opts->column_int(4)});
    }
  }
  return std::optional<OrderRecord>(std::move(o));
}

Result<std::vector<OrderRecord>> pending_outbox(Database& db, int limit) {
  std::vector<std::string> ids;
  {
    LARDER_ASSIGN_OR_RETURN(StatementLease q, db.prepare(
        "SELECT order_id FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT ?"));
    q->bind(1, limit);
    for (;;) {
      LARDER_ASSIGN_OR_RETURN(bool more, q->step());
      if (!more) break;
      ids.push_back(q->column_text(0));
    }
  }
  std::vector<OrderRecord> out;
  for (const std::string& id : ids) {
    LARDER_ASSIGN_OR_RETURN(auto o, find_order(db, id));
    if (o) out.push_back(std::move(*o));
  }
  return out;
}

Status mark_synced(Database& db, const std::vector<std::string>& order_ids) {
  LARDER_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(db));
  for (const std::string& id : order_ids) {
    LARDER_ASSIGN_OR_RETURN(StatementLease s, db.prepare(
        "UPDATE outbox SET state = 'synced', last_error = NULL, attempts = attempts + 1,"
        " updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE order_id = ?"));
    LARDER_RETURN_IF_ERROR(s->bind(1, id).run());
  }
  LARDER_RETURN_IF_ERROR(db.exec(
      "UPDATE sync_state SET last_push_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = 1"));
  return tx.commit();
}

Status mark_dead(Database& db, const std::string& order_id, const std::string& reason) {
  LARDER_ASSIGN_OR_RETURN(StatementLease s, db.prepare(
      "UPDATE outbox SET state = 'dead', last_error = ?, attempts = attempts + 1,"
      " updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE order_id = ?"));
  return s->bind_all(reason, order_id).run();
}

Status record_push_failure(Database& db, const std::vector<std::string>& order_ids,
                           const std::string& error) {
  LARDER_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(db));
  for (const std::string& id : order_ids) {
    LARDER_ASSIGN_OR_RETURN(StatementLease s, db.prepare(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?,"
        " updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE order_id = ?"));
    LARDER_RETURN_IF_ERROR(s->bind_all(error, id).run());
  }
  return tx.commit();
}

Result<OutboxCounts> outbox_counts(Database& db) {
  LARDER_ASSIGN_OR_RETURN(StatementLease q, db.prepare(
      "SELECT coalesce(sum(state = 'pending'), 0), coalesce(sum(state = 'dead'), 0),"
      " coalesce(sum(state = 'synced'), 0) FROM outbox"));
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
