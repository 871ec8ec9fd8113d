// Config files: one table of options drives parsing, defaults, validation and
// the shipped example (STYLE.md: Redis's static_configs[]).
//
// parse_options() reads TOML text and returns a value for every option in the
// table: the file's, or the default. It refuses, with "SOURCE:LINE: ..."
// messages an operator can act on without reading code:
//   an unknown option (a typo must not be silently ignored),
//   a value of the wrong type ("option 'api.port' must be an integer, not a string"),
//   an integer outside [min, max],
//   a TOML syntax error (with the parser's line and column).
// Meaning-level checks (a path that must exist, two options that conflict)
// belong to the caller, who reports them with the line given here.
//
// example_config() renders the table as a commented TOML file, so the shipped
// example cannot drift from the code: a test compares them.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/status.h"

namespace larder {

using ConfigValue = std::variant<std::int64_t, bool, std::string, std::vector<std::string>>;

struct OptionSpec {
  std::string name;  // dotted: "section.key"
  ConfigValue default_value;
  std::string help;  // one or more lines, written into the example
  std::int64_t min = std::numeric_limits<std::int64_t>::min();
  std::int64_t max = std::numeric_limits<std::int64_t>::max();
};

struct OptionValue {
  std::string name;
  ConfigValue value;
  int line = 0;  // 0: the default was used
};

Result<std::vector<OptionValue>> parse_options(const std::vector<OptionSpec>& specs,
                                               std::string_view toml_text,
                                               const std::string& source);

// "SOURCE:LINE: option 'name' <message>", or without the line for a default.
Status option_error(const std::string& source, const OptionValue& option,
                    const std::string& message);

std::string example_config(const std::vector<OptionSpec>& specs, const std::string& title);

}  // namespace larder
