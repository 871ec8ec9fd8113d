#include "node/pricing/menu_snapshot.h"

#include <set>
#include <string_view>

#include "node/pricing/field_error.h"

namespace larder::pricing {
namespace {

constexpr std::size_t kMaxProblemsListed = 20;

class Problems {
 public:
  void add(std::string what) {
    ++count_;
    if (count_ <= kMaxProblemsListed) {
      if (!text_.empty()) text_ += "; ";
      text_ += what;
    }
  }
  Status status() const {
    if (count_ == 0) return Status::ok();
    std::string msg = "menu snapshot is inconsistent (" + std::to_string(count_) +
                      " problem" + (count_ == 1 ? "" : "s") + "): " + text_;
    if (count_ > kMaxProblemsListed) msg += "; ...";
    return data_loss(std::move(msg));
  }

 private:
  std::string text_;
  std::size_t count_ = 0;
};

bool valid_currency(std::string_view c) {
  if (c.size() != 3) return false;
  for (const char ch : c) {
    if (ch < 'A' || ch > 'Z') return false;
  }
  return true;
}

void check_items(const MenuSnapshot& menu, Problems& problems) {
  for (const auto& [id, item] : menu.items) {
    if (item.price_minor < 0 || item.price_minor > kMaxAmountMinor) {
      problems.add("item " + quoted(id) + " has price " + std::to_string(item.price_minor) +
                   ", outside 0.." + std::to_string(kMaxAmountMinor));
    }
    std::set<std::string_view> seen;
    for (const std::string& gid : item.modifier_ids) {
      if (!seen.insert(gid).second) {
        problems.add("item " + quoted(id) + " lists modifier group " + quoted(gid) + " twice");
      }
      if (menu.modifiers.find(gid) == menu.modifiers.end()) {
        problems.add("item " + quoted(id) + " refers to missing modifier group " + quoted(gid));
      }
    }
  }
}

void check_groups(const MenuSnapshot& menu, Problems& problems) {
  for (const auto& [id, group] : menu.modifiers) {
    if (group.min_choices < 0 || group.max_choices < group.min_choices) {
      problems.add("modifier group " + quoted(id) + " has min_choices " +
                   std::to_string(group.min_choices) + " and max_choices " +
                   std::to_string(group.max_choices) + " (need 0 <= min <= max)");
    }
    for (const std::string& oid : group.option_ids) {
      auto it = menu.options.find(oid);
      if (it == menu.options.end()) {
        problems.add("modifier group " + quoted(id) + " lists missing option " + quoted(oid));
      } else if (it->second.modifier_id != id) {
        problems.add("modifier group " + quoted(id) + " lists option " + quoted(oid) +
                     ", which belongs to group " + quoted(it->second.modifier_id));
      }
    }
  }
}

void check_options(const MenuSnapshot& menu, Problems& problems) {
  for (const auto& [id, option] : menu.options) {
    if (option.price_delta_minor < -kMaxAmountMinor || option.price_delta_minor > kMaxAmountMinor) {
      problems.add("option " + quoted(id) + " has price delta " +
                   std::to_string(option.price_delta_minor) + ", outside +-" +
                   std::to_string(kMaxAmountMinor));
    }
    auto group = menu.modifiers.find(option.modifier_id);
    if (group == menu.modifiers.end()) {
      problems.add("option " + quoted(id) + " belongs to missing modifier group " +
                   quoted(option.modifier_id));
      continue;
    }
    bool listed = false;
    for (const std::string& oid : group->second.option_ids) listed = listed || oid == id;
    if (!listed) {
      problems.add("option " + quoted(id) + " is not listed in its group " +
                   quoted(option.modifier_id));
    }
  }
}

}  // namespace

Status check_menu_snapshot(const MenuSnapshot& menu) {
  Problems problems;
  if (!valid_currency(menu.currency)) {
    problems.add("currency " + quoted(menu.currency) + " is not three letters A-Z");
  }
  if (menu.tax_rate_bp < 0 || menu.tax_rate_bp > kMaxTaxRateBp) {
    problems.add("tax rate " + std::to_string(menu.tax_rate_bp) + " bp is outside 0.." +
                 std::to_string(kMaxTaxRateBp));
  }
  check_items(menu, problems);
  check_groups(menu, problems);
  check_options(menu, problems);
  return problems.status();
}

}  // namespace larder::pricing
