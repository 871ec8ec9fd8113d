#include "node/pricing/field_error.h"

#include <doctest/doctest.h>

#include <string>

namespace larder::pricing {
namespace {

TEST_CASE("paths: plain keys, odd keys, indices") {
  CHECK(member_path("", "lines") == "lines");
  CHECK(member_path("lines[0]", "quantity") == "lines[0].quantity");
  CHECK(index_path("lines", 3) == "lines[3]");
  CHECK(member_path("", "a b") == R"(["a b"])");
  CHECK(member_path("x", "9lives") == R"(x["9lives"])");
  CHECK(member_path("", "") == R"([""])");
  CHECK(member_path("", "q\"\n") == R"(["q\"\n"])");
  // Long keys are cut, never mid-way through a UTF-8 sequence.
  std::string utf8;
  for (int i = 0; i < 30; ++i) utf8 += "\xC3\xA9";  // 60 bytes of "é"
  CHECK(member_path("", utf8) == "[\"" + utf8.substr(0, 40) + "...\"]");
  CHECK(member_path("", "x" + utf8) == "[\"x" + utf8.substr(0, 38) + "...\"]");
}

TEST_CASE("quoted escapes quotes, backslashes and control characters") {
  CHECK(quoted("Size") == "\"Size\"");
  CHECK(quoted("a\"b\\c") == R"("a\"b\\c")");
  CHECK(quoted(std::string("\x01\x7f\t", 3)) == R"("\u0001\u007f\t")");
}

TEST_CASE("ErrorList keeps the first errors and says how many it left out") {
  ErrorList few;
  few.add("a", "x");
  CHECK(std::move(few).take() == std::vector<FieldError>{{"a", "x"}});

  ErrorList many;
  for (std::size_t i = 0; i < ErrorList::kMaxErrors + 7; ++i) many.add(index_path("lines", i), "bad");
  CHECK(many.found() == ErrorList::kMaxErrors + 7);
  std::vector<FieldError> kept = std::move(many).take();
  REQUIRE(kept.size() == ErrorList::kMaxErrors + 1);
  CHECK(kept.front() == FieldError{"lines[0]", "bad"});
  CHECK(kept.back() == FieldError{"", "and 7 more errors not listed (fix the ones above first)"});
}

TEST_CASE("Validated holds a value or errors, never both") {
  Validated<int> ok(5);
  CHECK(ok.is_ok());
  CHECK(ok.value() == 5);
  CHECK(ok.errors().empty());
  Validated<int> bad(std::vector<FieldError>{{"p", "m"}});
  CHECK_FALSE(bad.is_ok());
  CHECK(bad.errors().size() == 1);
  Validated<int> empty(std::vector<FieldError>{});
  CHECK_FALSE(empty.is_ok());
  CHECK(empty.errors() == std::vector<FieldError>{{"", "internal error: rejected without a reason"}});
  CHECK(describe({{"", "is not valid JSON"}, {"lines[0]", "x"}}) == "(body): is not valid JSON; lines[0]: x");
}

}  // namespace
}  // namespace larder::pricing
