// A realistic order-sized write for storage tests: one orders row, three
// lines, four option snapshots and the outbox entry, in one transaction.
#pragma once

#include <string>

#include "base/status.h"
#include "storage/database.h"

namespace larder::storage::testing {

// Writes order `id` (number "T-<n>") in one kFull transaction.
Status write_test_order(Database& db, const std::string& id, int n);
// How many of the order's rows exist, across orders, order_items,
// order_item_options and outbox: 0 (none) or kTestOrderRows (all).
Result<int> count_test_order_rows(Database& db, const std::string& id);
constexpr int kTestOrderRows = 1 + 3 + 4 + 1;

}  // namespace larder::storage::testing
