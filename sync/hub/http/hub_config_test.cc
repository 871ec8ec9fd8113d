#include "sync/hub/http/hub_config.h"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

namespace larder::hub::http {
namespace {

std::string error_of(std::string_view text) {
  auto r = parse_hub_config(text, "hub.toml");
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.status().code() == Code::kInvalidArgument);
  return r.status().message();
}

TEST_CASE("an empty file gives the defaults, which match the structs' own") {
  auto r = parse_hub_config("", "hub.toml");
  REQUIRE(r.is_ok());
  const HubConfig d;
  const HubConfig& c = *r;
  CHECK(c.server.listen_address == d.server.listen_address);
  CHECK(c.server.port == d.server.port);
  CHECK(c.server.io_threads == d.server.io_threads);
  CHECK(c.server.limits.max_header_bytes == d.server.limits.max_header_bytes);
  CHECK(c.server.limits.max_body_bytes == d.server.limits.max_body_bytes);
  CHECK(c.server.limits.max_connections == d.server.limits.max_connections);
  CHECK(c.server.timeouts.tls_handshake == d.server.timeouts.tls_handshake);
  CHECK(c.server.timeouts.header_read == d.server.timeouts.header_read);
  CHECK(c.server.timeouts.body_read == d.server.timeouts.body_read);
  CHECK(c.server.timeouts.idle == d.server.timeouts.idle);
  CHECK(c.server.timeouts.write == d.server.timeouts.write);
  CHECK(c.server.tls_cert_file == d.server.tls_cert_file);
  CHECK(c.server.tls_key_file == d.server.tls_key_file);
  CHECK(c.worker_threads == d.worker_threads);
  CHECK(c.worker_queue == d.worker_queue);
  CHECK(c.database_conninfo == d.database_conninfo);
  CHECK(c.long_poll_max_wait == d.long_poll_max_wait);
}

TEST_CASE("a valid file sets every option") {
  auto r = parse_hub_config(R"(
[server]
listen_address = "::1"
port = 9000
io_threads = 4

[limits]
max_header_bytes = 8192
max_body_bytes = 2097152
max_connections = 15000

[timeouts]
tls_handshake_ms = 5000
header_read_ms = 4000
body_read_ms = 20000
idle_ms = 90000
write_ms = 15000

[tls]
cert_file = "/etc/larder/hub.crt"
key_file = "/etc/larder/hub.key"

[workers]
threads = 16
queue_capacity = 512

[database]
conninfo = "host=/run/postgresql dbname=larder user=larder_hub"

[long_poll]
max_wait_ms = 30000
)",
                            "hub.toml");
  REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
  const HubConfig& c = *r;
  CHECK(c.server.listen_address == "::1");
  CHECK(c.server.port == 9000);
  CHECK(c.server.io_threads == 4);
  CHECK(c.server.limits.max_header_bytes == 8192);
  CHECK(c.server.limits.max_body_bytes == 2097152);
  CHECK(c.server.limits.max_connections == 15000);
  CHECK(c.server.timeouts.tls_handshake.count() == 5000);
  CHECK(c.server.timeouts.header_read.count() == 4000);
  CHECK(c.server.timeouts.body_read.count() == 20000);
  CHECK(c.server.timeouts.idle.count() == 90000);
  CHECK(c.server.timeouts.write.count() == 15000);
  CHECK(c.server.tls_cert_file == "/etc/larder/hub.crt");
  CHECK(c.server.tls_key_file == "/etc/larder/hub.key");
  CHECK(c.worker_threads == 16);
  CHECK(c.worker_queue == 512);
  CHECK(c.database_conninfo == "host=/run/postgresql dbname=larder user=larder_hub");
  CHECK(c.long_poll_max_wait.count() == 30000);
}

TEST_CASE("unknown keys and sections are errors naming them") {
  CHECK(error_of("[limits]\nmax_bdy_bytes = 10\n") ==
        "hub.toml:2: unknown option 'limits.max_bdy_bytes'");
  CHECK(error_of("port = 1\n") == "hub.toml:1: unknown option 'port'");
  CHECK(error_of("[limts]\nmax_body_bytes = 10\n") == "hub.toml:1: unknown section [limts]");
  CHECK(error_of("[server.extra]\nx = 1\n") == "hub.toml:1: unknown section [server.extra]");
}

TEST_CASE("a wrong type names the option and both types") {
  CHECK(error_of("[server]\nport = \"8443\"\n") ==
        "hub.toml:2: option 'server.port' must be an integer, not a string");
  CHECK(error_of("[server]\nlisten_address = 127\n") ==
        "hub.toml:2: option 'server.listen_address' must be a string, not an integer");
  CHECK(error_of("[timeouts]\nidle_ms = 1.5\n") ==
        "hub.toml:2: option 'timeouts.idle_ms' must be an integer, not a float");
  CHECK(error_of("[limits]\nmax_connections = [1]\n") ==
        "hub.toml:2: option 'limits.max_connections' must be an integer, not an array");
}

TEST_CASE("an out-of-range or invalid value names the option and the allowed range") {
  CHECK(error_of("[server]\nport = 70000\n") ==
        "hub.toml:2: option 'server.port' is 70000; it must be between 1 and 65535");
  CHECK(error_of("[server]\nio_threads = 0\n") ==
        "hub.toml:2: option 'server.io_threads' is 0; it must be between 1 and 256");
  CHECK(error_of("[long_poll]\nmax_wait_ms = -5\n") ==
        "hub.toml:2: option 'long_poll.max_wait_ms' is -5; it must be between 1000 and 600000");
  CHECK(error_of("[server]\nlisten_address = \"localhost\"\n") ==
        "hub.toml:2: option 'server.listen_address' is 'localhost'; it must be an IPv4 or IPv6 "
        "address (e.g. 127.0.0.1, 0.0.0.0 or ::1)");
  CHECK(error_of("[tls]\ncert_file = \"/a.crt\"\n") ==
        "hub.toml:1: options 'tls.cert_file' and 'tls.key_file' must be set together "
        "(cert_file is set, the other is empty)");
}

TEST_CASE("TOML syntax errors carry line and column") {
  std::string e = error_of("[server]\nport = = 1\n");
  CHECK(e.rfind("hub.toml:2:", 0) == 0);
  CHECK(e.find("TOML syntax error: ") != std::string::npos);
}

TEST_CASE("load_hub_config names a missing file") {
  auto r = load_hub_config("/nonexistent/larder-hub.toml");
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.status().message() == "reading config /nonexistent/larder-hub.toml: No such file or directory");
}

// The shipped example lists every option, commented out, with its default:
// uncommenting every `# name = value` line must parse to the defaults, and
// every option of the table must appear.
TEST_CASE("the example config documents every option with its default") {
  std::ifstream in(LARDER_HUB_EXAMPLE_CONFIG);
  REQUIRE(in.good());
  std::stringstream uncommented;
  std::string line;
  std::string all;
  while (std::getline(in, line)) {
    all += line + "\n";
    // "# name = value" is a setting; any other comment is prose.
    std::size_t name_end = line.find_first_not_of("abcdefghijklmnopqrstuvwxyz_", 2);
    bool setting = line.rfind("# ", 0) == 0 && name_end != std::string::npos && name_end > 2 &&
                   line.compare(name_end, 3, " = ") == 0;
    uncommented << (setting ? line.substr(2) : line) << "\n";
  }
  // The tls pair is documented empty; both empty is the default.
  auto r = parse_hub_config(uncommented.str(), "example");
  REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
  auto defaults = parse_hub_config("", "empty");
  REQUIRE(defaults.is_ok());
  CHECK(r->server.port == defaults->server.port);
  CHECK(r->server.limits.max_body_bytes == defaults->server.limits.max_body_bytes);
  CHECK(r->long_poll_max_wait == defaults->long_poll_max_wait);
  for (const auto& option : hub_config_options()) {
    INFO(option.name);
    std::string key = option.name.substr(option.name.find('.') + 1);
    std::string section = std::string("[").append(option.name, 0, option.name.find('.')).append("]");
    CHECK(all.find(section) != std::string::npos);
    CHECK(all.find("# " + key + " = ") != std::string::npos);
    std::string shown;
    if (auto* i = std::get_if<std::int64_t>(&option.default_value)) {
      shown = "# " + key + " = " + std::to_string(*i) + "\n";
    } else {
      shown = "# " + key + " = \"" + std::get<std::string>(option.default_value) + "\"\n";
    }
    CHECK(all.find(shown) != std::string::npos);
  }
}

}  // namespace
}  // namespace larder::hub::http
