#include "node/pricing/price_order.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "node/pricing/test_menu.h"

namespace larder::pricing {
namespace {

using testing::demo_menu;
using testing::parse_and_price;

std::string one_line(const std::string& item, int quantity, const std::string& options = "") {
  return R"({"item_id":")" + item + R"(","quantity":)" + std::to_string(quantity) +
         R"(,"option_ids":[)" + options + "]}";
}

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

std::string body(const std::vector<std::string>& lines) {
  std::string out = R"({"lines":[)";
  for (std::size_t i = 0; i < lines.size(); ++i) out += (i ? "," : "") + lines[i];
  return out + "]}";
}

struct ValidCase {
  const char* name;
  std::string json;
  std::int32_t rate_bp;
  TaxMode mode;
  std::int64_t subtotal, tax, total;
};

TEST_CASE("valid orders price to exact integer totals") {
  const TaxMode kEx = TaxMode::kExclusive;
  const TaxMode kIn = TaxMode::kInclusive;
  const std::vector<ValidCase> cases = {
      {"one burger, 8 % exclusive", body({one_line("burger", 1, R"("regular")")}), 800, kEx,
       1000, 80, 1080},
      {"large + cheese + onion, quantity 2", body({one_line("burger", 2, R"("large","cheese","onion")")}),
       800, kEx, 2400, 192, 2592},
      {"negative option delta (small)", body({one_line("burger", 1, R"("small")")}), 800, kEx,
       900, 72, 972},
      {"0 % tax", body({one_line("water", 3), one_line("salad", 1)}), 0, kEx, 850, 0, 850},
      {"exclusive .5 rounds up (5 at 10 %)", body({one_line("mint", 1)}), 1000, kEx, 5, 1, 6},
      {"exclusive 0.4 rounds down (5 at 8 %)", R"({"lines":[{"item_id":"mint","quantity":1},{"item_id":"water","quantity":1}]})",
       800, kEx, 5, 0, 5},
      {"exclusive 1.5 rounds up (15 at 10 %)", body({one_line("mint", 3)}), 1000, kEx, 15, 2, 17},
      {"exclusive 16.5 rounds up (200 at 8.25 %)", body({one_line("mint", 40)}), 825, kEx, 200, 17, 217},
      {"exclusive 16.0875 rounds down (195 at 8.25 %)", body({one_line("mint", 39)}), 825, kEx,
       195, 16, 211},
      {"exclusive one basis point", body({one_line("burger", 50, R"("regular")")}), 1, kEx, 50000, 5, 50005},
      {"exclusive 1000 %", body({one_line("burger", 1, R"("regular")")}), 100000, kEx, 1000, 10000, 11000},
      {"inclusive 20 %: 1200 holds 200", body({one_line("burger", 1, R"("large","cheese")")}), 2000, kIn,
       1200, 200, 1200},
      {"inclusive 20 %: 1000 holds 166.67 -> 167", body({one_line("burger", 1, R"("regular")")}), 2000,
       kIn, 1000, 167, 1000},
      {"inclusive net 2.5 rounds up to 3 (5 at 100 %)", body({one_line("mint", 1)}), 10000, kIn, 5, 2, 5},
      {"inclusive 0 %", body({one_line("salad", 2, R"("vinaigrette")")}), 0, kIn, 1750, 0, 1750},
      {"multi-select at max (3 toppings)", body({one_line("burger", 1, R"("regular","cheese","jalapeno","pickles")")}),
       800, kEx, 1080, 86, 1166},
      {"several lines", body({one_line("burger", 2, R"("regular")"), one_line("salad", 1, R"("vinaigrette")"),
                              one_line("coffee", 3, R"("oat")"), one_line("kids", 1, R"("no_fries")")}),
       800, kEx, 2000 + 875 + 930 + 200, 320, 4325},
      {"unit price exactly 0 is allowed", body({one_line("kids", 2, R"("no_toy")")}), 800, kEx, 0, 0, 0},
      {"option_ids omitted", R"({"lines":[{"item_id":"water","quantity":1}],"note":"no ice"})", 800,
       kEx, 0, 0, 0},
      {"note of 200 non-ASCII characters",
       R"({"lines":[{"item_id":"mint","quantity":2}],"note":")" + repeat("\xC3\xA9", 200) + "\"}",
       800, kEx, 10, 1, 11},
  };
  for (const ValidCase& c : cases) {
    CAPTURE(c.name);
    MenuSnapshot menu = demo_menu();
    menu.tax_rate_bp = c.rate_bp;
    menu.tax_mode = c.mode;
    PricingOutcome out = parse_and_price(menu, c.json);
    REQUIRE_MESSAGE(out.is_ok(), describe(out.errors()));
    CHECK(out.errors().empty());
    CHECK(out.value().subtotal_minor == c.subtotal);
    CHECK(out.value().tax_minor == c.tax);
    CHECK(out.value().total_minor == c.total);
    CHECK(out.value().currency == "USD");
    CHECK(out.value().tax_rate_bp == c.rate_bp);
    CHECK(out.value().tax_mode == c.mode);
  }
}

struct InvalidCase {
  const char* name;
  std::string json;
  std::vector<FieldError> errors;
};

TEST_CASE("invalid orders give exact paths and messages") {
  const std::string kQty = "must be an integer from 1 to 99";
  const std::string kLines = "must be an array of 1 to 50 order lines";
  const std::string kId = "must be a non-empty string of at most 64 visible ASCII characters";
  std::vector<std::string> fifty_one(51, one_line("water", 1));
  const std::vector<InvalidCase> cases = {
      {"unknown item", body({one_line("nope", 1)}),
       {{"lines[0].item_id", R"(no item with id "nope" on this menu)"}}},
      {"unavailable item", body({one_line("water", 1), one_line("soup", 1)}),
       {{"lines[1].item_id", R"("Soup" is not available right now)"}}},
      {"unavailable option", body({one_line("burger", 1, R"("regular","bacon")")}),
       {{"lines[0].option_ids[1]", R"("Bacon" is not available right now)"}}},
      {"unknown option", body({one_line("burger", 1, R"("regular","gold")")}),
       {{"lines[0].option_ids[1]", R"(no option with id "gold" on this menu)"}}},
      {"option of another item's group", body({one_line("burger", 1, R"("regular","ranch")")}),
       {{"lines[0].option_ids[1]", R"("Ranch" is not an option of "Burger")"}}},
      {"too few choices", body({one_line("burger", 1, R"("cheese")")}),
       {{"lines[0].option_ids", R"(choose at least 1 option in "Size")"}}},
      {"too many choices", body({one_line("burger", 1, R"("regular","cheese","onion","pickles","jalapeno")")}),
       {{"lines[0].option_ids", R"(choose at most 3 options in "Toppings")"}}},
      {"single group with two choices", body({one_line("burger", 1, R"("small","large")")}),
       {{"lines[0].option_ids", R"(choose at most 1 option in "Size")"}}},
      {"single group whose data says max 2", body({one_line("coffee", 1, R"("oat","whole")")}),
       {{"lines[0].option_ids", R"(choose at most 1 option in "Milk")"}}},
      {"negative unit price", body({one_line("kids", 1, R"("no_toy","no_fries")")}),
       {{"lines[0].option_ids",
         R"(these options bring the unit price of "Kids meal" to -100; a line cannot cost less than 0)"}}},
      {"quantity 0", body({one_line("water", 0)}), {{"lines[0].quantity", kQty}}},
      {"quantity 100", body({one_line("water", 100)}), {{"lines[0].quantity", kQty}}},
      {"quantity -1", body({one_line("water", -1)}), {{"lines[0].quantity", kQty}}},
      {"quantity 1.5", R"({"lines":[{"item_id":"water","quantity":1.5}]})", {{"lines[0].quantity", kQty}}},
      {"quantity 2.0", R"({"lines":[{"item_id":"water","quantity":2.0}]})", {{"lines[0].quantity", kQty}}},
      {"quantity \"2\"", R"({"lines":[{"item_id":"water","quantity":"2"}]})", {{"lines[0].quantity", kQty}}},
      {"quantity huge", R"({"lines":[{"item_id":"water","quantity":18446744073709551615}]})",
       {{"lines[0].quantity", kQty}}},
      {"quantity missing", R"({"lines":[{"item_id":"water"}]})", {{"lines[0].quantity", "is required"}}},
      {"item_id missing", R"({"lines":[{"quantity":1}]})", {{"lines[0].item_id", "is required"}}},
      {"item_id a number", R"({"lines":[{"item_id":7,"quantity":1}]})", {{"lines[0].item_id", kId}}},
      {"item_id empty", body({one_line("", 1)}), {{"lines[0].item_id", kId}}},
      {"item_id 65 characters", body({one_line(std::string(65, 'a'), 1)}), {{"lines[0].item_id", kId}}},
      {"item_id with a space", body({one_line("a b", 1)}), {{"lines[0].item_id", kId}}},
      {"duplicate option ids", body({one_line("burger", 1, R"("regular","cheese","regular")")}),
       {{"lines[0].option_ids[2]", R"(repeats option "regular" (choose each option at most once per line))"}}},
      {"option_ids not an array", R"({"lines":[{"item_id":"water","quantity":1,"option_ids":"x"}]})",
       {{"lines[0].option_ids", "must be an array of at most 50 option ids"}}},
      {"option id not a string", body({one_line("burger", 1, R"("regular",3)")}),
       {{"lines[0].option_ids[1]", kId}}},
      {"unknown field at the root", R"({"lines":[{"item_id":"water","quantity":1}],"table":4})",
       {{"table", "is not a known field (known fields: lines, note)"}}},
      {"unknown field in a line", R"({"lines":[{"item_id":"water","quantity":1,"price_minor":0}]})",
       {{"lines[0].price_minor", "is not a known field (known fields: item_id, quantity, option_ids)"}}},
      {"unknown field with an odd name", R"({"lines":[{"item_id":"water","quantity":1}],"a \"b\"":1})",
       {{R"(["a \"b\""])", "is not a known field (known fields: lines, note)"}}},
      {"duplicate key", R"({"lines":[{"item_id":"water","quantity":1,"quantity":2}]})",
       {{"lines[0].quantity", "appears more than once (each field may appear only once)"}}},
      {"empty lines", R"({"lines":[]})", {{"lines", kLines}}},
      {"51 lines", body(fifty_one), {{"lines", kLines}}},
      {"lines missing", R"({"note":"hi"})", {{"lines", "is required"}}},
      {"lines an object", R"({"lines":{"item_id":"water"}})", {{"lines", kLines}}},
      {"line not an object", R"({"lines":[5]})",
       {{"lines[0]", "must be an object with item_id, quantity and option_ids"}}},
      {"wrong root type (array)", R"([{"lines":[]}])", {{"", R"(must be a JSON object like {"lines": [...]})"}}},
      {"wrong root type (null)", "null", {{"", R"(must be a JSON object like {"lines": [...]})"}}},
      {"note null", R"({"lines":[{"item_id":"water","quantity":1}],"note":null})",
       {{"note", "must be a string of at most 200 characters"}}},
      {"note 201 characters", R"({"lines":[{"item_id":"water","quantity":1}],"note":")" + std::string(201, 'x') + "\"}",
       {{"note", "must be a string of at most 200 characters"}}},
      {"note with a control character", R"({"lines":[{"item_id":"water","quantity":1}],"note":"a\u0007b"})",
       {{"note", "must not contain control characters other than tab and line breaks"}}},
      {"errors on several lines, in order",
       body({one_line("nope", 1), one_line("water", 1), one_line("burger", 1), one_line("soup", 1)}),
       {{"lines[0].item_id", R"(no item with id "nope" on this menu)"},
        {"lines[2].option_ids", R"(choose at least 1 option in "Size")"},
        {"lines[3].item_id", R"("Soup" is not available right now)"}}},
      {"several parse errors at once", R"({"lines":[{"item_id":"","quantity":0,"x":1}],"y":2})",
       {{"lines[0].item_id", kId},
        {"lines[0].quantity", kQty},
        {"lines[0].x", "is not a known field (known fields: item_id, quantity, option_ids)"},
        {"y", "is not a known field (known fields: lines, note)"}}},
  };
  const MenuSnapshot menu = demo_menu();
  for (const InvalidCase& c : cases) {
    CAPTURE(c.name);
    PricingOutcome out = parse_and_price(menu, c.json);
    REQUIRE_FALSE(out.is_ok());
    CHECK_MESSAGE(out.errors() == c.errors, describe(out.errors()));
  }
}

TEST_CASE("malformed JSON names the position") {
  const MenuSnapshot menu = demo_menu();
  PricingOutcome out = parse_and_price(menu, R"({"lines":[{"item_id":"water","quantity":1}])");
  REQUIRE(out.errors().size() == 1);
  CHECK(out.errors()[0].path == "");
  CHECK(out.errors()[0].message ==
        "is not valid JSON: parse error at line 1, column 44: syntax error while parsing object - "
        "unexpected end of input; expected '}'");
  for (const char* bad : {"", "{", "{\"lines\":[}", "tru", "{\"lines\":[]}x", "\xFF", "{'lines':[]}",
                          "{\"lines\":[] /* c */}"}) {
    CAPTURE(bad);
    PricingOutcome o = parse_and_price(menu, bad);
    REQUIRE(o.errors().size() == 1);
    CHECK(o.errors()[0].path == "");
    CHECK(o.errors()[0].message.rfind("is not valid JSON: ", 0) == 0);
  }
}

TEST_CASE("a body over the size limit is refused before parsing") {
  std::string big = R"({"lines":[{"item_id":"water","quantity":1}],"note":")" +
                    std::string(kMaxRequestBytes, 'x') + "\"}";
  PricingOutcome out = parse_and_price(demo_menu(), big);
  REQUIRE(out.errors().size() == 1);
  CHECK(out.errors()[0].path == "");
  CHECK(out.errors()[0].message == "is " + std::to_string(big.size()) +
                                       " bytes; an order body may be at most 65536 bytes");
}

TEST_CASE("a priced line snapshots names and prices, options in menu order") {
  MenuSnapshot menu = demo_menu();
  PricingOutcome out =
      parse_and_price(menu, body({one_line("water", 1), one_line("burger", 2, R"("jalapeno","large","cheese")")}));
  REQUIRE_MESSAGE(out.is_ok(), describe(out.errors()));
  const PricedOrder& order = out.value();
  REQUIRE(order.lines.size() == 2);
  CHECK(order.lines[0].line_no == 1);
  CHECK(order.lines[0].name == "Water");
  CHECK(order.lines[0].options.empty());
  const PricedLine& burger = order.lines[1];
  CHECK(burger.line_no == 2);
  CHECK(burger.item_id == "burger");
  CHECK(burger.name == "Burger");
  CHECK(burger.quantity == 2);
  CHECK(burger.unit_price_minor == 1000 + 150 + 50 + 30);
  CHECK(burger.line_total_minor == 2 * 1230);
  const std::vector<PricedOption> want = {{"large", "size", "Large", 150},
                                          {"cheese", "toppings", "Cheese", 50},
                                          {"jalapeno", "toppings", "Jalapeno", 30}};
  CHECK(burger.options == want);

  // The snapshot is a copy: later menu edits do not change a priced order.
  menu.items["burger"].name = "Renamed";
  CHECK(out.value().lines[1].name == "Burger");
}

TEST_CASE("no implicit defaults: a default option is only charged when chosen") {
  MenuSnapshot menu = demo_menu();
  menu.options["regular"].price_delta_minor = 40;  // a default that costs money
  menu.modifiers["size"].min_choices = 0;          // and an optional group
  PricingOutcome bare = parse_and_price(menu, body({one_line("burger", 1)}));
  REQUIRE_MESSAGE(bare.is_ok(), describe(bare.errors()));
  CHECK(bare.value().subtotal_minor == 1000);
  CHECK(bare.value().lines[0].options.empty());
  PricingOutcome chosen = parse_and_price(menu, body({one_line("burger", 1, R"("regular")")}));
  REQUIRE(chosen.is_ok());
  CHECK(chosen.value().subtotal_minor == 1040);
}

TEST_CASE("the note is carried into the priced order") {
  PricingOutcome out =
      parse_and_price(demo_menu(), R"({"lines":[{"item_id":"water","quantity":1}],"note":"no ice\nthanks"})");
  REQUIRE(out.is_ok());
  REQUIRE(out.value().note.has_value());
  CHECK(*out.value().note == "no ice\nthanks");
}

TEST_CASE("amounts above the ceiling are refused, not overflowed") {
  MenuSnapshot menu = demo_menu();
  menu.items["yacht"] = testing::item("Yacht", kMaxAmountMinor);
  menu.items["half"] = testing::item("Half yacht", kMaxAmountMinor / 2 + 1);
  menu.items["gold"] = testing::item("Gold", kMaxAmountMinor + 1);
  menu.items["extra"] = testing::item("Extra", kMaxAmountMinor, {"plus"});
  menu.modifiers["plus"] = testing::group("Plus", Selection::kMulti, 0, 1, {"one"});
  menu.options["one"] = testing::option("plus", "One more", 1);

  // Exactly the ceiling, 0 % tax: accepted.
  menu.tax_rate_bp = 0;
  PricingOutcome at = parse_and_price(menu, body({one_line("yacht", 1)}));
  REQUIRE_MESSAGE(at.is_ok(), describe(at.errors()));
  CHECK(at.value().total_minor == kMaxAmountMinor);

  const std::vector<InvalidCase> cases = {
      {"line total", body({one_line("yacht", 2)}),
       {{"lines[0].quantity",
         R"(the line total of "Yacht" (2000000000000) exceeds the limit of 1000000000000 minor units)"}}},
      {"subtotal", body({one_line("half", 1), one_line("half", 1)}),
       {{"lines", "the order subtotal (1000000000002) exceeds the limit of 1000000000000 minor units"}}},
      {"item price above the ceiling", body({one_line("gold", 1)}),
       {{"lines[0].item_id",
         R"("Gold" cannot be ordered: its menu price (1000000000001) is outside 0..1000000000000)"}}},
      {"unit price", body({one_line("extra", 1, R"("one")")}),
       {{"lines[0]",
         R"(the unit price of "Extra" (1000000000001) exceeds the limit of 1000000000000 minor units)"}}},
  };
  for (const InvalidCase& c : cases) {
    CAPTURE(c.name);
    PricingOutcome out = parse_and_price(menu, c.json);
    REQUIRE_FALSE(out.is_ok());
    CHECK_MESSAGE(out.errors() == c.errors, describe(out.errors()));
  }

  menu.tax_rate_bp = 800;  // exclusive tax pushes the ceiling over
  PricingOutcome taxed = parse_and_price(menu, body({one_line("yacht", 1)}));
  REQUIRE_FALSE(taxed.is_ok());
  CHECK(taxed.errors() == std::vector<FieldError>{
                              {"lines", "the order total with tax exceeds the limit of 1000000000000 minor units"}});
  menu.tax_mode = TaxMode::kInclusive;  // inclusive tax does not
  PricingOutcome inclusive = parse_and_price(menu, body({one_line("yacht", 1)}));
  REQUIRE(inclusive.is_ok());
  CHECK(inclusive.value().total_minor == kMaxAmountMinor);
  CHECK(inclusive.value().tax_minor == kMaxAmountMinor - 925925925926);  // 1e12 / 1.08, half up
}

TEST_CASE("an inconsistent menu refuses the affected line instead of mispricing") {
  MenuSnapshot menu = demo_menu();
  menu.items["burger"].modifier_ids.push_back("gone");
  menu.items["odd"] = testing::item("Odd", -5);
  menu.options["stray"] = testing::option("nowhere", "Stray", 10);
  menu.items["water"].modifier_ids = {"dressing", "dressing"};  // listed twice: counted once
  PricingOutcome out = parse_and_price(
      menu, body({one_line("burger", 1, R"("regular")"), one_line("odd", 1), one_line("salad", 1, R"("stray")"),
                  one_line("water", 1, R"("ranch")")}));
  REQUIRE_FALSE(out.is_ok());
  const std::vector<FieldError> want = {
      {"lines[0].item_id", R"("Burger" cannot be ordered: the menu refers to a missing modifier group "gone")"},
      {"lines[1].item_id", R"("Odd" cannot be ordered: its menu price (-5) is outside 0..1000000000000)"},
      {"lines[2].option_ids[0]", R"("Stray" is not an option of "Salad")"},
  };
  CHECK_MESSAGE(out.errors() == want, describe(out.errors()));

  menu = demo_menu();
  menu.tax_rate_bp = 100001;
  PricingOutcome bad_rate = parse_and_price(menu, body({one_line("water", 1)}));
  CHECK(bad_rate.errors() ==
        std::vector<FieldError>{{"", "cannot price orders at this location: its tax rate (100001 bp) is "
                                     "outside 0..100000; the menu data needs fixing"}});
}

TEST_CASE("price_order checks a request built in code against the same limits") {
  OrderRequest request;
  CHECK(price_order(demo_menu(), request).errors() ==
        std::vector<FieldError>{{"lines", "must be an array of 1 to 50 order lines"}});
  request.lines.push_back({"burger", 100, {"regular", "regular"}});
  request.lines.push_back({"", 1, {}});
  request.lines.push_back({"water", 1, std::vector<std::string>(51, "x")});
  const std::vector<FieldError> want = {
      {"lines[0].quantity", "must be an integer from 1 to 99"},
      {"lines[0].option_ids[1]", R"(repeats option "regular" (choose each option at most once per line))"},
      {"lines[1].item_id", "must be a non-empty string of at most 64 visible ASCII characters"},
      {"lines[2].option_ids", "must be an array of at most 50 option ids"},
  };
  CHECK_MESSAGE(price_order(demo_menu(), request).errors() == want,
                describe(price_order(demo_menu(), request).errors()));
}

TEST_CASE("an empty menu refuses everything politely") {
  MenuSnapshot empty;
  PricingOutcome out = parse_and_price(empty, body({one_line("water", 1)}));
  CHECK(out.errors() ==
        std::vector<FieldError>{{"lines[0].item_id", R"(no item with id "water" on this menu)"}});
}

}  // namespace
}  // namespace larder::pricing
