// JsonText: writes compact JSON straight into a string, for the few hot paths
// (an order's stored lines and its API answer) where building an nlohmann
// tree first costs more than the text itself.
//
// For valid UTF-8 the text is exactly what nlohmann's dump() writes for the
// same document (compact, UTF-8 kept as is, the same escapes), provided the
// caller writes each object's keys in sorted order, as nlohmann's std::map
// holds them; tests compare the two (base/json_text_test.cc and the order
// answer's test in node/core). Invalid UTF-8 never throws: each byte that
// starts no well-formed sequence becomes U+FFFD (nlohmann's replace mode may
// use fewer replacement characters for the same bytes).
//
// Use: begin_object(); key("a"); value(1); key("b"); begin_array(); ...
// end_array(); end_object(). A key must precede each value inside an object;
// the writer inserts the commas. Misuse (a value without its key, unbalanced
// ends) is a programming error, checked by assert in debug builds.
//
// Thread safety: none; one writer per string.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace larder {

class JsonText {
 public:
  explicit JsonText(std::string& out) : out_(out) {}

  JsonText& begin_object();
  JsonText& end_object();
  JsonText& begin_array();
  JsonText& end_array();
  JsonText& key(std::string_view name);
  JsonText& value(std::string_view s);
  JsonText& value(const char* s) { return value(std::string_view(s)); }
  JsonText& value(std::int64_t n);
  JsonText& value(int n) { return value(static_cast<std::int64_t>(n)); }
  JsonText& boolean(bool b);
  JsonText& null();

 private:
  void before_value();
  JsonText& open(char bracket);
  JsonText& close(char bracket);

  std::string& out_;
  // One bit per open container, innermost lowest: set once it holds a member.
  std::uint64_t nonempty_ = 0;
  int depth_ = 0;
  bool after_key_ = false;
};

// Appends `s` as a JSON string literal (quotes included).
void append_json_string(std::string& out, std::string_view s);

}  // namespace larder
