#include "base/json_text.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <random>

namespace larder {
namespace {

std::string as_json_string(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

std::string nlohmann_text(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

TEST_CASE("strings are escaped as nlohmann escapes them") {
  const std::string cases[] = {"",
                               "plain",
                               "quote \" and backslash \\",
                               "tab\tnewline\nreturn\r",
                               "\b\f",
                               std::string("nul\0byte", 8),
                               "\x01\x1f\x7f",
                               "slash / stays",
                               "Crème brûlée",
                               "ラーメン",
                               "emoji \xF0\x9F\x8D\x94",
                               "\xE2\x82\xAC 3.50"};
  for (const std::string& s : cases) CHECK(as_json_string(s) == nlohmann_text(s));
}

TEST_CASE("random valid UTF-8 strings match nlohmann's text") {
  std::mt19937 rng(20261202);
  const char32_t samples[] = {0x0,   0x1,   0x1f,   0x20,   '"',    '\\',   'a',     0x7f,    0x80,
                              0x7ff, 0x800, 0xd7ff, 0xe000, 0xfffd, 0xffff, 0x10000, 0x10ffff};
  auto encode = [](char32_t c, std::string& out) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  };
  for (int round = 0; round < 2000; ++round) {
    std::string s;
    int n = static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) encode(samples[rng() % std::size(samples)], s);
    REQUIRE_MESSAGE(as_json_string(s) == nlohmann_text(s), "round " << round);
  }
}

TEST_CASE("invalid UTF-8 becomes U+FFFD and the text stays valid JSON") {
  const std::string cases[] = {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82",
                               "ok\xFFok", "\x80",         "\xF0\x9F\x8D"};
  for (const std::string& s : cases) {
    std::string text = as_json_string(s);
    auto parsed = nlohmann::json::parse(text, nullptr, false);
    REQUIRE_FALSE(parsed.is_discarded());
    CHECK(parsed.get<std::string>().find("\xEF\xBF\xBD") != std::string::npos);
  }
  CHECK(nlohmann::json::parse(as_json_string("ok\xFFok")).get<std::string>() == "ok\xEF\xBF\xBDok");
}

TEST_CASE("documents written with sorted keys are nlohmann's dump byte for byte") {
  std::string out;
  JsonText w(out);
  w.begin_object();
  w.key("a").begin_array();
  w.begin_object()
      .key("n")
      .value(std::int64_t{-9223372036854775807LL - 1})
      .key("x")
      .value("y")
      .end_object();
  w.begin_object().end_object();
  w.begin_array().end_array();
  w.value(0).boolean(true).boolean(false).null();
  w.end_array();
  w.key("b").value(std::int64_t{9223372036854775807LL});
  w.key("c").null();
  w.key("d").begin_object().key("e").begin_array().value("f").end_array().end_object();
  w.end_object();
  nlohmann::json expected = {{"a",
                              {{{"n", -9223372036854775807LL - 1}, {"x", "y"}},
                               nlohmann::json::object(),
                               nlohmann::json::array(),
                               0,
                               true,
                               false,
                               nullptr}},
                             {"b", 9223372036854775807LL},
                             {"c", nullptr},
                             {"d", {{"e", {"f"}}}}};
  CHECK(out == nlohmann_text(expected));
}

}  // namespace larder
