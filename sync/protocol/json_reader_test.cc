#include "sync/protocol/json_reader.h"

#include <doctest/doctest.h>

namespace larder::sync {
using nlohmann::json;

TEST_CASE("the reader takes valid fields and names the first bad one by path") {
  json j = {{"name", "Burger"}, {"qty", 3}, {"ok", true}, {"tags", {"a", "b"}}};
  JsonReader r(j, "lines[2]");
  CHECK(r.string("name", 10) == "Burger");
  CHECK(r.integer("qty", 1, 99) == 3);
  CHECK(r.boolean("ok"));
  CHECK(r.array("tags", 5).size() == 2);
  CHECK_FALSE(r.optional_string("note", 10).has_value());
  CHECK(r.finish().is_ok());

  struct Case {
    json body;
    std::string message;
  };
  const Case cases[] = {
      {{{"qty", 3}}, "lines[2].name is required"},
      {{{"name", 5}, {"qty", 3}}, "lines[2].name must be a string"},
      {{{"name", ""}, {"qty", 3}}, "lines[2].name must be 1 to 10 characters"},
      {{{"name", "a-very-long-name"}, {"qty", 3}}, "lines[2].name must be 1 to 10 characters"},
      {{{"name", "x"}, {"qty", 1.5}}, "lines[2].qty must be an integer from 1 to 99"},
      {{{"name", "x"}, {"qty", "2"}}, "lines[2].qty must be an integer from 1 to 99"},
      {{{"name", "x"}, {"qty", 100}}, "lines[2].qty must be an integer from 1 to 99"},
      {{{"name", "x"}, {"qty", -1}}, "lines[2].qty must be an integer from 1 to 99"},
      {{{"name", "x"}, {"qty", 18446744073709551615ULL}},
       "lines[2].qty must be an integer from 1 to 99"},
      {{{"name", "x"}, {"qty", 2}, {"qyt", 2}}, "lines[2].qyt is not a known field"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.body.dump());
    JsonReader bad(c.body, "lines[2]");
    (void)bad.string("name", 10);
    (void)bad.integer("qty", 1, 99);
    Status s = bad.finish();
    CHECK(s.code() == Code::kInvalidArgument);
    CHECK(s.message() == c.message);
  }
}

TEST_CASE("parse_json_object refuses non-JSON and non-objects") {
  CHECK(parse_json_object("{\"a\":1}").is_ok());
  CHECK(parse_json_object("{\"a\":").status().message() == "the body is not valid JSON");
  CHECK(parse_json_object("[1,2]").status().message() == "the body must be a JSON object");
  CHECK(parse_json_object("").status().code() == Code::kInvalidArgument);
  JsonReader r(json::array(), "");
  CHECK(r.finish().message() == "the body must be a JSON object");
}

}  // namespace larder::sync
