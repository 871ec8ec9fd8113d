// TenantRuntime::place_order against a real replica: idempotent retries after
// the menu changed, opening hours and dayparts on the Env's clock, and a
// location row the node cannot read.
#include "node/core/tenant_runtime.h"

#include <doctest/doctest.h>

#include "node/core/node.h"
#include "storage/testing/temp_dir.h"

namespace larder::node {
using nlohmann::json;

namespace {

sync::Change row(const std::string& table, const std::string& id, json cols) {
  cols["updated_at"] = "t";
  return sync::Change{table, false, {{"id", id}}, cols};
}

json location(json overrides = json::object()) {
  json l = {{"name", "Main"}, {"timezone", "UTC"}, {"tax_rate_bp", 800}, {"tax_inclusive", false}};
  l.update(overrides);
  return l;
}

json burger(json overrides = json::object()) {
  json b = {{"category_id", "c"}, {"name", "Burger"}, {"price_minor", 650}, {"available", true}};
  b.update(overrides);
  return b;
}

// An all-day menu (a burger with an optional cheese) and a breakfast menu
// (06:00-11:00 in the location's timezone) with a croissant.
sync::PullResponse menu_page(json location_row = location()) {
  sync::PullResponse p;
  p.cursor = "v1.3.1";
  p.changes = {
      row("tenants", "acme", {{"name", "Acme Burgers"}, {"currency", "USD"}}),
      row("locations", "loc-1", std::move(location_row)),
      row("menus", "m", {{"name", "All day"}, {"active", true}}),
      row("menus", "m-breakfast",
          {{"name", "Breakfast"},
           {"active", true},
           {"dayparts", json::parse(R"([{"start":"06:00","end":"11:00"}])")}}),
      row("categories", "c", {{"menu_id", "m"}, {"name", "Burgers"}}),
      row("categories", "c-morning", {{"menu_id", "m-breakfast"}, {"name", "Morning"}}),
      row("items", "burger", burger()),
      row("items", "croissant",
          {{"category_id", "c-morning"},
           {"name", "Croissant"},
           {"price_minor", 250},
           {"available", true}}),
      row("modifiers", "extras",
          {{"name", "Extras"}, {"selection", "multi"}, {"min_choices", 0}, {"max_choices", 2}}),
      sync::Change{"item_modifiers",
                   false,
                   {{"item_id", "burger"}, {"modifier_id", "extras"}},
                   {{"updated_at", "t"}}},
      row("options", "cheese",
          {{"modifier_id", "extras"},
           {"name", "Cheese"},
           {"price_delta_minor", 50},
           {"available", true}}),
  };
  return p;
}

sync::PullResponse one_change(sync::Change change) {
  sync::PullResponse p;
  p.cursor = "v1.4.1";
  p.changes = {std::move(change)};
  return p;
}

constexpr std::int64_t kMinute = 60'000;

struct Fixture {
  storage::testing::TempDir dir;
  // Monday 2026-09-21 14:13:20 UTC.
  FakeEnv env{1'790'000'000'000};
  std::unique_ptr<Node> node;
  TenantRuntime* rt = nullptr;
  std::vector<std::string> warnings;
  int woken = 0;

  explicit Fixture(sync::PullResponse page = menu_page()) {
    TenantCredentials c{"http://127.0.0.1:1", "dev-1", "acme", "Acme", "loc-1", "K1", "secret"};
    REQUIRE(save_credentials(dir.path(), c).is_ok());
    auto n = Node::open(NodeOptions{dir.path(), "", "test"}, env);
    REQUIRE_MESSAGE(n.is_ok(), n.status().to_string());
    node = std::move(n).value();
    rt = node->runtime("acme");
    REQUIRE(rt != nullptr);
    rt->set_warning_log([this](const std::string& line) { warnings.push_back(line); });
    rt->set_order_listener([this] { ++woken; });
    apply(std::move(page));
  }
  void apply(sync::PullResponse page) { REQUIRE(rt->apply(page).is_ok()); }
  PlaceOrderOutcome place(const char* body, std::optional<std::string> key = std::nullopt) {
    return rt->place_order(body, key);
  }
  std::size_t pending() { return rt->pending_orders(100)->size(); }
};

const char* kOrder = R"({"lines":[{"item_id":"burger","quantity":2,"option_ids":["cheese"]}]})";
const char* kCroissant = R"({"lines":[{"item_id":"croissant","quantity":1}]})";

}  // namespace

TEST_CASE("an Idempotency-Key retry after a menu change answers the stored order, not 422") {
  Fixture f;
  PlaceOrderOutcome first = f.place(kOrder, "key-1");
  REQUIRE_MESSAGE(first.placed.has_value(), first.error.to_string());
  CHECK(first.placed->order.total_minor == 1512);

  // The price changes: the retry is the order as sold, not repriced.
  f.apply(one_change(row("items", "burger", burger({{"price_minor", 990}}))));
  PlaceOrderOutcome again = f.place(kOrder, "key-1");
  REQUIRE_MESSAGE(again.placed.has_value(),
                  (again.error.to_string() + pricing::describe(again.invalid)));
  CHECK(again.placed->replayed);
  CHECK(again.placed->order.id == first.placed->order.id);
  CHECK(again.placed->order.number == "K1-0001");
  CHECK(again.placed->order.total_minor == 1512);

  // The item is switched off: still the stored order, where pricing would say 422.
  f.apply(one_change(row("items", "burger", burger({{"available", false}}))));
  again = f.place(kOrder, "key-1");
  REQUIRE_MESSAGE(again.placed.has_value(),
                  (again.error.to_string() + pricing::describe(again.invalid)));
  CHECK(again.placed->replayed);
  CHECK(again.placed->order.id == first.placed->order.id);
  CHECK(again.placed->order.lines[0].unit_price_minor == 700);  // 650 + 50, as sold

  // The key with another body is a conflict before anything is priced; a new
  // key is priced against the menu of now.
  PlaceOrderOutcome reused = f.place(R"({"lines":[{"item_id":"burger","quantity":1}]})", "key-1");
  CHECK(reused.error.code() == Code::kConflict);
  CHECK(reused.error.message() ==
        "Idempotency-Key key-1 was already used for a different order (K1-0001)");
  PlaceOrderOutcome fresh = f.place(kOrder, "key-2");
  REQUIRE(fresh.invalid.size() == 1);
  CHECK(fresh.invalid[0].message == "\"Burger\" is not available right now");
  CHECK(f.pending() == 1);
  CHECK(f.woken == 1);  // replays push nothing
}

TEST_CASE("orders are refused while the location is closed, by its hours, zone and the Env clock") {
  // Monday 14:13 UTC is 10:13 in New York; open Mondays 11:00-22:00 there.
  Fixture f(
      menu_page(location({{"timezone", "America/New_York"},
                          {"opening_hours", json::parse(R"({"mon":[["11:00","22:00"]]})")}})));
  PlaceOrderOutcome closed = f.place(kOrder, "key-c");
  REQUIRE(closed.closed.has_value());
  CHECK_FALSE(closed.placed.has_value());
  CHECK(closed.invalid.empty());
  CHECK(closed.closed->opens_at == "2026-09-21T15:00:00.000Z");  // 11:00 EDT
  CHECK(json::parse((*f.rt->menu())->body)["location"]["open"] == false);
  CHECK(f.pending() == 0);

  // 11:00 in New York: the cached menu expires at the opening; the same key
  // was never stored, so the order is placed now.
  f.env.advance_ms(46 * kMinute + 40'000);
  PlaceOrderOutcome open = f.place(kOrder, "key-c");
  REQUIRE_MESSAGE(open.placed.has_value(), open.error.to_string());
  CHECK_FALSE(open.placed->replayed);

  // 22:00 in New York: closed until next Monday; a retry of the order placed
  // while open is still answered.
  f.env.advance_ms(11 * 60 * kMinute);
  closed = f.place(kOrder);
  REQUIRE(closed.closed.has_value());
  CHECK(closed.closed->opens_at == "2026-09-28T15:00:00.000Z");
  PlaceOrderOutcome retry = f.place(kOrder, "key-c");
  REQUIRE(retry.placed.has_value());
  CHECK(retry.placed->replayed);
  CHECK(f.pending() == 1);
}

TEST_CASE("an item outside its menu's daypart is refused, and sold inside it") {
  Fixture f;  // 14:13 UTC: breakfast (06:00-11:00) is over
  PlaceOrderOutcome late = f.place(kCroissant);
  REQUIRE(late.invalid.size() == 1);
  CHECK(late.invalid[0].path == "lines[0].item_id");
  f.env.advance_ms((16 * 60 + 47) * kMinute);  // Tuesday 07:00:20
  PlaceOrderOutcome early = f.place(kCroissant);
  REQUIRE_MESSAGE(early.placed.has_value(),
                  (early.error.to_string() + pricing::describe(early.invalid)));
}

TEST_CASE("a location row the node cannot read: the menu serves, orders are placed, one warning") {
  // Regression: unreadable opening_hours or timezone made the menu, and so
  // every order, fail with kDataLoss (HTTP 500).
  Fixture f(menu_page(location({{"opening_hours", json::parse(R"({"mon":"always"})")}})));
  auto menu = f.rt->menu();
  REQUIRE_MESSAGE(menu.is_ok(), menu.status().to_string());
  CHECK(json::parse((*menu)->body)["location"]["open"].is_null());
  PlaceOrderOutcome placed = f.place(kOrder);
  REQUIRE_MESSAGE(placed.placed.has_value(), placed.error.to_string());
  REQUIRE(f.warnings.size() == 1);
  CHECK(f.warnings[0].find("tenant acme: location loc-1: opening_hours cannot be read") == 0);

  // Rebuilt after a sync and at the next boundary: not logged again.
  f.apply(one_change(row("items", "burger", burger({{"price_minor", 700}}))));
  REQUIRE(f.rt->menu().is_ok());
  f.env.advance_ms(24 * 60 * kMinute);
  REQUIRE(f.place(kOrder).placed.has_value());
  CHECK(f.warnings.size() == 1);

  // The timezone goes bad as well: that is a new problem, logged once.
  f.apply(one_change(row("locations", "loc-1",
                         location({{"timezone", "Mars/Olympus"},
                                   {"opening_hours", json::parse(R"({"mon":"always"})")}}))));
  PlaceOrderOutcome still = f.place(kOrder);
  REQUIRE_MESSAGE(still.placed.has_value(), still.error.to_string());
  REQUIRE(f.place(kOrder).placed.has_value());
  REQUIRE(f.warnings.size() == 2);
  CHECK(f.warnings[1].find("tenant acme: location loc-1: timezone cannot be read") == 0);

  // Fixed: nothing more to say, and the hours count again.
  f.apply(one_change(row("locations", "loc-1", location({{"opening_hours", json::object()}}))));
  menu = f.rt->menu();
  REQUIRE(menu.is_ok());
  CHECK(json::parse((*menu)->body)["location"]["open"] == true);
  CHECK(f.warnings.size() == 2);
}

}  // namespace larder::node
