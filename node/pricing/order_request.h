// OrderRequest: an order as the kiosk asks for it, before pricing, and the
// strict parser of the POST body that carries it.
//
// Body (the whole grammar; anything else is refused):
//   {"lines": [{"item_id": "<id>", "quantity": <1..99>,
//               "option_ids": ["<id>", ...]}, ...],        1..50 lines
//    "note": "<text>"}                                       optional
// - Unknown fields, duplicate keys and wrong JSON types are errors (a string
//   "2" or a number 1.5 or 2.0 is not a quantity).
// - quantity is required; option_ids is optional (absent = no options), at
//   most 50 per line, each at most once.
// - Ids are 1..64 visible ASCII characters (0x21..0x7E): every id is a UUID
//   in practice, and the bound lets messages echo ids safely.
// - note: at most 200 characters (Unicode code points), no control
//   characters except line breaks; null is not accepted (omit the field).
// - The body is at most kMaxRequestBytes bytes of UTF-8 JSON.
// Prices never come from the client: the request names things, the menu
// snapshot prices them (DESIGN.md decision 8).
//
// Thread safety: pure functions over values.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "node/pricing/field_error.h"

namespace larder::pricing {

inline constexpr std::size_t kMaxRequestBytes = 64 * 1024;
inline constexpr std::size_t kMaxLines = 50;
inline constexpr int kMinQuantity = 1;
inline constexpr int kMaxQuantity = 99;
inline constexpr std::size_t kMaxOptionsPerLine = 50;
inline constexpr std::size_t kMaxIdLength = 64;
inline constexpr std::size_t kMaxNoteChars = 200;

struct OrderLineRequest {
  std::string item_id;
  int quantity = 0;
  std::vector<std::string> option_ids;  // in the order the client sent them

  friend bool operator==(const OrderLineRequest&, const OrderLineRequest&) = default;
};

struct OrderRequest {
  std::vector<OrderLineRequest> lines;
  std::optional<std::string> note;

  friend bool operator==(const OrderRequest&, const OrderRequest&) = default;
};

// Parses and validates a POST body. On success, an OrderRequest that passes
// validate_order_request(); on failure, every problem found (up to
// ErrorList::kMaxErrors), each with its path, e.g.
//   {"lines[1].quantity", "must be an integer from 1 to 99"}.
// Never throws; any input is safe (it is fuzzed).
Validated<OrderRequest> parse_order_request(std::string_view body);

// The same limits, checked on an OrderRequest built in code (price_order()
// calls it, so a request that did not come through the parser cannot break
// pricing's arithmetic bounds). Empty when the request is within limits.
std::vector<FieldError> validate_order_request(const OrderRequest& request);

}  // namespace larder::pricing
