#include "node/menu/menu_view.h"

#include <doctest/doctest.h>

#include <date/date.h>

#include "storage/replica_apply.h"
#include "storage/testing/replica_db.h"

namespace larder::menu {
using nlohmann::json;
using storage::ReplicaChange;

namespace {

SysTime utc(int y, unsigned m, unsigned d, int hh, int mm) {
  return date::sys_days{date::year{y} / m / d} + std::chrono::hours(hh) + std::chrono::minutes(mm);
}

ReplicaChange row(const std::string& table, const std::string& id, json cols) {
  cols["id"] = id;
  cols["updated_at"] = "t";
  return ReplicaChange{table, false, {{"id", id}}, cols};
}

// A small menu: breakfast 06:00-11:00 and an all-day menu, in Berlin.
std::vector<ReplicaChange> demo_menu() {
  return {
      row("tenants", "acme", {{"name", "Acme Burgers"}, {"currency", "EUR"}, {"brand_color", "#c0392b"}}),
      row("locations", "loc-1", {{"name", "Main St"}, {"timezone", "Europe/Berlin"},
                                 {"tax_rate_bp", 1900}, {"tax_inclusive", true},
                                 {"opening_hours", json::object()}}),
      row("locations", "loc-2", {{"name", "Airport"}, {"timezone", "UTC"}, {"tax_rate_bp", 0},
                                 {"tax_inclusive", false}}),
      row("menus", "m-all", {{"name", "All day"}, {"active", true}, {"sort_order", 2}}),
      row("menus", "m-breakfast", {{"name", "Breakfast"}, {"active", true}, {"sort_order", 1},
                                   {"dayparts", json::parse(R"([{"start":"06:00","end":"11:00"}])")}}),
      row("menus", "m-airport", {{"name", "Airport only"}, {"active", true}, {"location_id", "loc-2"}}),
      row("categories", "c-burgers", {{"menu_id", "m-all"}, {"name", "Burgers"}, {"sort_order", 1}}),
      row("categories", "c-morning", {{"menu_id", "m-breakfast"}, {"name", "Morning"}}),
      row("categories", "c-air", {{"menu_id", "m-airport"}, {"name", "Travel"}}),
      row("items", "i-burger", {{"category_id", "c-burgers"}, {"name", "Burger"}, {"price_minor", 890},
                                {"available", true}, {"sort_order", 1}}),
      row("items", "i-veggie", {{"category_id", "c-burgers"}, {"name", "Veggie"}, {"price_minor", 850},
                                {"available", false}, {"sort_order", 2}}),
      row("items", "i-croissant", {{"category_id", "c-morning"}, {"name", "Croissant"},
                                   {"price_minor", 250}, {"available", true}}),
      row("items", "i-pillow", {{"category_id", "c-air"}, {"name", "Neck pillow"}, {"price_minor", 1500},
                                {"available", true}}),
      row("modifiers", "g-size", {{"name", "Size"}, {"selection", "single"}, {"min_choices", 1},
                                  {"max_choices", 1}}),
      ReplicaChange{"item_modifiers", false, {{"item_id", "i-burger"}, {"modifier_id", "g-size"}},
                    {{"sort_order", 1}, {"updated_at", "t"}}},
      row("options", "o-regular", {{"modifier_id", "g-size"}, {"name", "Regular"}, {"price_delta_minor", 0},
                                   {"is_default", true}, {"available", true}, {"sort_order", 1}}),
      row("options", "o-large", {{"modifier_id", "g-size"}, {"name", "Large"}, {"price_delta_minor", 150},
                                 {"available", true}, {"sort_order", 2}}),
      row("options", "o-huge", {{"modifier_id", "g-size"}, {"name", "Huge"}, {"price_delta_minor", 300},
                                {"available", false}, {"sort_order", 3}}),
  };
}

}  // namespace

TEST_CASE("the menu view shows active menus' available items and prices them from one snapshot") {
  storage::testing::ReplicaDb db;
  REQUIRE(storage::apply_changes(*db, demo_menu(), "c1").is_ok());
  // 08:00 UTC is 09:00 in Berlin: breakfast is on.
  auto view = build_menu_view(*db, "loc-1", utc(2026, 11, 23, 8, 0));
  REQUIRE_MESSAGE(view.is_ok(), view.status().to_string());
  json body = json::parse((*view)->body);
  CHECK(body["tenant"]["name"] == "Acme Burgers");
  CHECK(body["currency"] == "EUR");
  CHECK(body["tax"]["inclusive"] == true);
  CHECK(body["location"]["open"] == true);
  REQUIRE(body["categories"].size() == 2);
  CHECK(body["categories"][0]["name"] == "Morning");  // breakfast menu sorts first
  json burgers = body["categories"][1];
  REQUIRE(burgers["items"].size() == 1);  // the veggie burger is off
  json burger = burgers["items"][0];
  CHECK(burger["price_minor"] == 890);
  REQUIRE(burger["modifiers"].size() == 1);
  CHECK(burger["modifiers"][0]["min_choices"] == 1);
  CHECK(burger["modifiers"][0]["options"].size() == 2);  // "Huge" is off
  CHECK(body["valid_until"] == "2026-11-23T10:00:00Z");  // breakfast ends 11:00 Berlin

  const pricing::MenuSnapshot& snap = (*view)->snapshot;
  CHECK(snap.tax_rate_bp == 1900);
  CHECK(snap.tax_mode == pricing::TaxMode::kInclusive);
  CHECK(snap.items.at("i-veggie").available == false);  // known, so "not available"
  CHECK(snap.options.at("o-huge").available == false);
  CHECK(snap.items.count("i-pillow") == 0);              // another location's menu
  CHECK(check_menu_snapshot(snap).is_ok());
}

TEST_CASE("outside a daypart its items are neither shown nor sellable") {
  storage::testing::ReplicaDb db;
  REQUIRE(storage::apply_changes(*db, demo_menu(), "c1").is_ok());
  auto view = build_menu_view(*db, "loc-1", utc(2026, 11, 23, 14, 0));
  REQUIRE(view.is_ok());
  json body = json::parse((*view)->body);
  REQUIRE(body["categories"].size() == 1);
  CHECK(body["categories"][0]["name"] == "Burgers");
  CHECK((*view)->snapshot.items.count("i-croissant") == 0);
  auto other = build_menu_view(*db, "loc-2", utc(2026, 11, 23, 14, 0));
  REQUIRE(other.is_ok());
  CHECK(json::parse((*other)->body)["categories"].size() == 2);
}

TEST_CASE("the ETag follows the content; a replica without rows is not ready") {
  storage::testing::ReplicaDb db;
  CHECK(build_menu_view(*db, "loc-1", utc(2026, 11, 23, 8, 0)).status().code() ==
        Code::kFailedPrecondition);
  REQUIRE(storage::apply_changes(*db, demo_menu(), "c1").is_ok());
  auto a = build_menu_view(*db, "loc-1", utc(2026, 11, 23, 8, 0));
  auto b = build_menu_view(*db, "loc-1", utc(2026, 11, 23, 8, 5));
  CHECK((*a)->etag == (*b)->etag);
  REQUIRE(storage::apply_changes(*db, {row("items", "i-burger", {{"category_id", "c-burgers"},
                                                                {"name", "Burger"},
                                                                {"price_minor", 990},
                                                                {"available", true}})},
                                 "c2")
              .is_ok());
  auto c = build_menu_view(*db, "loc-1", utc(2026, 11, 23, 8, 5));
  CHECK((*c)->etag != (*a)->etag);
  CHECK(json::parse((*c)->body)["categories"][1]["items"][0]["price_minor"] == 990);
  REQUIRE(storage::apply_changes(*db, {row("menus", "m-all", {{"name", "All day"}, {"active", true},
                                                             {"dayparts", "not json"}})},
                                 "c3")
              .is_ok());
  CHECK(build_menu_view(*db, "loc-1", utc(2026, 11, 23, 8, 5)).status().code() == Code::kDataLoss);
}

TEST_CASE("open and opens_at follow the location's opening hours") {
  storage::testing::ReplicaDb db;
  REQUIRE(storage::apply_changes(*db, demo_menu(), "c1").is_ok());
  REQUIRE(db->exec(R"(UPDATE locations SET opening_hours = '{"mon":[["10:00","22:00"]]}')"
                   " WHERE id = 'loc-1'")
              .is_ok());
  // Monday 2026-11-23 08:00 UTC is 09:00 in Berlin: closed until 10:00 Berlin.
  auto closed = build_menu_view(*db, "loc-1", utc(2026, 11, 23, 8, 0));
  REQUIRE(closed.is_ok());
  CHECK((*closed)->open == false);
  CHECK((*closed)->opens_at == utc(2026, 11, 23, 9, 0));
  CHECK(json::parse((*closed)->body)["location"]["open"] == false);
  CHECK((*closed)->valid_until == utc(2026, 11, 23, 9, 0));  // the opening rebuilds the view
  auto open = build_menu_view(*db, "loc-1", utc(2026, 11, 23, 9, 0));
  REQUIRE(open.is_ok());
  CHECK((*open)->open == true);
  CHECK_FALSE((*open)->opens_at.has_value());
  CHECK((*open)->problems.empty());
}

TEST_CASE("a location whose hours or timezone cannot be read still serves, by menu_view.h's rule") {
  // Regression: either made build_menu_view() fail with kDataLoss, so the
  // menu and order endpoints answered 500 until the back office fixed the row.
  storage::testing::ReplicaDb db;
  REQUIRE(storage::apply_changes(*db, demo_menu(), "c1").is_ok());
  REQUIRE(db->exec(R"(UPDATE locations SET opening_hours = '{"mon":"all day"}' WHERE id = 'loc-1')")
              .is_ok());
  auto view = build_menu_view(*db, "loc-1", utc(2026, 11, 23, 8, 0));
  REQUIRE_MESSAGE(view.is_ok(), view.status().to_string());
  CHECK_FALSE((*view)->open.has_value());  // unknown: not refused for being closed
  json body = json::parse((*view)->body);
  CHECK(body["location"]["open"].is_null());
  CHECK(body["categories"].size() == 2);  // dayparts still apply: breakfast is on
  REQUIRE((*view)->problems.size() == 1);
  CHECK((*view)->problems[0] ==
        "tenant test: location loc-1: opening_hours cannot be read (opening_hours.mon must be an"
        " array of [open, close]); its hours are unknown, so no order is refused for being closed");

  REQUIRE(db->exec("UPDATE locations SET opening_hours = '{}', timezone = 'Mars/Olympus'"
                   " WHERE id = 'loc-1'")
              .is_ok());
  view = build_menu_view(*db, "loc-1", utc(2026, 11, 23, 8, 0));
  REQUIRE_MESSAGE(view.is_ok(), view.status().to_string());
  CHECK_FALSE((*view)->open.has_value());
  body = json::parse((*view)->body);
  REQUIRE(body["categories"].size() == 1);  // the breakfast menu is left out
  CHECK(body["categories"][0]["name"] == "Burgers");
  CHECK((*view)->snapshot.items.count("i-croissant") == 0);
  CHECK((*view)->snapshot.items.count("i-burger") == 1);
  CHECK(body["valid_until"].is_null());
  REQUIRE((*view)->problems.size() == 1);
  CHECK((*view)->problems[0] ==
        "tenant test: location loc-1: timezone cannot be read (unknown timezone \"Mars/Olympus\");"
        " its hours are unknown and menus with dayparts are left out");
}

}  // namespace larder::menu
