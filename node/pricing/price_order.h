// price_order(): validates an OrderRequest against a MenuSnapshot and prices
// it in exact integer minor units (node/pricing/PRICING.md has the rules).
//
// The result is either a PricedOrder or the list of everything wrong with the
// request, never both. A PricedOrder carries a snapshot of every name and
// price it used, so the order row means the same thing after the menu changes
// (DESIGN.md decision 8); its fields map onto orders, order_items and
// order_item_options in notes/schema.md.
//
// Decisions (reasons in PRICING.md):
// - No implicit defaults: only the options named in the request are applied
//   and charged. The screen pre-selects is_default options.
// - A unit price below zero (negative deltas larger than the item price) is
//   refused with an error on the line's option_ids, never clamped to 0.
// - Tax is computed once on the subtotal with half-up rounding (tax.h).
// - Every amount must stay within 0..kMaxAmountMinor or the order is refused.
// - A menu snapshot that is inconsistent (see check_menu_snapshot()) makes
//   the affected lines fail with an error; it never misprices or crashes.
//
// Thread safety: a pure function; the snapshot is only read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "node/pricing/field_error.h"
#include "node/pricing/menu_snapshot.h"
#include "node/pricing/order_request.h"
#include "node/pricing/tax.h"

namespace larder::pricing {

// order_item_options: one chosen option as sold.
struct PricedOption {
  std::string option_id;
  std::string modifier_id;
  std::string name;                    // snapshot
  std::int64_t price_delta_minor = 0;  // snapshot; may be negative

  friend bool operator==(const PricedOption&, const PricedOption&) = default;
};

// order_items: one line as sold.
struct PricedLine {
  int line_no = 0;  // 1-based, in request order (the request's lines[0] is line 1)
  std::string item_id;
  std::string name;                   // snapshot
  std::int64_t unit_price_minor = 0;  // item price + sum of option deltas, >= 0
  int quantity = 0;
  std::int64_t line_total_minor = 0;  // unit_price_minor * quantity
  // In menu order (the item's groups in order, then each group's options in
  // order), whatever order the request named them in, so the same choice
  // always yields the same line.
  std::vector<PricedOption> options;

  friend bool operator==(const PricedLine&, const PricedLine&) = default;
};

// orders: the money columns and what they were computed with.
struct PricedOrder {
  std::vector<PricedLine> lines;
  std::int64_t subtotal_minor = 0;  // sum of line totals
  std::int64_t tax_minor = 0;
  std::int64_t total_minor = 0;  // exclusive: subtotal + tax; inclusive: subtotal
  std::string currency;
  std::int32_t tax_rate_bp = 0;
  TaxMode tax_mode = TaxMode::kExclusive;
  std::optional<std::string> note;

  friend bool operator==(const PricedOrder&, const PricedOrder&) = default;
};

using PricingOutcome = Validated<PricedOrder>;

// Errors use the request's paths, e.g.
//   {"lines[0].item_id", "no item with id \"x\" on this menu"}
//   {"lines[2].option_ids", "choose at least 1 option in \"Size\""}
// and come in request order (up to ErrorList::kMaxErrors).
PricingOutcome price_order(const MenuSnapshot& menu, const OrderRequest& request);

}  // namespace larder::pricing
