// Test support (not part of larder_pricing): a small burger-bar menu that the
// pricing tests and the fuzz target share, and the parse-then-price pipeline
// the node's order handler runs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "node/pricing/menu_snapshot.h"
#include "node/pricing/order_request.h"
#include "node/pricing/price_order.h"

namespace larder::pricing::testing {

inline MenuItem item(std::string name, std::int64_t price, std::vector<std::string> groups = {},
                     bool available = true) {
  return {std::move(name), price, available, std::move(groups)};
}

inline ModifierGroup group(std::string name, Selection selection, int min, int max,
                           std::vector<std::string> options) {
  return {std::move(name), selection, min, max, std::move(options)};
}

inline ModifierOption option(std::string group_id, std::string name, std::int64_t delta,
                             bool available = true, bool is_default = false) {
  return {std::move(group_id), std::move(name), delta, is_default, available};
}

// USD, 8 % exclusive.
//   burger  "Burger"     1000  [size (single, 1..1), toppings (multi, 0..3)]
//   salad   "Salad"       850  [dressing (single, 0..1)]
//   soup    "Soup"        500  unavailable
//   water   "Water"         0
//   mint    "Mint"          5
//   kids    "Kids meal"   300  [swap (multi, 0..2): no_toy -300, no_fries -100]
//   coffee  "Coffee"      250  [milk (single, but max_choices 2 in the data)]
inline MenuSnapshot demo_menu() {
  MenuSnapshot m;
  m.currency = "USD";
  m.tax_rate_bp = 800;
  m.tax_mode = TaxMode::kExclusive;
  m.items["burger"] = item("Burger", 1000, {"size", "toppings"});
  m.items["salad"] = item("Salad", 850, {"dressing"});
  m.items["soup"] = item("Soup", 500, {}, /*available=*/false);
  m.items["water"] = item("Water", 0);
  m.items["mint"] = item("Mint", 5);
  m.items["kids"] = item("Kids meal", 300, {"swap"});
  m.items["coffee"] = item("Coffee", 250, {"milk"});
  m.modifiers["size"] = group("Size", Selection::kSingle, 1, 1, {"small", "regular", "large"});
  m.modifiers["toppings"] = group("Toppings", Selection::kMulti, 0, 3,
                                  {"cheese", "bacon", "onion", "pickles", "jalapeno"});
  m.modifiers["dressing"] = group("Dressing", Selection::kSingle, 0, 1, {"ranch", "vinaigrette"});
  m.modifiers["swap"] = group("Changes", Selection::kMulti, 0, 2, {"no_toy", "no_fries"});
  m.modifiers["milk"] = group("Milk", Selection::kSingle, 0, 2, {"oat", "whole"});
  m.options["small"] = option("size", "Small", -100);
  m.options["regular"] = option("size", "Regular", 0, true, /*is_default=*/true);
  m.options["large"] = option("size", "Large", 150);
  m.options["cheese"] = option("toppings", "Cheese", 50);
  m.options["bacon"] = option("toppings", "Bacon", 120, /*available=*/false);
  m.options["onion"] = option("toppings", "Onion", 0);
  m.options["pickles"] = option("toppings", "Pickles", 0);
  m.options["jalapeno"] = option("toppings", "Jalapeno", 30);
  m.options["ranch"] = option("dressing", "Ranch", 0);
  m.options["vinaigrette"] = option("dressing", "Vinaigrette", 25);
  m.options["no_toy"] = option("swap", "No toy", -300);
  m.options["no_fries"] = option("swap", "No fries", -100);
  m.options["oat"] = option("milk", "Oat milk", 60);
  m.options["whole"] = option("milk", "Whole milk", 0);
  return m;
}

// What the order handler does with a body: parse, then price.
inline PricingOutcome parse_and_price(const MenuSnapshot& menu, std::string_view body) {
  Validated<OrderRequest> request = parse_order_request(body);
  if (!request.is_ok()) return request.errors();
  return price_order(menu, request.value());
}

}  // namespace larder::pricing::testing
