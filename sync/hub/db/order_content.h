// The content of an order document (MENU_IMPORT.md "Order documents"): its
// validation, and the canonical form whose SHA-256 identifies it (DESIGN.md
// decision 7: same id and same hash is a duplicate, another hash a conflict).
//
// check_order() needs no database and no device: the hub runs it for every
// order of a push before it opens the transaction that stores them, so no
// transaction (and no feed lock) is held while documents are checked.
//
// The canonical form is a stored contract: content_hash of every order ever
// stored was computed from it, and a replay of an old order must hash the
// same. Never change its fields, their names or their JSON types; a golden
// hash in order_content_test.cc guards it.
//
// Thread safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"

namespace larder::hub::db {

struct CheckedOrder {
  nlohmann::json document;   // as sent; recorded with a rejection
  std::string order_id;      // document["id"] when it is a string, else ""
  std::string invalid;       // why the document is invalid; "" when it is valid
  nlohmann::json canonical;  // when valid: sorted keys, no status, known fields only
  std::string content_hash;  // when valid: SHA-256 hex of canonical.dump()
};

// Checks types, UUIDs, ranges, the arithmetic of lines and totals, and the
// shapes of placed_at and currency. `invalid` names the path of the first
// problem, e.g. "items[0].quantity must be >= 1".
CheckedOrder check_order(nlohmann::json document);

// The canonical content hash (SHA-256 hex) of a valid order document;
// kInvalidArgument with check_order's message otherwise.
Result<std::string> order_content_hash(const nlohmann::json& order);

}  // namespace larder::hub::db
