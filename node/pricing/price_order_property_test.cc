// Property tests: many random menus and orders, seeded and deterministic.
// Each order is checked against an independent reference computed in
// __int128 with the rounding rule written out a different way (quotient and
// remainder compared with one half) than tax.cc's (add half, then divide).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "node/pricing/price_order.h"
#include "node/pricing/test_menu.h"

namespace larder::pricing {
namespace {

// splitmix64: the same sequence on every compiler and standard library
// (std::uniform_int_distribution is not specified bit for bit).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::int64_t range(std::int64_t lo, std::int64_t hi) {  // inclusive
    return lo + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  bool chance(int percent) { return range(1, 100) <= percent; }
  template <typename T>
  const T& pick(const std::vector<T>& v) { return v[static_cast<std::size_t>(range(0, static_cast<std::int64_t>(v.size()) - 1))]; }
  template <typename T>
  void shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[static_cast<std::size_t>(range(0, static_cast<std::int64_t>(i) - 1))]);
  }

 private:
  std::uint64_t s_;
};

// __extension__: __int128 is a GCC/Clang extension, and -Wpedantic is on.
__extension__ typedef __int128 i128;

std::int64_t ref_exclusive_tax(std::int64_t subtotal, std::int32_t rate) {
  const i128 n = static_cast<i128>(subtotal) * rate;
  i128 q = n / 10000;
  if ((n % 10000) * 2 >= 10000) ++q;
  return static_cast<std::int64_t>(q);
}

std::int64_t ref_inclusive_tax(std::int64_t subtotal, std::int32_t rate) {
  const i128 n = static_cast<i128>(subtotal) * 10000;
  const i128 d = 10000 + static_cast<i128>(rate);
  i128 net = n / d;
  if ((n % d) * 2 >= d) ++net;
  return static_cast<std::int64_t>(subtotal - net);
}

std::int32_t random_rate(Rng& rng) {
  static const std::vector<std::int32_t> kCommon = {0, 1, 500, 700, 800, 825, 1000, 1999, 2000, 2500, 10000, 100000};
  return rng.chance(50) ? rng.pick(kCommon) : static_cast<std::int32_t>(rng.range(0, kMaxTaxRateBp));
}

std::int64_t random_amount(Rng& rng, std::int64_t lo, std::int64_t hi) {
  // Mostly kiosk-sized amounts, sometimes anything up to the ceiling.
  if (rng.chance(5)) return rng.range(lo < 0 ? -kMaxAmountMinor : 0, kMaxAmountMinor);
  return rng.range(lo, hi);
}

MenuSnapshot random_menu(Rng& rng) {
  MenuSnapshot m;
  m.currency = "EUR";
  m.tax_rate_bp = random_rate(rng);
  m.tax_mode = rng.chance(50) ? TaxMode::kExclusive : TaxMode::kInclusive;
  const int groups = static_cast<int>(rng.range(0, 6));
  std::vector<std::string> group_ids;
  for (int g = 0; g < groups; ++g) {
    const std::string gid = "g" + std::to_string(g);
    ModifierGroup group;
    group.name = "Group " + std::to_string(g);
    group.selection = rng.chance(40) ? Selection::kSingle : Selection::kMulti;
    const int options = static_cast<int>(rng.range(1, 6));
    for (int o = 0; o < options; ++o) {
      const std::string oid = gid + "o" + std::to_string(o);
      group.option_ids.push_back(oid);
      m.options[oid] = testing::option(gid, "Option " + oid, random_amount(rng, -600, 900),
                                       /*available=*/rng.chance(90), rng.chance(20));
    }
    group.min_choices = static_cast<int>(rng.range(0, group.selection == Selection::kSingle ? 1 : 2));
    group.max_choices = static_cast<int>(rng.range(group.min_choices, options + 1));
    group_ids.push_back(gid);
    m.modifiers[gid] = std::move(group);
  }
  const int items = static_cast<int>(rng.range(1, 8));
  for (int i = 0; i < items; ++i) {
    std::vector<std::string> mine = group_ids;
    rng.shuffle(mine);
    mine.resize(static_cast<std::size_t>(rng.range(0, std::min<std::int64_t>(3, static_cast<std::int64_t>(mine.size())))));
    m.items["i" + std::to_string(i)] =
        testing::item("Item " + std::to_string(i), random_amount(rng, 0, 5000), std::move(mine), rng.chance(90));
  }
  return m;
}

// An order that is valid by construction unless `mutate` is set (then one
// thing is wrong with it) or the menu makes it impossible (too few available
// options in a mandatory group, a negative unit price, the ceiling).
OrderRequest random_order(Rng& rng, const MenuSnapshot& menu, bool mutate) {
  std::vector<std::string> item_ids;
  for (const auto& [id, item] : menu.items) {
    if (item.available) item_ids.push_back(id);
  }
  if (item_ids.empty()) item_ids.push_back(menu.items.begin()->first);
  OrderRequest req;
  const int lines = static_cast<int>(rng.chance(5) ? rng.range(1, 50) : rng.range(1, 5));
  for (int l = 0; l < lines; ++l) {
    OrderLineRequest line;
    line.item_id = rng.pick(item_ids);
    line.quantity = static_cast<int>(rng.chance(80) ? rng.range(1, 3) : rng.range(1, 99));
    for (const std::string& gid : menu.items.at(line.item_id).modifier_ids) {
      const ModifierGroup& g = menu.modifiers.at(gid);
      std::vector<std::string> avail;
      for (const std::string& oid : g.option_ids) {
        if (menu.options.at(oid).available) avail.push_back(oid);
      }
      rng.shuffle(avail);
      const int max = g.selection == Selection::kSingle ? std::min(1, g.max_choices) : g.max_choices;
      const int k = static_cast<int>(rng.range(g.min_choices, std::max(g.min_choices, max)));
      for (int c = 0; c < k && c < static_cast<int>(avail.size()); ++c) line.option_ids.push_back(avail[static_cast<std::size_t>(c)]);
    }
    rng.shuffle(line.option_ids);
    req.lines.push_back(std::move(line));
  }
  if (mutate) {
    OrderLineRequest& line = req.lines[static_cast<std::size_t>(rng.range(0, static_cast<std::int64_t>(req.lines.size()) - 1))];
    switch (rng.range(0, 3)) {
      case 0: line.item_id = "no-such-item"; break;
      case 1: line.option_ids.push_back("no-such-option"); break;
      case 2: if (!menu.options.empty()) {
                const std::string& any = std::next(menu.options.begin(), rng.range(0, static_cast<std::int64_t>(menu.options.size()) - 1))->first;
                if (std::find(line.option_ids.begin(), line.option_ids.end(), any) == line.option_ids.end()) line.option_ids.push_back(any);
              }
              break;
      default: line.quantity = rng.chance(50) ? 0 : 100; break;
    }
  }
  return req;
}

std::string to_json(const OrderRequest& req) {
  std::string out = R"({"lines":[)";
  for (std::size_t i = 0; i < req.lines.size(); ++i) {
    const OrderLineRequest& l = req.lines[i];
    out += (i ? ",{" : "{") + std::string(R"("item_id":")") + l.item_id + R"(","quantity":)" + std::to_string(l.quantity) +
           R"(,"option_ids":[)";
    for (std::size_t j = 0; j < l.option_ids.size(); ++j) out += (j ? ",\"" : "\"") + l.option_ids[j] + "\"";
    out += "]}";
  }
  return out + "]}";
}

// Checks one priced order against the reference; returns the number of
// option-order checks done (to be sure the test exercised them).
void check_priced(const MenuSnapshot& menu, const OrderRequest& req, const PricedOrder& order) {
  REQUIRE(order.lines.size() == req.lines.size());
  i128 subtotal = 0;
  for (std::size_t i = 0; i < req.lines.size(); ++i) {
    const OrderLineRequest& want = req.lines[i];
    const PricedLine& got = order.lines[i];
    const MenuItem& item = menu.items.at(want.item_id);
    CHECK(got.line_no == static_cast<int>(i) + 1);
    CHECK(got.item_id == want.item_id);
    CHECK(got.name == item.name);
    CHECK(got.quantity == want.quantity);
    i128 unit = item.price_minor;
    for (const std::string& oid : want.option_ids) unit += menu.options.at(oid).price_delta_minor;
    CHECK(got.unit_price_minor == static_cast<std::int64_t>(unit));
    CHECK(got.unit_price_minor >= 0);
    CHECK(got.line_total_minor == static_cast<std::int64_t>(unit * want.quantity));
    CHECK(got.line_total_minor >= 0);
    CHECK(got.line_total_minor <= kMaxAmountMinor);
    subtotal += got.line_total_minor;
    // The same options as asked, in menu order, each with its snapshot.
    std::set<std::string> asked(want.option_ids.begin(), want.option_ids.end());
    std::set<std::string> priced;
    std::vector<std::pair<std::size_t, std::size_t>> order_keys;
    for (const PricedOption& o : got.options) {
      priced.insert(o.option_id);
      const ModifierOption& mo = menu.options.at(o.option_id);
      CHECK(o.modifier_id == mo.modifier_id);
      CHECK(o.name == mo.name);
      CHECK(o.price_delta_minor == mo.price_delta_minor);
      const auto& groups = item.modifier_ids;
      const auto& opts = menu.modifiers.at(o.modifier_id).option_ids;
      order_keys.emplace_back(std::find(groups.begin(), groups.end(), o.modifier_id) - groups.begin(),
                              std::find(opts.begin(), opts.end(), o.option_id) - opts.begin());
    }
    CHECK(priced == asked);
    CHECK(std::is_sorted(order_keys.begin(), order_keys.end()));
  }
  CHECK(order.subtotal_minor == static_cast<std::int64_t>(subtotal));
  CHECK(order.subtotal_minor >= 0);
  CHECK(order.tax_minor >= 0);
  CHECK(order.total_minor >= 0);
  CHECK(order.total_minor <= kMaxAmountMinor);
  CHECK(order.tax_rate_bp == menu.tax_rate_bp);
  CHECK(order.tax_mode == menu.tax_mode);
  if (menu.tax_mode == TaxMode::kExclusive) {
    CHECK(order.subtotal_minor + order.tax_minor == order.total_minor);
    CHECK(order.tax_minor == ref_exclusive_tax(order.subtotal_minor, menu.tax_rate_bp));
  } else {
    CHECK(order.total_minor == order.subtotal_minor);
    CHECK(order.tax_minor <= order.total_minor);
    CHECK(order.tax_minor == ref_inclusive_tax(order.subtotal_minor, menu.tax_rate_bp));
  }
}

bool is_money_limit_error(const FieldError& e) {
  return e.message.find("a line cannot cost less than 0") != std::string::npos ||
         e.message.find("exceeds the limit of") != std::string::npos;
}

TEST_CASE("property: random menus and orders price consistently") {
  Rng rng(20240611);
  int priced = 0, refused = 0, refused_by_money = 0, with_options = 0;
  for (int m = 0; m < 400; ++m) {
    const MenuSnapshot menu = random_menu(rng);
    REQUIRE_MESSAGE(check_menu_snapshot(menu).is_ok(), check_menu_snapshot(menu).to_string());
    for (int k = 0; k < 10; ++k) {
      const bool mutate = rng.chance(15);
      const OrderRequest req = random_order(rng, menu, mutate);
      CAPTURE(m);
      CAPTURE(k);
      const std::string json = to_json(req);
      CAPTURE(json);

      const PricingOutcome out = price_order(menu, req);
      // Deterministic, and the JSON path agrees with the in-code path.
      CHECK(price_order(menu, req).is_ok() == out.is_ok());
      const PricingOutcome via_json = testing::parse_and_price(menu, json);
      CHECK(via_json.is_ok() == out.is_ok());
      CHECK(via_json.errors() == out.errors());

      if (out.is_ok()) {
        ++priced;
        check_priced(menu, req, out.value());
        CHECK(price_order(menu, req).value() == out.value());
        CHECK(via_json.value() == out.value());
        // The order of option ids in the request does not matter.
        OrderRequest shuffled = req;
        for (OrderLineRequest& line : shuffled.lines) {
          if (!line.option_ids.empty()) ++with_options;
          rng.shuffle(line.option_ids);
        }
        const PricingOutcome again = price_order(menu, shuffled);
        REQUIRE(again.is_ok());
        CHECK(again.value() == out.value());
      } else {
        ++refused;
        CHECK_FALSE(out.errors().empty());
        CHECK(out.errors() == price_order(menu, req).errors());
        for (const FieldError& e : out.errors()) {
          CHECK((e.path.empty() || e.path.rfind("lines", 0) == 0));
          CHECK_FALSE(e.message.empty());
        }
        // The priced-or-not decision must match an independent check when
        // the order was built valid and every group could be satisfied.
        bool satisfiable = !mutate;
        for (const OrderLineRequest& line : satisfiable ? req.lines : std::vector<OrderLineRequest>{}) {
          const MenuItem& item = menu.items.at(line.item_id);
          satisfiable = satisfiable && item.available;
          for (const std::string& gid : item.modifier_ids) {
            const ModifierGroup& g = menu.modifiers.at(gid);
            int chosen = 0;
            for (const std::string& oid : line.option_ids) chosen += menu.options.at(oid).modifier_id == gid;
            satisfiable = satisfiable && chosen >= g.min_choices;
          }
        }
        if (satisfiable) {
          ++refused_by_money;
          for (const FieldError& e : out.errors()) CHECK_MESSAGE(is_money_limit_error(e), e.message);
          // ... and the reference agrees that some amount is out of bounds.
          bool out_of_bounds = false;
          i128 subtotal = 0;
          for (const OrderLineRequest& line : req.lines) {
            i128 unit = menu.items.at(line.item_id).price_minor;
            for (const std::string& oid : line.option_ids) unit += menu.options.at(oid).price_delta_minor;
            out_of_bounds = out_of_bounds || unit < 0 || unit * line.quantity > kMaxAmountMinor;
            subtotal += unit * line.quantity;
          }
          const i128 total = menu.tax_mode == TaxMode::kInclusive || subtotal > kMaxAmountMinor
                                 ? subtotal
                                 : subtotal + ref_exclusive_tax(static_cast<std::int64_t>(subtotal), menu.tax_rate_bp);
          CHECK((out_of_bounds || total > kMaxAmountMinor));
        }
      }
    }
  }
  MESSAGE("priced " << priced << ", refused " << refused << " (" << refused_by_money
                    << " for money limits), lines with options " << with_options);
  // The generator must exercise both outcomes substantially.
  CHECK(priced > 1500);
  CHECK(refused > 300);
  CHECK(refused_by_money > 20);
  CHECK(with_options > 1000);
}

TEST_CASE("property: the tax rule matches the reference for random subtotals and rates") {
  Rng rng(7);
  for (int i = 0; i < 200000; ++i) {
    const std::int64_t subtotal = rng.chance(50) ? rng.range(0, 100000) : rng.range(0, kMaxAmountMinor);
    const std::int32_t rate = random_rate(rng);
    CAPTURE(subtotal);
    CAPTURE(rate);
    const Result<TaxBreakdown> ex = compute_tax(subtotal, rate, TaxMode::kExclusive);
    const std::int64_t want_tax = ref_exclusive_tax(subtotal, rate);
    if (static_cast<i128>(subtotal) + want_tax > kMaxAmountMinor) {
      CHECK(ex.status().code() == Code::kResourceExhausted);
    } else {
      REQUIRE(ex.is_ok());
      CHECK(ex->tax_minor == want_tax);
      CHECK(ex->total_minor == subtotal + want_tax);
    }
    const Result<TaxBreakdown> in = compute_tax(subtotal, rate, TaxMode::kInclusive);
    REQUIRE(in.is_ok());
    CHECK(in->tax_minor == ref_inclusive_tax(subtotal, rate));
    CHECK(in->tax_minor >= 0);
    CHECK(in->tax_minor <= subtotal);
    CHECK(in->total_minor == subtotal);
  }
}

}  // namespace
}  // namespace larder::pricing
