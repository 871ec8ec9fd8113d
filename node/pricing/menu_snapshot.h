// MenuSnapshot: what pricing needs to know about one location's menu, at one
// moment, as plain values.
//
// The node loads it from the tenant's SQLCipher replica (storage owns that
// loader) and hands it to price_order(); tests build one directly. Pricing
// never touches storage, the clock or the network: given the same snapshot and
// request it gives the same answer.
//
// Field meanings follow notes/schema.md: locations.tax_rate_bp and
// tax_inclusive, items, modifiers (here "modifier groups"), item_modifiers
// (MenuItem::modifier_ids, in sort_order), options. The maps are keyed by id.
// The loader decides what is sellable now (active menus, dayparts): an item
// outside the current daypart is either left out or marked available=false.
//
// `available` defaults to false so a loader that forgets to fill it refuses
// to sell, rather than selling what the back office switched off.
//
// Which one is authoritative: an option belongs to the group named by its
// modifier_id (as options.modifier_id in the schema); ModifierGroup::option_ids
// only gives the display order, which pricing uses to order an order line's
// options. check_menu_snapshot() reports where the two disagree.
//
// Thread safety: a plain value; share it read-only between threads freely.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "node/pricing/tax.h"

namespace larder::pricing {

enum class Selection {
  kSingle,  // at most one option, whatever max_choices says
  kMulti,   // between min_choices and max_choices options
};

struct MenuItem {
  std::string name;
  std::int64_t price_minor = 0;           // >= 0
  bool available = false;
  std::vector<std::string> modifier_ids;  // its modifier groups, in display order
};

struct ModifierGroup {
  std::string name;
  Selection selection = Selection::kMulti;
  int min_choices = 0;                 // >= 0; >= 1 makes a choice mandatory
  int max_choices = 0;                 // >= min_choices
  std::vector<std::string> option_ids;  // in display order
};

struct ModifierOption {
  std::string modifier_id;  // the group it belongs to
  std::string name;
  std::int64_t price_delta_minor = 0;  // may be negative ("no cheese: -50")
  // Carried for the screen, which pre-selects defaults. Pricing applies no
  // implicit defaults: only the option ids in the request are charged.
  bool is_default = false;
  bool available = false;
};

struct MenuSnapshot {
  std::string currency;        // ISO 4217, e.g. "USD"; copied into the priced order
  std::int32_t tax_rate_bp = 0;  // 0..kMaxTaxRateBp; 800 = 8.00 %
  TaxMode tax_mode = TaxMode::kExclusive;
  // std::less<> lets price_order look ids up by string_view without copies.
  std::map<std::string, MenuItem, std::less<>> items;
  std::map<std::string, ModifierGroup, std::less<>> modifiers;
  std::map<std::string, ModifierOption, std::less<>> options;
};

// Checks that the snapshot is one pricing can trust: currency of three
// letters A-Z, tax rate in range, prices and deltas within +-kMaxAmountMinor
// (item prices >= 0), 0 <= min_choices <= max_choices, every referenced group
// and option exists, and each group's option_ids agree with the options'
// modifier_id. OK, or kDataLoss listing up to 20 problems (which record, what).
//
// The loader should call it and log (or refuse) a bad snapshot. price_order()
// does not depend on it: given an inconsistent snapshot it refuses the
// affected lines with an error instead of mispricing or crashing.
Status check_menu_snapshot(const MenuSnapshot& menu);

}  // namespace larder::pricing
