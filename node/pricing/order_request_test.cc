#include "node/pricing/order_request.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace larder::pricing {
namespace {

std::vector<FieldError> errors_of(const std::string& body) {
  Validated<OrderRequest> r = parse_order_request(body);
  return r.errors();
}

TEST_CASE("a well-formed body becomes an OrderRequest") {
  Validated<OrderRequest> r = parse_order_request(R"(
    {"note": "no onions\r\nplease",
     "lines": [{"option_ids": ["b", "a"], "quantity": 2, "item_id": "burger"},
               {"item_id": "water", "quantity": 99, "option_ids": []},
               {"item_id": "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "quantity": 1}]})");
  REQUIRE_MESSAGE(r.is_ok(), describe(r.errors()));
  const OrderRequest want{
      {{"burger", 2, {"b", "a"}}, {"water", 99, {}}, {"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", 1, {}}},
      std::string("no onions\r\nplease")};
  CHECK(r.value() == want);
  CHECK(validate_order_request(r.value()).empty());
}

TEST_CASE("limits are inclusive: 50 lines, 50 options, 64-character ids, 200-character notes") {
  std::string options;
  for (int j = 0; j < 50; ++j) options += (j ? ",\"o" : "\"o") + std::to_string(j) + "\"";
  const std::string line = R"({"item_id":")" + std::string(64, 'i') + R"(","quantity":1,"option_ids":[)" +
                           options + "]}";
  std::string body = R"({"note":")" + std::string(200, 'n') + R"(","lines":[)";
  for (int i = 0; i < 50; ++i) body += (i ? "," : "") + line;
  body += "]}";
  REQUIRE(body.size() <= kMaxRequestBytes);
  Validated<OrderRequest> r = parse_order_request(body);
  REQUIRE_MESSAGE(r.is_ok(), describe(r.errors()));
  CHECK(r.value().lines.size() == 50);
  CHECK(r.value().lines[49].option_ids.size() == 50);

  CHECK(errors_of(R"({"lines":[{"item_id":"a","quantity":1,"option_ids":[)" + options + R"(,"o50"]}]})") ==
        std::vector<FieldError>{{"lines[0].option_ids", "must be an array of at most 50 option ids"}});
}

TEST_CASE("duplicate keys are found at any depth, with their path") {
  CHECK(errors_of(R"({"lines":[],"lines":[]})") ==
        std::vector<FieldError>{{"lines", "appears more than once (each field may appear only once)"}});
  CHECK(errors_of(R"({"lines":[{"item_id":"a","quantity":1},{"item_id":"b","item_id":"c","quantity":1}]})") ==
        std::vector<FieldError>{
            {"lines[1].item_id", "appears more than once (each field may appear only once)"}});
  CHECK(errors_of(R"({"lines":[{"item_id":"a","quantity":1,"option_ids":[1,[2,3],{"k":1,"k":2}]}]})") ==
        std::vector<FieldError>{
            {"lines[0].option_ids[2].k", "appears more than once (each field may appear only once)"}});
  // The same key in sibling objects is not a duplicate.
  CHECK(parse_order_request(R"({"lines":[{"item_id":"a","quantity":1},{"item_id":"a","quantity":1}]})").is_ok());
}

TEST_CASE("every wrong JSON type for every field is refused") {
  const char* kWrong[] = {"null", "true", "1", "-1", "1.0", "\"s\"", "[]", "{}"};
  for (const char* w : kWrong) {
    CAPTURE(w);
    const std::string v(w);
    CHECK(errors_of(R"({"lines":)" + v + "}").size() == 1);
    if (v != "{}") CHECK(errors_of(R"({"lines":[)" + v + "]}").size() == 1);
    if (v != "\"s\"") CHECK(errors_of(R"({"lines":[{"item_id":)" + v + R"(,"quantity":1}]})").size() == 1);
    if (v != "1") CHECK(errors_of(R"({"lines":[{"item_id":"a","quantity":)" + v + "}]}").size() == 1);
    if (v != "[]") {
      CHECK(errors_of(R"({"lines":[{"item_id":"a","quantity":1,"option_ids":)" + v + "}]}").size() == 1);
    }
    if (v != "\"s\"") {
      CHECK(errors_of(R"({"lines":[{"item_id":"a","quantity":1,"option_ids":[)" + v + "]}]}").size() == 1);
      CHECK(errors_of(R"({"lines":[{"item_id":"a","quantity":1}],"note":)" + v + "}").size() == 1);
    }
  }
}

TEST_CASE("note rules: code points, not bytes; no control characters") {
  auto note_errors = [](const std::string& note) {
    return errors_of(R"({"lines":[{"item_id":"a","quantity":1}],"note":")" + note + "\"}");
  };
  std::string euros;
  for (int i = 0; i < 200; ++i) euros += "\xE2\x82\xAC";  // 600 bytes, 200 characters
  CHECK(note_errors(euros).empty());
  CHECK(note_errors(euros + "x").size() == 1);
  CHECK(note_errors("tab\\there").empty());
  CHECK(note_errors("").empty());
  const std::vector<FieldError> control = {
      {"note", "must not contain control characters other than tab and line breaks"}};
  CHECK(note_errors("a\\u0000b") == control);
  CHECK(note_errors("a\\u001bb") == control);
  CHECK(note_errors("a\\u007fb") == control);
  CHECK(note_errors("a\\u0085b") == control);  // C1 next line
  CHECK(note_errors("bad \xC3 utf8").size() == 1);  // refused by the JSON parser
}

TEST_CASE("many errors are capped with a count of the rest") {
  std::string body = R"({"lines":[)";
  for (int i = 0; i < 50; ++i) body += std::string(i ? "," : "") + R"({"item_id":"","quantity":0})";
  body += "]}";
  std::vector<FieldError> errors = errors_of(body);
  REQUIRE(errors.size() == ErrorList::kMaxErrors + 1);
  CHECK(errors.back() == FieldError{"", "and 50 more errors not listed (fix the ones above first)"});
}

TEST_CASE("deep nesting within the size limit is refused, not a crash") {
  const std::string deep = std::string(30000, '[') + std::string(30000, ']');
  CHECK(errors_of(deep) == std::vector<FieldError>{{"", R"(must be a JSON object like {"lines": [...]})"}});
  const std::string deep_note = R"({"lines":[{"item_id":"a","quantity":1}],"note":)" +
                                std::string(20000, '[') + std::string(20000, ']') + "}";
  CHECK(errors_of(deep_note) == std::vector<FieldError>{{"note", "must be a string of at most 200 characters"}});
}

}  // namespace
}  // namespace larder::pricing
