#include "storage/testing/order_fixture.h"

#include "storage/migrations.h"
#include "storage/transaction.h"

namespace larder::storage::testing {
namespace {

constexpr const char* kNow = "2026-11-23T12:00:00.000Z";

// The option snapshots of the test order: line_no and option id.
constexpr int kOptionLine[] = {2, 3, 1, 2};  // 1 + opt % 3 for opt = 1..4

Status write_v2(Database& db, const std::string& id, int n) {
  {
    LARDER_ASSIGN_OR_RETURN(
        auto s,
        db.prepare(
            "INSERT INTO orders (id, number, location_id, subtotal_minor, tax_minor, total_minor,"
            " currency, tax_rate_bp, tax_inclusive, placed_at, updated_at)"
            " VALUES (?, ?, 'loc-1', 2350, 188, 2538, 'USD', 800, 0, ?, ?)"));
    LARDER_RETURN_IF_ERROR(s->bind_all(id, "T-" + std::to_string(n), kNow, kNow).run());
  }
  for (int line = 1; line <= 3; ++line) {
    LARDER_ASSIGN_OR_RETURN(
        auto s,
        db.prepare(
            "INSERT INTO order_items (order_id, line_no, item_id, name, unit_price_minor, quantity,"
            " line_total_minor) VALUES (?, ?, 'item-burger', 'Classic burger with a long name', "
            "750,"
            " 1, 750)"));
    LARDER_RETURN_IF_ERROR(s->bind_all(id, line).run());
  }
  for (int opt = 1; opt <= 4; ++opt) {
    LARDER_ASSIGN_OR_RETURN(
        auto s,
        db.prepare(
            "INSERT INTO order_item_options (order_id, line_no, option_id, modifier_id, name,"
            " price_delta_minor) VALUES (?, ?, ?, 'mod-extras', 'Extra cheese', 50)"));
    LARDER_RETURN_IF_ERROR(
        s->bind_all(id, kOptionLine[opt - 1], "opt-" + std::to_string(opt)).run());
  }
  LARDER_ASSIGN_OR_RETURN(
      auto s, db.prepare("INSERT INTO outbox (order_id, created_at, updated_at) VALUES (?, ?, ?)"));
  return s->bind_all(id, kNow, kNow).run();
}

Status write_v4(Database& db, const std::string& id, int n) {
  std::string lines = "[";
  for (int line = 1; line <= 3; ++line) {
    if (line > 1) lines += ",";
    lines += "{\"line_no\":" + std::to_string(line) +
             ",\"item_id\":\"item-burger\",\"name\":\"Classic burger with a long name\","
             "\"unit_price_minor\":750,\"quantity\":1,\"line_total_minor\":750,\"options\":[";
    bool first = true;
    for (int opt = 1; opt <= 4; ++opt) {
      if (kOptionLine[opt - 1] != line) continue;
      if (!first) lines += ",";
      first = false;
      lines += "{\"option_id\":\"opt-" + std::to_string(opt) +
               "\",\"modifier_id\":\"mod-extras\",\"name\":\"Extra cheese\","
               "\"price_delta_minor\":50}";
    }
    lines += "]}";
  }
  lines += "]";
  LARDER_ASSIGN_OR_RETURN(std::int64_t seq,
                          db.query_int("SELECT coalesce(max(seq), 0) + 1 FROM orders"));
  {
    LARDER_ASSIGN_OR_RETURN(
        auto s, db.prepare("INSERT INTO orders (seq, id, number, location_id, subtotal_minor, "
                           "tax_minor, total_minor,"
                           " currency, tax_rate_bp, tax_inclusive, lines, placed_at, updated_at)"
                           " VALUES (?, ?, ?, 'loc-1', 2350, 188, 2538, 'USD', 800, 0, ?, ?, ?)"));
    LARDER_RETURN_IF_ERROR(s->bind_all(seq, id, "T-" + std::to_string(n), lines, kNow, kNow).run());
  }
  LARDER_ASSIGN_OR_RETURN(
      auto s, db.prepare("INSERT INTO outbox (seq, created_at, updated_at) VALUES (?, ?, ?)"));
  return s->bind_all(seq, kNow, kNow).run();
}

}  // namespace

Status write_test_order(Database& db, const std::string& id, int n) {
  LARDER_ASSIGN_OR_RETURN(int version, schema_version(db));
  LARDER_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(db, Durability::kFull));
  LARDER_RETURN_IF_ERROR(version >= 4 ? write_v4(db, id, n) : write_v2(db, id, n));
  return tx.commit();
}

Result<int> count_test_order_rows(Database& db, const std::string& id) {
  LARDER_ASSIGN_OR_RETURN(int version, schema_version(db));
  const char* sql =
      version >= 4
          ? "SELECT coalesce((SELECT 1 + json_array_length(o.lines)"
            " + (SELECT count(*) FROM json_each(o.lines) l, json_each(l.value, '$.options'))"
            " + (SELECT count(*) FROM outbox x WHERE x.seq = o.seq)"
            " FROM orders o WHERE o.id = ?1), 0)"
          : "SELECT (SELECT count(*) FROM orders WHERE id = ?1)"
            " + (SELECT count(*) FROM order_items WHERE order_id = ?1)"
            " + (SELECT count(*) FROM order_item_options WHERE order_id = ?1)"
            " + (SELECT count(*) FROM outbox WHERE order_id = ?1)";
  LARDER_ASSIGN_OR_RETURN(auto s, db.prepare(sql));
  s->bind(1, id);
  LARDER_ASSIGN_OR_RETURN(bool row, s->step());
  if (!row) return internal_error("count query returned no row");
  return static_cast<int>(s->column_int(0));
}

}  // namespace larder::storage::testing
