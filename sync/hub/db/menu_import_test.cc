#include "sync/hub/db/menu_import.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "sync/hub/db/feed.h"
#include "sync/hub/db/ops_test_fixture.h"

namespace larder::hub::db {
namespace {

using nlohmann::json;
using feed_test::id;

json valid_menu(int tag, const std::string& location) {
  return json{
      {"menus", {{{"id", id(tag, 10)}, {"location_id", location}, {"name", "Breakfast"},
                  {"dayparts", {{{"days", {"mon", "tue"}}, {"start", "06:00"}, {"end", "11:00"}}}}}}},
      {"categories", {{{"id", id(tag, 20)}, {"menu_id", id(tag, 10)}, {"name", "Eggs"}}}},
      {"items", {{{"id", id(tag, 30)}, {"category_id", id(tag, 20)}, {"name", "Omelette"}, {"price_minor", 750}},
                 {{"id", id(tag, 31)}, {"category_id", id(tag, 20)}, {"name", "Toast"}, {"price_minor", 200},
                  {"available", false}}}},
      {"modifiers", {{{"id", id(tag, 40)}, {"name", "Cheese"}, {"selection", "multi"}, {"min_choices", 0},
                      {"max_choices", 2}}}},
      {"options", {{{"id", id(tag, 50)}, {"modifier_id", id(tag, 40)}, {"name", "Cheddar"},
                    {"price_delta_minor", 100}},
                   {{"id", id(tag, 51)}, {"modifier_id", id(tag, 40)}, {"name", "No cheese"},
                    {"price_delta_minor", -50}}}},
      {"item_modifiers", {{{"item_id", id(tag, 30)}, {"modifier_id", id(tag, 40)}}}}};
}

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

std::int64_t count_rows(PgConnection& conn, const std::string& tenant, const std::string& table) {
  auto tx = Transaction::begin_for_tenant(conn, tenant);
  auto r = tx->exec("SELECT count(*) AS n FROM " + table);
  REQUIRE(r.is_ok());
  return r->get_int(0, "n");
}

TEST_CASE("a valid menu imports in one transaction; re-importing it changes nothing") {
  PgConnection conn = ops_test::hub();
  auto p = ops_test::provision(conn, 601);
  auto stats = import_menu(conn, p.tenant, valid_menu(601, p.location).dump());
  REQUIRE_MESSAGE(stats.is_ok(), stats.status().to_string());
  CHECK(stats->items == 2);
  CHECK(count_rows(conn, p.tenant, "items") == 2);
  CHECK(count_rows(conn, p.tenant, "options") == 2);
  CHECK(count_rows(conn, p.tenant, "item_modifiers") == 1);

  feed_test::Replica replica;
  replica.catch_up(conn, p.tenant, p.location, 100);
  const FeedPosition after_first = replica.position;
  REQUIRE(import_menu(conn, p.tenant, valid_menu(601, p.location).dump()).is_ok());
  auto page = read_feed(conn, p.tenant, p.location, after_first, 100);
  REQUIRE(page.is_ok());
  CHECK(page->entries.empty());  // unchanged rows do not reach the feed again

  // Dropping an item and changing a price: exactly those reach the feed, as
  // one version.
  json smaller = valid_menu(601, p.location);
  smaller["items"].erase(1);
  smaller["items"][0]["price_minor"] = 800;
  REQUIRE(import_menu(conn, p.tenant, smaller.dump()).is_ok());
  page = read_feed(conn, p.tenant, p.location, after_first, 100);
  REQUIRE(page.is_ok());
  REQUIRE(page->entries.size() == 2);
  CHECK(page->entries[0].version == page->entries[1].version);
  CHECK(count_rows(conn, p.tenant, "items") == 1);
}

TEST_CASE("invalid menus are refused with exact messages, and nothing is stored") {
  PgConnection conn = ops_test::hub();
  auto p = ops_test::provision(conn, 602);
  struct Case {
    std::function<void(json&)> mutate;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](json& m) { m["items"][1]["price_minor"] = -1; }, "items[1].price_minor must be >= 0"},
      {[](json& m) { m["items"][0].erase("name"); }, "items[0].name is required"},
      {[](json& m) { m["items"][0]["price_minor"] = 1.5; }, "items[0].price_minor must be an integer"},
      {[](json& m) { m["items"][0]["id"] = "x"; }, "items[0].id must be a UUID"},
      {[](json& m) { m["items"][1]["id"] = m["items"][0]["id"]; },
       "items[1] repeats " + id(602, 30)},
      {[](json& m) { m["items"][0]["category_id"] = id(602, 99); },
       "items[0].category_id names no entry of categories"},
      {[](json& m) { m["modifiers"][0]["selection"] = "some"; },
       "modifiers[0].selection must be \"single\" or \"multi\""},
      {[](json& m) { m["modifiers"][0]["max_choices"] = 0; m["modifiers"][0]["min_choices"] = 1; },
       "modifiers[0].max_choices must be >= min_choices"},
      {[](json& m) { m["modifiers"][0]["min_choices"] = -1; }, "modifiers[0].min_choices must be >= 0"},
      {[](json& m) { m["menus"][0]["dayparts"][0]["start"] = "25:00"; },
       "menus[0].dayparts[0].start must be \"HH:MM\" from 00:00 to 23:59"},
      {[](json& m) { m["menus"][0]["dayparts"][0]["start"] = "24:00"; },
       "menus[0].dayparts[0].start must be \"HH:MM\" from 00:00 to 23:59"},
      {[](json& m) { m["menus"][0]["dayparts"][0]["end"] = "24:30"; },
       "menus[0].dayparts[0].end must be \"HH:MM\" from 00:00 to 24:00"},
      {[](json& m) { m["menus"][0]["dayparts"][0]["days"] = {"monday"}; },
       "menus[0].dayparts[0].days must hold mon..sun"},
      {[](json& m) { m["items"][0]["colour"] = "red"; }, "items[0].colour is not a field of items"},
      {[](json& m) { m["drinks"] = json::array(); }, "drinks is not a section of a menu document"},
      {[](json& m) { m["options"] = json::object(); }, "options must be an array"},
      {[](json& m) { m["menus"][0]["location_id"] = id(602, 77); },
       "menus[0].location_id names no location of this tenant"},
      // Regression: names were limited to 200 bytes, not characters.
      {[](json& m) { m["items"][0]["name"] = repeat("\u00e9", 201); }, "items[0].name must be 1 to 200 characters"},
      {[](json& m) { m["items"][0]["name"] = ""; }, "items[0].name must be 1 to 200 characters"},
      // Regression: a NUL in a name reached PostgreSQL and came back as its error.
      {[](json& m) { m["items"][0]["name"] = std::string("Ome\0lette", 9); },
       "items[0].name must not hold control characters (U+0000 to U+001F, U+007F)"},
      {[](json& m) { m["categories"][0]["name"] = "Eggs\n"; },
       "categories[0].name must not hold control characters (U+0000 to U+001F, U+007F)"},
      {[](json& m) { m["modifiers"][0]["name"] = "Che\x7f" "ese"; },
       "modifiers[0].name must not hold control characters (U+0000 to U+001F, U+007F)"},
      {[](json& m) { m["items"][0]["description"] = std::string("a\0b", 3); },
       "items[0].description must not hold a NUL character (U+0000)"},
      {[](json& m) { m["items"][0]["image_url"] = std::string("a\0b", 3); },
       "items[0].image_url must not hold a NUL character (U+0000)"},
      // Regression: prices had no upper bound.
      {[](json& m) { m["items"][0]["price_minor"] = 1'000'000'000'001; },
       "items[0].price_minor must be <= 1000000000000"},
      {[](json& m) { m["options"][1]["price_delta_minor"] = -1'000'000'000'001; },
       "options[1].price_delta_minor must be >= -1000000000000"},
      {[](json& m) { m["options"][0]["price_delta_minor"] = UINT64_MAX; },  // would wrap to -1 as int64
       "options[0].price_delta_minor must be <= 1000000000000"},
      {[](json& m) { m["items"][0]["sort_order"] = std::int64_t{1} << 40; },
       "items[0].sort_order must be <= 2147483647"},
      // Regression: single selection with a minimum of 2 was accepted.
      {[](json& m) { m["modifiers"][0]["selection"] = "single"; m["modifiers"][0]["min_choices"] = 2; },
       "modifiers[0].min_choices must be 0 or 1 for a single selection"},
      {[](json& m) { m["modifiers"][0]["selection"] = "single"; m["modifiers"][0]["min_choices"] = 2;
                     m["modifiers"][0]["max_choices"] = 1; },
       "modifiers[0].max_choices must be >= min_choices"},
      {[](json& m) { m["modifiers"][0]["min_choices"] = 3; m["modifiers"][0]["max_choices"] = 3; },
       "modifiers[0].min_choices is 3 but the modifier has 2 options"},
      {[](json& m) { m["options"].erase(1); m["modifiers"][0]["min_choices"] = 2; },
       "modifiers[0].min_choices is 2 but the modifier has 1 option"},
      // Regression: dayparts took unknown fields and repeated days.
      {[](json& m) { m["menus"][0]["dayparts"][0]["colour"] = "red"; },
       "menus[0].dayparts[0].colour is not a field of dayparts"},
      {[](json& m) { m["menus"][0]["dayparts"][0]["days"] = {"mon", "tue", "mon"}; },
       "menus[0].dayparts[0].days repeats \"mon\""},
  };
  for (const Case& c : cases) {
    json menu = valid_menu(602, p.location);
    c.mutate(menu);
    auto r = import_menu(conn, p.tenant, menu.dump());
    CHECK(r.status().code() == Code::kInvalidArgument);
    CHECK(r.status().message() == c.message);
  }
  CHECK(import_menu(conn, p.tenant, "{not json").status().message().find("not JSON") != std::string::npos);
  std::string bad_utf8 = valid_menu(602, p.location).dump();
  bad_utf8.replace(bad_utf8.find("Omelette"), 8, "Omel\xff" "ette");
  auto r = import_menu(conn, p.tenant, bad_utf8);
  CHECK(r.status().code() == Code::kInvalidArgument);
  CHECK(r.status().message() ==
        "the menu document is not valid UTF-8 (byte " + std::to_string(bad_utf8.find('\xff')) + ", line 1)");
  CHECK(count_rows(conn, p.tenant, "menus") == 0);
  CHECK(count_rows(conn, p.tenant, "items") == 0);
}

TEST_CASE("values at the documented limits import; a later bad import keeps the stored menu") {
  PgConnection conn = ops_test::hub();
  auto p = ops_test::provision(conn, 603);
  json menu = valid_menu(603, p.location);
  menu["items"][0]["name"] = repeat("\u00e9", 200);        // 200 characters, 400 bytes
  menu["items"][1]["name"] = repeat("\U0001F373", 200);    // 200 characters, 800 bytes
  menu["items"][0]["description"] = "two lines\n\tand a tab";
  menu["items"][0]["price_minor"] = 1'000'000'000'000;
  menu["options"][0]["price_delta_minor"] = 1'000'000'000'000;
  menu["options"][1]["price_delta_minor"] = -1'000'000'000'000;
  menu["modifiers"][0] = {{"id", id(603, 40)}, {"name", "Cheese"}, {"selection", "single"},
                          {"min_choices", 1}, {"max_choices", 1}};
  menu["menus"][0]["dayparts"].push_back({{"days", {"sun"}}, {"start", "22:00"}, {"end", "22:00"}});
  menu["menus"][0]["dayparts"].push_back({{"days", {"sat"}}, {"start", "18:00"}, {"end", "24:00"}});
  auto stats = import_menu(conn, p.tenant, menu.dump());
  REQUIRE_MESSAGE(stats.is_ok(), stats.status().to_string());
  {
    auto tx = Transaction::begin_for_tenant(conn, p.tenant);
    auto r = tx->exec("SELECT max(char_length(name)) AS c, max(price_minor) AS m FROM items");
    REQUIRE(r.is_ok());
    CHECK(r->get_int(0, "c") == 200);
    CHECK(r->get_int(0, "m") == 1'000'000'000'000);
  }

  // All or nothing: a document with one bad name changes nothing stored.
  json bad = valid_menu(603, p.location);
  bad["options"][0]["name"] = std::string("Ched\0dar", 8);
  CHECK(import_menu(conn, p.tenant, bad.dump()).status().code() == Code::kInvalidArgument);
  CHECK(count_rows(conn, p.tenant, "items") == 2);
  auto tx = Transaction::begin_for_tenant(conn, p.tenant);
  auto r = tx->exec("SELECT price_minor AS m FROM items WHERE id = $1", {id(603, 30)});
  REQUIRE(r.is_ok());
  CHECK(r->get_int(0, "m") == 1'000'000'000'000);
}

}  // namespace
}  // namespace larder::hub::db
