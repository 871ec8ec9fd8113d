#include "node/pricing/price_order.h"

#include <algorithm>
#include <cstddef>
#include <string_view>
#include <tuple>

namespace larder::pricing {
namespace {

const std::string kMaxAmountText = std::to_string(kMaxAmountMinor);

// One of the ordered item's modifier groups and how many options the line
// chose in it.
struct ItemGroup {
  std::string_view id;
  const ModifierGroup* group = nullptr;
  int count = 0;
};

// A chosen option with its place in menu order, for sorting.
struct Chosen {
  std::size_t group_index = 0;
  std::size_t position = 0;  // in the group's option_ids; SIZE_MAX if unlisted
  PricedOption option;
};

std::string options_count(int n) {
  return std::to_string(n) + (n == 1 ? " option" : " options");
}

std::size_t position_in(const std::vector<std::string>& ids, std::string_view id) {
  auto it = std::find(ids.begin(), ids.end(), id);
  return it == ids.end() ? static_cast<std::size_t>(-1) : static_cast<std::size_t>(it - ids.begin());
}

// The item's groups, each once; empty with an error when one is missing.
bool collect_groups(const MenuSnapshot& menu, const MenuItem& item, const std::string& item_path,
                    std::vector<ItemGroup>& groups, ErrorList& errors) {
  for (const std::string& gid : item.modifier_ids) {
    const bool seen = std::any_of(groups.begin(), groups.end(),
                                  [&](const ItemGroup& g) { return g.id == gid; });
    if (seen) continue;
    auto g = menu.modifiers.find(gid);
    if (g == menu.modifiers.end()) {
      errors.add(item_path, quoted(item.name) +
                                " cannot be ordered: the menu refers to a missing modifier group " +
                                quoted(gid));
      return false;
    }
    groups.push_back({gid, &g->second, 0});
  }
  return true;
}

// Looks up each requested option, checks it belongs to this item and can be
// sold, and counts it against its group. Errors go on the option's own path.
void collect_options(const MenuSnapshot& menu, const MenuItem& item, const OrderLineRequest& line,
                     const std::string& options_path, std::vector<ItemGroup>& groups,
                     std::vector<Chosen>& chosen, ErrorList& errors) {
  for (std::size_t j = 0; j < line.option_ids.size(); ++j) {
    const std::string& oid = line.option_ids[j];
    const std::string path = index_path(options_path, j);
    auto o = menu.options.find(oid);
    if (o == menu.options.end()) {
      errors.add(path, "no option with id " + quoted(oid) + " on this menu");
      continue;
    }
    const ModifierOption& option = o->second;
    auto g = std::find_if(groups.begin(), groups.end(),
                          [&](const ItemGroup& ig) { return ig.id == option.modifier_id; });
    if (g == groups.end()) {
      errors.add(path, quoted(option.name) + " is not an option of " + quoted(item.name));
      continue;
    }
    // Counted even when unavailable, so the line gets one error ("not
    // available"), not a second one about the group's minimum.
    ++g->count;
    if (!option.available) {
      errors.add(path, quoted(option.name) + " is not available right now");
      continue;
    }
    if (option.price_delta_minor < -kMaxAmountMinor || option.price_delta_minor > kMaxAmountMinor) {
      errors.add(path, quoted(option.name) + " cannot be ordered: its menu price delta (" +
                           std::to_string(option.price_delta_minor) + ") is outside -" +
                           kMaxAmountText + ".." + kMaxAmountText);
      continue;
    }
    chosen.push_back({static_cast<std::size_t>(g - groups.begin()),
                      position_in(g->group->option_ids, oid),
                      {oid, option.modifier_id, option.name, option.price_delta_minor}});
  }
}

void check_group_counts(const std::vector<ItemGroup>& groups, const std::string& options_path,
                        ErrorList& errors) {
  for (const ItemGroup& g : groups) {
    const int min = std::max(0, g.group->min_choices);
    int max = std::max(0, g.group->max_choices);
    if (g.group->selection == Selection::kSingle) max = std::min(max, 1);
    if (g.count < min) {
      errors.add(options_path, "choose at least " + options_count(min) + " in " + quoted(g.group->name));
    } else if (g.count > max) {
      errors.add(options_path, "choose at most " + options_count(max) + " in " + quoted(g.group->name));
    }
  }
}

std::optional<PricedLine> price_line(const MenuSnapshot& menu, const OrderLineRequest& line,
                                     std::size_t index, ErrorList& errors) {
  const std::string path = index_path("lines", index);
  const std::string item_path = path + ".item_id";
  const std::string options_path = path + ".option_ids";

  auto it = menu.items.find(line.item_id);
  if (it == menu.items.end()) {
    errors.add(item_path, "no item with id " + quoted(line.item_id) + " on this menu");
    return std::nullopt;
  }
  const MenuItem& item = it->second;
  if (!item.available) {
    errors.add(item_path, quoted(item.name) + " is not available right now");
    return std::nullopt;
  }
  if (item.price_minor < 0 || item.price_minor > kMaxAmountMinor) {
    errors.add(item_path, quoted(item.name) + " cannot be ordered: its menu price (" +
                              std::to_string(item.price_minor) + ") is outside 0.." + kMaxAmountText);
    return std::nullopt;
  }
  std::vector<ItemGroup> groups;
  if (!collect_groups(menu, item, item_path, groups, errors)) return std::nullopt;

  const std::size_t errors_before = errors.found();
  std::vector<Chosen> chosen;
  collect_options(menu, item, line, options_path, groups, chosen, errors);
  check_group_counts(groups, options_path, errors);
  if (errors.found() != errors_before) return std::nullopt;

  std::sort(chosen.begin(), chosen.end(), [](const Chosen& a, const Chosen& b) {
    return std::tie(a.group_index, a.position, a.option.option_id) <
           std::tie(b.group_index, b.position, b.option.option_id);
  });
  // No overflow: |price| <= 1e12, at most 50 deltas of |delta| <= 1e12,
  // quantity <= 99 (validate_order_request and the checks above).
  std::int64_t unit = item.price_minor;
  for (const Chosen& c : chosen) unit += c.option.price_delta_minor;
  if (unit < 0) {
    errors.add(options_path, "these options bring the unit price of " + quoted(item.name) + " to " +
                                 std::to_string(unit) + "; a line cannot cost less than 0");
    return std::nullopt;
  }
  if (unit > kMaxAmountMinor) {
    errors.add(path, "the unit price of " + quoted(item.name) + " (" + std::to_string(unit) +
                         ") exceeds the limit of " + kMaxAmountText + " minor units");
    return std::nullopt;
  }
  const std::int64_t total = unit * line.quantity;
  if (total > kMaxAmountMinor) {
    errors.add(path + ".quantity", "the line total of " + quoted(item.name) + " (" +
                                       std::to_string(total) + ") exceeds the limit of " +
                                       kMaxAmountText + " minor units");
    return std::nullopt;
  }

  PricedLine out;
  out.line_no = static_cast<int>(index) + 1;
  out.item_id = line.item_id;
  out.name = item.name;
  out.unit_price_minor = unit;
  out.quantity = line.quantity;
  out.line_total_minor = total;
  out.options.reserve(chosen.size());
  for (Chosen& c : chosen) out.options.push_back(std::move(c.option));
  return out;
}

}  // namespace

PricingOutcome price_order(const MenuSnapshot& menu, const OrderRequest& request) {
  std::vector<FieldError> shape = validate_order_request(request);
  if (!shape.empty()) return shape;
  if (menu.tax_rate_bp < 0 || menu.tax_rate_bp > kMaxTaxRateBp) {
    return std::vector<FieldError>{
        {"", "cannot price orders at this location: its tax rate (" +
                 std::to_string(menu.tax_rate_bp) + " bp) is outside 0.." +
                 std::to_string(kMaxTaxRateBp) + "; the menu data needs fixing"}};
  }

  ErrorList errors;
  PricedOrder order;
  std::int64_t subtotal = 0;  // <= 50 lines * 1e12: no overflow
  for (std::size_t i = 0; i < request.lines.size(); ++i) {
    std::optional<PricedLine> line = price_line(menu, request.lines[i], i, errors);
    if (!line) continue;
    subtotal += line->line_total_minor;
    order.lines.push_back(std::move(*line));
  }
  if (!errors.empty()) return std::move(errors).take();
  if (subtotal > kMaxAmountMinor) {
    return std::vector<FieldError>{{"lines", "the order subtotal (" + std::to_string(subtotal) +
                                                 ") exceeds the limit of " + kMaxAmountText +
                                                 " minor units"}};
  }
  Result<TaxBreakdown> tax = compute_tax(subtotal, menu.tax_rate_bp, menu.tax_mode);
  if (!tax.is_ok()) {
    // Only the ceiling can fail here: subtotal and rate were checked above.
    return std::vector<FieldError>{{"lines", "the order total with tax exceeds the limit of " +
                                                 kMaxAmountText + " minor units"}};
  }
  order.subtotal_minor = tax->subtotal_minor;
  order.tax_minor = tax->tax_minor;
  order.total_minor = tax->total_minor;
  order.currency = menu.currency;
  order.tax_rate_bp = menu.tax_rate_bp;
  order.tax_mode = menu.tax_mode;
  order.note = request.note;
  return order;
}

}  // namespace larder::pricing
