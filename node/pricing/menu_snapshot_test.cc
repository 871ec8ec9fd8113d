#include "node/pricing/menu_snapshot.h"

#include <doctest/doctest.h>

#include "node/pricing/test_menu.h"

namespace larder::pricing {
namespace {

TEST_CASE("the demo menu is consistent") {
  CHECK_MESSAGE(check_menu_snapshot(testing::demo_menu()).is_ok(),
                check_menu_snapshot(testing::demo_menu()).to_string());
}

TEST_CASE("check_menu_snapshot names each problem") {
  MenuSnapshot m = testing::demo_menu();
  m.currency = "usd";
  m.tax_rate_bp = -1;
  m.items["burger"].modifier_ids.push_back("gone");
  m.items["salad"].price_minor = -1;
  m.modifiers["toppings"].min_choices = 4;
  m.modifiers["size"].option_ids.push_back("cheese");
  m.options["ghost"] = testing::option("nowhere", "Ghost", 0);
  m.options["loose"] = testing::option("milk", "Loose", kMaxAmountMinor + 1);
  const Status s = check_menu_snapshot(m);
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.code() == Code::kDataLoss);
  CHECK(s.message() ==
        "menu snapshot is inconsistent (9 problems): "
        "currency \"usd\" is not three letters A-Z; "
        "tax rate -1 bp is outside 0..100000; "
        "item \"burger\" refers to missing modifier group \"gone\"; "
        "item \"salad\" has price -1, outside 0..1000000000000; "
        "modifier group \"size\" lists option \"cheese\", which belongs to group \"toppings\"; "
        "modifier group \"toppings\" has min_choices 4 and max_choices 3 (need 0 <= min <= max); "
        "option \"ghost\" belongs to missing modifier group \"nowhere\"; "
        "option \"loose\" has price delta 1000000000001, outside +-1000000000000; "
        "option \"loose\" is not listed in its group \"milk\"");
}

TEST_CASE("a default-constructed item or option is not available") {
  CHECK_FALSE(MenuItem{}.available);
  CHECK_FALSE(ModifierOption{}.available);
}

}  // namespace
}  // namespace larder::pricing
