// The order ledger: durable orders and their outbox (DESIGN.md decisions 3, 7, 8).
//
// place_orders() writes a group of priced orders, each with its lines, option
// snapshots and outbox entry, in ONE synchronous=FULL transaction: when it
// returns, every order it reports as placed is on disk (commit grouping lets
// concurrent cashiers share one fsync). Each order runs in its own savepoint,
// so one bad order fails alone. Numbers are the device's short code and a
// per-tenant sequence ("K1-0042"), unique in the store while offline. Lines
// are checked here (line_no >= 1 and unique, quantity 1..99, no negative
// price, option ids unique in a line): a bad one is kInvalidArgument.
//
// Idempotency: an order carrying an idempotency key that is already stored
// returns the stored order (replayed = true) when the request hash matches,
// and kConflict when it does not. An order id that is already stored is
// kAlreadyExists. find_by_idempotency_key() lets a caller answer a retry
// before pricing it again (the menu may have changed since); the check in
// place_orders() stays the backstop for two retries racing each other.
//
// The outbox drains in order: pending_outbox() lists orders to push, oldest
// first; record_push_outcomes() records the hub's answers to one push in one
// transaction (mark_synced() and mark_dead() are its two halves); dead
// letters are kept and counted, never deleted; record_push_failure() counts
// attempts. A synced order leaves the outbox (its sync_state reads
// "synced"); the order itself is never deleted.
//
// The layout on disk (schema v4, storage/FORMAT.md) is chosen to touch few
// pages per order, since every touched page is written whole (SD-card wear).
//
// Thread safety: as the Database (one writer strand per tenant).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/json_text.h"
#include "base/status.h"
#include "storage/database.h"

namespace larder::storage {

struct OrderOptionRecord {
  std::string option_id;
  std::string modifier_id;
  std::string name;
  std::int64_t price_delta_minor = 0;
};

struct OrderLineRecord {
  int line_no = 0;  // 1-based
  std::string item_id;
  std::string name;
  std::int64_t unit_price_minor = 0;
  int quantity = 0;
  std::int64_t line_total_minor = 0;
  std::vector<OrderOptionRecord> options;
};

struct OrderRecord {
  std::string id;      // UUIDv7
  std::string number;  // set by place_orders
  std::string location_id;
  std::string status = "placed";
  std::int64_t subtotal_minor = 0;
  std::int64_t tax_minor = 0;
  std::int64_t total_minor = 0;
  std::string currency;
  int tax_rate_bp = 0;
  bool tax_inclusive = false;
  std::optional<std::string> note;
  std::optional<std::string> idempotency_key;
  std::string request_hash;
  std::string placed_at;  // ISO 8601 UTC
  std::string updated_at;
  std::vector<OrderLineRecord> lines;
  // Outbox state, filled when read back: pending, synced or dead.
  std::string sync_state;
  std::optional<std::string> sync_error;
};

struct PlaceResult {
  OrderRecord order;
  bool replayed = false;  // an idempotent retry returned the order stored before
};

// An order's lines as JSON, as the orders.lines column holds them
// (FORMAT.md) and as the node's API and the push protocol show them.
void write_lines_json(JsonText& w, const std::vector<OrderLineRecord>& lines);

std::vector<Result<PlaceResult>> place_orders(Database& db, std::vector<OrderRecord> orders,
                                              const std::string& device_code);

Result<std::optional<OrderRecord>> find_order(Database& db, const std::string& id);
// The order stored with this Idempotency-Key (its request_hash says which
// body), or nullopt. Reads only: any connection, e.g. a reader's.
Result<std::optional<OrderRecord>> find_by_idempotency_key(Database& db, const std::string& key);

// Oldest first; only state 'pending'.
Result<std::vector<OrderRecord>> pending_outbox(Database& db, int limit);
struct DeadLetter {
  std::string order_id;
  std::string reason;  // the hub's, shown with the order
};
// One push's answers in one transaction: `synced` leave the outbox, `dead`
// stay in it as dead letters. Unknown ids are ignored.
Status record_push_outcomes(Database& db, const std::vector<std::string>& synced,
                            const std::vector<DeadLetter>& dead);
Status mark_synced(Database& db, const std::vector<std::string>& order_ids);
Status mark_dead(Database& db, const std::string& order_id, const std::string& reason);
Status record_push_failure(Database& db, const std::vector<std::string>& order_ids,
                           const std::string& error);

struct OutboxCounts {
  std::int64_t pending = 0;
  std::int64_t dead = 0;
  std::int64_t synced = 0;
};
Result<OutboxCounts> outbox_counts(Database& db);

}  // namespace larder::storage
