#include "sync/hub/db/order_content.h"

#include <doctest/doctest.h>

#include <regex>

namespace larder::hub::db {
namespace {

using nlohmann::json;

// Content hashes are stored with every order: a replay of an order stored
// by an earlier hub must hash the same, or it would be rejected as a
// conflict. These values were computed by the hub before the check was
// rewritten (std::regex validators, one transaction per order).
TEST_CASE("the content hash of an order is what earlier hubs stored") {
  json a = json::parse(R"({"id": "01900000-0000-7000-8000-0000000000aa",
    "location_id": "00000000-0000-4000-8000-000000000001",
    "device_id": "00000000-0000-4000-8000-000000000002", "number": "K1-0042", "status": "ready",
    "currency": "EUR", "placed_at": "2024-05-01T12:00:00.123+02:00", "subtotal_minor": 2250,
    "tax_minor": 180, "total_minor": 2430, "note": "sans oignons, s'il vous pla\u00eet \"vite\"",
    "tax_rate_bp": 800, "tax_inclusive": false, "extra": "ignored",
    "items": [{"line_no": 1, "item_id": "00000000-0000-4000-8000-000000000030",
               "name": "Croque-monsieur", "unit_price_minor": 900, "quantity": 2,
               "line_total_minor": 1800,
               "options": [{"option_id": "00000000-0000-4000-8000-000000000050",
                            "modifier_id": "00000000-0000-4000-8000-000000000040",
                            "name": "Bacon", "price_delta_minor": 150},
                           {"option_id": "00000000-0000-4000-8000-000000000051",
                            "modifier_id": "00000000-0000-4000-8000-000000000040",
                            "name": "Sans", "price_delta_minor": -20}]},
              {"line_no": 3, "item_id": "00000000-0000-4000-8000-000000000031",
               "name": "Caf\u00e9", "unit_price_minor": 450, "quantity": 1,
               "line_total_minor": 450}]})");
  json b = json::parse(R"({"id": "01900000-0000-7000-8000-0000000000bb",
    "location_id": "00000000-0000-4000-8000-000000000001",
    "device_id": "00000000-0000-4000-8000-000000000002", "number": "K1-0001", "currency": "USD",
    "placed_at": "2024-05-01T12:00:00Z", "subtotal_minor": 2100, "tax_minor": 0,
    "total_minor": 2100,
    "items": [{"line_no": 1, "item_id": "00000000-0000-4000-8000-000000000030", "name": "Burger",
               "unit_price_minor": 1050, "quantity": 2, "line_total_minor": 2100,
               "options": []}]})");
  CHECK(order_content_hash(a).value() ==
        "9036e27328e4f6d93c2499717ca470df87f252e40b9d37d1e1522a545b7e1f3f");
  CHECK(order_content_hash(b).value() ==
        "402220b38b5cd887f450967d7f5bf3f1446abee43f84c6306fffe0b7b550746d");
  // Status is not content; the field order of the document does not matter.
  json moved = a;
  moved["status"] = "placed";
  CHECK(order_content_hash(moved).value() ==
        "9036e27328e4f6d93c2499717ca470df87f252e40b9d37d1e1522a545b7e1f3f");
  json changed = a;
  changed["items"][0]["options"][1]["price_delta_minor"] = -10;
  CHECK(order_content_hash(changed).value() !=
        "9036e27328e4f6d93c2499717ca470df87f252e40b9d37d1e1522a545b7e1f3f");
}

json valid_order() {
  return json::parse(R"({"id": "01900000-0000-7000-8000-0000000000cc",
    "location_id": "00000000-0000-4000-8000-000000000001",
    "device_id": "00000000-0000-4000-8000-000000000002", "number": "K1-0002", "currency": "USD",
    "placed_at": "2024-05-01T12:00:00Z", "subtotal_minor": 1000, "tax_minor": 80,
    "total_minor": 1080,
    "items": [{"line_no": 1, "item_id": "00000000-0000-4000-8000-000000000030", "name": "Burger",
               "unit_price_minor": 1000, "quantity": 1, "line_total_minor": 1000,
               "options": [{"option_id": "00000000-0000-4000-8000-000000000050",
                            "modifier_id": "00000000-0000-4000-8000-000000000040",
                            "name": "Bacon", "price_delta_minor": 0}]}]})");
}

std::string invalid_with(const std::string& key, const json& value) {
  json o = valid_order();
  o[key] = value;
  return check_order(o).invalid;
}

// placed_at was checked with this regex; the hand-written check must accept
// exactly the same strings. Every single-character edit (replace, insert,
// delete) of a few valid times, over an alphabet of the characters that
// matter, is compared.
TEST_CASE("placed_at: the hand-written check accepts exactly what the regex did") {
  const std::regex old(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2}))");
  const std::string alphabet = "09-+:.TZtz x";
  std::vector<std::string> cases;
  for (std::string base : {"2024-05-01T12:00:00Z", "2024-05-01T12:00:00.123456+02:00",
                           "2024-05-01T12:00:00.1-05:30"}) {
    cases.push_back(base);
    for (std::size_t i = 0; i <= base.size(); ++i) {
      if (i < base.size()) cases.push_back(base.substr(0, i) + base.substr(i + 1));
      for (char c : alphabet) {
        if (i < base.size()) cases.push_back(base.substr(0, i) + c + base.substr(i + 1));
        cases.push_back(base.substr(0, i) + c + base.substr(i));
      }
    }
  }
  cases.push_back("");
  cases.push_back("2024-05-01T12:00:00.1234567Z");
  int accepted = 0;
  for (const std::string& t : cases) {
    bool was = std::regex_match(t, old);
    std::string why = invalid_with("placed_at", t);
    CHECK_MESSAGE(why.empty() == was, "placed_at '", t, "': ", why);
    accepted += was;
  }
  CHECK(accepted > 10);  // the comparison covers both verdicts
  CHECK(invalid_with("placed_at", "2024-05-01 12:00:00Z") ==
        "placed_at must be an RFC 3339 time, e.g. 2024-05-01T12:00:00Z");
}

TEST_CASE("documents: the first problem is named by its path") {
  CHECK(check_order(valid_order()).invalid.empty());
  CHECK(check_order(valid_order()).order_id == "01900000-0000-7000-8000-0000000000cc");
  CHECK(invalid_with("currency", "usd") == "currency must be 3 capital letters");
  CHECK(invalid_with("currency", "USDX") == "currency must be 3 capital letters");
  CHECK(invalid_with("status", "lost") ==
        "status must be one of placed, accepted, in_progress, ready, completed, cancelled");
  CHECK(invalid_with("number", "") == "number must be 1 to 32 characters");
  CHECK(invalid_with("id", "not-a-uuid") == "id must be a UUID");
  CHECK(invalid_with("items", json::array()) == "items must be a non-empty array");
  // PostgreSQL counts the note's characters, not its bytes.
  CHECK(invalid_with("note", std::string(200, 'a')).empty());
  std::string e_acute_200;
  for (int i = 0; i < 200; ++i) e_acute_200 += "\xC3\xA9";
  CHECK(invalid_with("note", e_acute_200).empty());
  CHECK(invalid_with("note", std::string(201, 'a')) == "note must be at most 200 characters");
  CHECK(invalid_with("number", std::string("K1\0", 3)) ==
        "number must not contain a NUL character");

  json twice = valid_order();
  twice["items"][0]["options"].push_back(twice["items"][0]["options"][0]);
  CHECK(check_order(twice).invalid ==
        "items[0].options[1].option_id repeats an earlier option of this line");
  json overflow = valid_order();
  overflow["items"][0]["unit_price_minor"] = INT64_MAX;
  overflow["items"][0]["quantity"] = 2;
  CHECK(check_order(overflow).invalid ==
        "items[0].line_total_minor must equal unit_price_minor * quantity");
  json not_object = json::array();
  CHECK(check_order(not_object).invalid == "order must be a JSON object");
}

}  // namespace
}  // namespace larder::hub::db
