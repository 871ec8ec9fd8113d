// HubConfig: the settings of `larder-hub serve --config FILE`, read from TOML.
//
// One table of options drives parsing, defaults, validation and the shipped
// example (larder-hub.example.toml): each option has a dotted name
// ("limits.max_body_bytes"), a type, a default, and a check. A file may set
// any subset; everything else keeps its default.
//
// Errors (kInvalidArgument) name the file, the line and the option, and say
// what was expected, so an operator fixes the file without reading code:
//   FILE:LINE: unknown option 'limits.max_bdy_bytes'
//   FILE:LINE: option 'server.port' must be an integer, not a string
//   FILE:LINE: option 'server.port' is 70000; it must be between 1 and 65535
//   FILE:LINE:COL: TOML syntax error: <parser's description>
//
// Thread safety: pure functions over values. No Asio or Beast here, so fuzz
// targets build it alone.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/status.h"
#include "sync/hub/http/server_options.h"

namespace larder::hub::http {

struct HubConfig {
  ServerOptions server;
  std::size_t worker_threads = 8;       // blocking pool: one PostgreSQL connection each
  std::size_t worker_queue = 256;       // jobs waiting for a worker before 503
  std::string database_conninfo;        // libpq conninfo; not interpreted here
  std::chrono::milliseconds long_poll_max_wait{60'000};  // cap on a client's wait
  std::string metrics_token_file;       // "": GET /metrics needs no token
};

// Parses TOML text; `source_name` (usually the path) prefixes every message.
Result<HubConfig> parse_hub_config(std::string_view toml_text, const std::string& source_name);
// Reads and parses a file; an unreadable file fails with kInvalidArgument
// naming it and the errno text.
Result<HubConfig> load_hub_config(const std::string& path);

// The option table, for help text and tests.
using OptionValue = std::variant<std::int64_t, std::string>;
struct HubConfigOption {
  std::string name;          // dotted: "section.key"
  OptionValue default_value;
  std::string help;
};
std::vector<HubConfigOption> hub_config_options();

}  // namespace larder::hub::http
