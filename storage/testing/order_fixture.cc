#include "storage/testing/order_fixture.h"

#include "storage/transaction.h"

namespace larder::storage::testing {

Status write_test_order(Database& db, const std::string& id, int n) {
  LARDER_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(db, Durability::kFull));
  const char* now = "2026-11-23T12:00:00.000Z";
  {
    LARDER_ASSIGN_OR_RETURN(auto s, db.prepare(
        "INSERT INTO orders (id, number, location_id, subtotal_minor, tax_minor, total_minor,"
        " currency, tax_rate_bp, tax_inclusive, placed_at, updated_at)"
        " VALUES (?, ?, 'loc-1', 2350, 188, 2538, 'USD', 800, 0, ?, ?)"));
    LARDER_RETURN_IF_ERROR(s->bind_all(id, "T-" + std::to_string(n), now, now).run());
  }
  for (int line = 1; line <= 3; ++line) {
    LARDER_ASSIGN_OR_RETURN(auto s, db.prepare(
        "INSERT INTO order_items (order_id, line_no, item_id, name, unit_price_minor, quantity,"
        " line_total_minor) VALUES (?, ?, 'item-burger', 'Classic burger with a long name', 750,"
        " 1, 750)"));
    LARDER_RETURN_IF_ERROR(s->bind_all(id, line).run());
  }
  for (int opt = 1; opt <= 4; ++opt) {
    LARDER_ASSIGN_OR_RETURN(auto s, db.prepare(
        "INSERT INTO order_item_options (order_id, line_no, option_id, modifier_id, name,"
        " price_delta_minor) VALUES (?, ?, ?, 'mod-extras', 'Extra cheese', 50)"));
    LARDER_RETURN_IF_ERROR(s->bind_all(id, 1 + opt % 3, "opt-" + std::to_string(opt)).run());
  }
  {
    LARDER_ASSIGN_OR_RETURN(auto s, db.prepare(
        "INSERT INTO outbox (order_id, created_at, updated_at) VALUES (?, ?, ?)"));
    LARDER_RETURN_IF_ERROR(s->bind_all(id, now, now).run());
  }
  return tx.commit();
}

Result<int> count_test_order_rows(Database& db, const std::string& id) {
  LARDER_ASSIGN_OR_RETURN(auto s, db.prepare(
      "SELECT (SELECT count(*) FROM orders WHERE id = ?1)"
      " + (SELECT count(*) FROM order_items WHERE order_id = ?1)"
      " + (SELECT count(*) FROM order_item_options WHERE order_id = ?1)"
      " + (SELECT count(*) FROM outbox WHERE order_id = ?1)"));
  s->bind(1, id);
  LARDER_ASSIGN_OR_RETURN(bool row, s->step());
  if (!row) return internal_error("count query returned no row");
  return static_cast<int>(s->column_int(0));
}

}  // namespace larder::storage::testing
