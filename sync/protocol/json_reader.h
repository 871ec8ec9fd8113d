// JsonReader: strict, path-aware reading of a JSON object from the wire.
//
// Every getter records the first error it meets, with the JSON path of the
// offending field ("orders[2].lines[0].quantity must be an integer from 1 to
// 99"), and later getters do nothing once an error is recorded, so parsing
// code reads top to bottom without an if after every field. finish() also
// refuses fields the reader was never asked about: a misspelt field is an
// error, not silently ignored.
//
// Thread safety: one reader per parse; no shared state.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "base/status.h"

namespace larder::sync {

class JsonReader {
 public:
  // `path` names the object for errors ("" for the document root).
  JsonReader(const nlohmann::json& object, std::string path);

  std::string string(const char* name, std::size_t max_len, bool allow_empty = false);
  std::optional<std::string> optional_string(const char* name, std::size_t max_len);
  std::int64_t integer(const char* name, std::int64_t min, std::int64_t max);
  std::optional<std::int64_t> optional_integer(const char* name, std::int64_t min,
                                               std::int64_t max);
  bool boolean(const char* name);
  // An array of 0..max elements; an empty json array when absent and !required.
  const nlohmann::json& array(const char* name, std::size_t max, bool required = true);
  // An object field (any content), or null when absent and !required.
  const nlohmann::json& object(const char* name, bool required = true);

  // The path of a child, for nested readers: "orders[2]", "heartbeat".
  std::string child_path(const char* name, std::optional<std::size_t> index = std::nullopt) const;
  // Records an error from outside (a nested reader's, or a cross-field rule).
  void fail(Status status);
  bool ok() const { return status_.is_ok(); }
  // The first error, or an unknown-field error, or OK.
  Status finish();

 private:
  const nlohmann::json* field(const char* name, bool required);
  std::string where(const char* name) const;

  const nlohmann::json& object_;
  std::string path_;
  std::set<std::string> seen_;
  Status status_;
};

// Parses text as JSON; kInvalidArgument with the parser's position on failure,
// and when the root is not an object.
Result<nlohmann::json> parse_json_object(std::string_view text);

}  // namespace larder::sync
