#include "sync/hub/http/hub_config.h"

#include <arpa/inet.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

namespace larder::hub::http {
namespace {

using std::chrono::milliseconds;

// One row per option (STYLE.md: Redis's static_configs[]). An integer option
// is checked against [min, max]; a string option by `check` when set.
struct OptionSpec {
  const char* name;
  OptionValue default_value;
  std::int64_t min;
  std::int64_t max;
  // Returns "" when `value` is acceptable, else what it must be.
  std::string (*check)(const std::string& value);
  void (*set)(HubConfig& config, const OptionValue& value);
  const char* help;
};

constexpr std::int64_t kHourMs = 3'600'000;

std::int64_t as_int(const OptionValue& v) { return std::get<std::int64_t>(v); }
const std::string& as_string(const OptionValue& v) { return std::get<std::string>(v); }
std::size_t as_size(const OptionValue& v) { return static_cast<std::size_t>(as_int(v)); }
milliseconds as_ms(const OptionValue& v) { return milliseconds(as_int(v)); }

std::string check_ip_literal(const std::string& value) {
  unsigned char buf[sizeof(struct in6_addr)];
  if (inet_pton(AF_INET, value.c_str(), buf) == 1 || inet_pton(AF_INET6, value.c_str(), buf) == 1) {
    return "";
  }
  return "an IPv4 or IPv6 address (e.g. 127.0.0.1, 0.0.0.0 or ::1)";
}

// Paths are checked when the server opens them; here only that they are not
// blank-but-set, a typo that would otherwise surface as a confusing file error.
std::string check_optional_path(const std::string& value) {
  if (!value.empty() && value.find_first_not_of(" \t") == std::string::npos) {
    return "a file path or \"\" (it is only spaces)";
  }
  return "";
}

const std::vector<OptionSpec>& option_table() {
  static const std::vector<OptionSpec> table = {
      {"server.listen_address", std::string("127.0.0.1"), 0, 0, check_ip_literal,
       [](HubConfig& c, const OptionValue& v) { c.server.listen_address = as_string(v); },
       "IP address to listen on; 0.0.0.0 or :: for every interface"},
      {"server.port", std::int64_t{8443}, 1, 65535, nullptr,
       [](HubConfig& c, const OptionValue& v) {
         c.server.port = static_cast<std::uint16_t>(as_int(v));
       },
       "TCP port"},
      {"server.io_threads", std::int64_t{2}, 1, 256, nullptr,
       [](HubConfig& c, const OptionValue& v) { c.server.io_threads = as_size(v); },
       "threads running the network event loop (about one per core)"},
      {"limits.max_header_bytes", std::int64_t{16 * 1024}, 1024, 1024 * 1024, nullptr,
       [](HubConfig& c, const OptionValue& v) { c.server.limits.max_header_bytes = as_size(v); },
       "request line plus headers, in bytes; larger gets 431"},
      {"limits.max_body_bytes", std::int64_t{1024 * 1024}, 1, 1024LL * 1024 * 1024, nullptr,
       [](HubConfig& c, const OptionValue& v) { c.server.limits.max_body_bytes = as_size(v); },
       "request body, in bytes; larger gets 413"},
      {"limits.max_connections", std::int64_t{20000}, 1, 1'000'000, nullptr,
       [](HubConfig& c, const OptionValue& v) { c.server.limits.max_connections = as_size(v); },
       "open connections; more get 503 (raise the open-files limit to match)"},
      {"timeouts.tls_handshake_ms", std::int64_t{10'000}, 100, kHourMs, nullptr,
       [](HubConfig& c, const OptionValue& v) { c.server.timeouts.tls_handshake = as_ms(v); },
       "TLS handshake"},
      {"timeouts.header_read_ms", std::int64_t{10'000}, 100, kHourMs, nullptr,
       [](HubConfig& c, const OptionValue& v) { c.server.timeouts.header_read = as_ms(v); },
       "reading a request's headers"},
      {"timeouts.body_read_ms", std::int64_t{30'000}, 100, kHourMs, nullptr,
       [](HubConfig& c, const OptionValue& v) { c.server.timeouts.body_read = as_ms(v); },
       "reading a request's body"},
      {"timeouts.idle_ms", std::int64_t{60'000}, 100, kHourMs, nullptr,
       [](HubConfig& c, const OptionValue& v) { c.server.timeouts.idle = as_ms(v); },
       "a keep-alive connection waiting for its next request"},
      {"timeouts.write_ms", std::int64_t{30'000}, 100, kHourMs, nullptr,
       [](HubConfig& c, const OptionValue& v) { c.server.timeouts.write = as_ms(v); },
       "writing a response"},
      {"tls.cert_file", std::string(), 0, 0, check_optional_path,
       [](HubConfig& c, const OptionValue& v) { c.server.tls_cert_file = as_string(v); },
       "PEM certificate chain; with key_file, serve HTTPS"},
      {"tls.key_file", std::string(), 0, 0, check_optional_path,
       [](HubConfig& c, const OptionValue& v) { c.server.tls_key_file = as_string(v); },
       "PEM private key of cert_file"},
      {"workers.threads", std::int64_t{8}, 1, 1024, nullptr,
       [](HubConfig& c, const OptionValue& v) { c.worker_threads = as_size(v); },
       "threads for blocking work, each with its own database connection"},
      {"workers.queue_capacity", std::int64_t{256}, 1, 1'000'000, nullptr,
       [](HubConfig& c, const OptionValue& v) { c.worker_queue = as_size(v); },
       "jobs that may wait for a worker; more get 503"},
      {"database.conninfo", std::string(), 0, 0, nullptr,
       [](HubConfig& c, const OptionValue& v) { c.database_conninfo = as_string(v); },
       "libpq connection string"},
      {"long_poll.max_wait_ms", std::int64_t{60'000}, 1'000, 600'000, nullptr,
       [](HubConfig& c, const OptionValue& v) { c.long_poll_max_wait = as_ms(v); },
       "longest a pull may wait for a change before answering 'no change'"},
      {"metrics.token_file", std::string(), 0, 0, check_optional_path,
       [](HubConfig& c, const OptionValue& v) { c.metrics_token_file = as_string(v); },
       "file holding the bearer token GET /metrics requires; \"\": /metrics needs none"},
  };
  return table;
}

const char* toml_type_name(toml::node_type t) {
  switch (t) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: return "nothing";
  }
  return "an unknown type";
}

class ConfigReader {
 public:
  ConfigReader(const std::string& source, HubConfig& config) : source_(source), config_(config) {}

  // Walks every leaf of the document; each must name an option.
  Status read_table(const toml::table& table, const std::string& prefix) {
    for (auto&& [key, node] : table) {
      std::string name = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
      if (const toml::table* sub = node.as_table()) {
        if (!is_section(name)) return error_at(node, "unknown section [" + name + "]");
        LARDER_RETURN_IF_ERROR(read_table(*sub, name));
        continue;
      }
      const OptionSpec* spec = find(name);
      if (!spec) return error_at(node, "unknown option '" + name + "'");
      LARDER_RETURN_IF_ERROR(read_option(*spec, node));
    }
    return Status::ok();
  }

  Status check_combinations(const toml::table& root) {
    const ServerOptions& s = config_.server;
    if (s.tls_cert_file.empty() != s.tls_key_file.empty()) {
      const toml::node* where = root.at_path("tls").node();
      return error_at(where, std::string("options 'tls.cert_file' and 'tls.key_file' must be set together (") +
                                 (s.tls_cert_file.empty() ? "key_file" : "cert_file") +
                                 " is set, the other is empty)");
    }
    return Status::ok();
  }

 private:
  static const OptionSpec* find(const std::string& name) {
    for (const auto& spec : option_table()) {
      if (name == spec.name) return &spec;
    }
    return nullptr;
  }

  static bool is_section(const std::string& name) {
    const std::string prefix = name + ".";
    for (const auto& spec : option_table()) {
      if (std::string_view(spec.name).substr(0, prefix.size()) == prefix) return true;
    }
    return false;
  }

  Status read_option(const OptionSpec& spec, const toml::node& node) {
    const std::string name = spec.name;
    if (std::holds_alternative<std::int64_t>(spec.default_value)) {
      const auto* v = node.as_integer();
      if (!v) {
        return error_at(node, "option '" + name + "' must be an integer, not " +
                                  toml_type_name(node.type()));
      }
      std::int64_t value = v->get();
      if (value < spec.min || value > spec.max) {
        return error_at(node, "option '" + name + "' is " + std::to_string(value) +
                                  "; it must be between " + std::to_string(spec.min) + " and " +
                                  std::to_string(spec.max));
      }
      spec.set(config_, value);
      return Status::ok();
    }
    const auto* v = node.as_string();
    if (!v) {
      return error_at(node, "option '" + name + "' must be a string, not " +
                                toml_type_name(node.type()));
    }
    const std::string& value = v->get();
    if (spec.check) {
      std::string expected = spec.check(value);
      if (!expected.empty()) {
        return error_at(node, "option '" + name + "' is '" + value + "'; it must be " + expected);
      }
    }
    spec.set(config_, value);
    return Status::ok();
  }

  Status error_at(const toml::node* node, const std::string& what) const {
    std::string where = source_;
    if (node && node->source().begin.line > 0) {
      // append(), not ":" + to_string(): g++ 12 at -O3 warns falsely on the
      // latter (-Wrestrict, GCC bug 105329).
      where.append(":").append(std::to_string(node->source().begin.line));
    }
    return invalid_argument(where + ": " + what);
  }
  Status error_at(const toml::node& node, const std::string& what) const {
    return error_at(&node, what);
  }

  const std::string& source_;
  HubConfig& config_;
};

}  // namespace

Result<HubConfig> parse_hub_config(std::string_view toml_text, const std::string& source_name) {
  HubConfig config;
  for (const auto& spec : option_table()) spec.set(config, spec.default_value);
  toml::table root;
  try {
    root = toml::parse(toml_text, std::string_view(source_name));
  } catch (const toml::parse_error& e) {
    const auto& begin = e.source().begin;
    return invalid_argument(source_name + ":" + std::to_string(begin.line) + ":" +
                            std::to_string(begin.column) +
                            ": TOML syntax error: " + std::string(e.description()));
  }
  ConfigReader reader(source_name, config);
  LARDER_RETURN_IF_ERROR(reader.read_table(root, ""));
  LARDER_RETURN_IF_ERROR(reader.check_combinations(root));
  return config;
}

Result<HubConfig> load_hub_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return invalid_argument("reading config " + path + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return invalid_argument("reading config " + path + ": " + std::strerror(errno));
  return parse_hub_config(text.str(), path);
}

std::vector<HubConfigOption> hub_config_options() {
  std::vector<HubConfigOption> out;
  for (const auto& spec : option_table()) {
    out.push_back({spec.name, spec.default_value, spec.help});
  }
  return out;
}

}  // namespace larder::hub::http
