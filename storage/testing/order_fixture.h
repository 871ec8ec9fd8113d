// A realistic order-sized write for storage tests: one order with three
// lines, four option snapshots and its outbox entry, in one transaction,
// written in the layout of the database's schema version (v2/v3: rows in
// orders, order_items, order_item_options and outbox; v4 and later: the lines
// inside the orders row, storage/FORMAT.md), so tests can fill a database at
// an earlier version and migrate it.
#pragma once

#include <string>

#include "base/status.h"
#include "storage/database.h"

namespace larder::storage::testing {

// Writes order `id` (number "T-<n>") in one kFull transaction.
Status write_test_order(Database& db, const std::string& id, int n);
// How many of the order's records exist: the order, its lines, their options
// and its outbox entry: 0 (none) or kTestOrderRows (all), in either layout.
Result<int> count_test_order_rows(Database& db, const std::string& id);
constexpr int kTestOrderRows = 1 + 3 + 4 + 1;

}  // namespace larder::storage::testing
