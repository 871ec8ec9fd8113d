#include "node/daemon/node_config.h"

#include <doctest/doctest.h>

#include "base/atomic_file.h"
#include "base/config_file.h"
#include "storage/testing/temp_dir.h"

namespace larder::node {

TEST_CASE("defaults are loopback and safe; a file overrides them") {
  auto d = parse_node_config("", "node.toml");
  REQUIRE(d.is_ok());
  CHECK(d->listen_address == "127.0.0.1");
  CHECK(d->port == 8080);
  CHECK(d->api_token.empty());
  auto c = parse_node_config("data_dir = \"/srv/larder\"\n[api]\nport = 9090\n", "node.toml");
  REQUIRE(c.is_ok());
  CHECK(c->port == 9090);
  CHECK(c->master_key_file == "/srv/larder/master.key");
}

TEST_CASE("meaning-level checks name the file, line and option") {
  storage::testing::TempDir dir;
  std::string token = dir.file("token");
  REQUIRE(write_file_atomically(token, "0123456789abcdef0123\n", 0600).is_ok());
  std::string not_pem = dir.file("not-pem");
  REQUIRE(write_file_atomically(not_pem, "hello\n", 0644).is_ok());
  std::string open_token = dir.file("open-token");
  REQUIRE(write_file_atomically(open_token, "0123456789abcdef0123\n", 0644).is_ok());
  struct Case {
    std::string text;
    std::string message;
  };
  const Case cases[] = {
      {"[api]\nlisten_address = \"0.0.0.0\"\n",
       "node.toml:2: option 'api.listen_address' is 0.0.0.0, not loopback: set api.token_file so "
       "POS terminals must authenticate"},
      {"[api]\ntoken_file = \"" + open_token + "\"\n",
       "node.toml:2: option 'api.token_file' names a file others can read; run: chmod 600 " +
           open_token},
      {"[api]\nmax_connections = 8\nmax_event_streams = 8\n",
       "node.toml:3: option 'api.max_event_streams' must be below api.max_connections (8), or "
       "event streams could take every connection"},
      {"[api]\nmax_connections = 8\nmax_connections_per_peer = 9\n",
       "node.toml:3: option 'api.max_connections_per_peer' must not exceed api.max_connections (8)"},
      {"log_level = \"loud\"\n",
       "node.toml:1: option 'log_level' must be one of trace, debug, info, warn, error"},
      {"[api]\nkiosk_ui_dir = \"/no/such/dir\"\n",
       "node.toml:2: option 'api.kiosk_ui_dir' names /no/such/dir, which is not a directory"},
      {"[sync]\nhub_ca_file = \"/no/such/ca.pem\"\n",
       "node.toml:2: option 'sync.hub_ca_file' names a file that cannot be read: /no/such/ca.pem "
       "does not exist"},
      {"[sync]\nhub_ca_file = \"" + not_pem + "\"\n",
       "node.toml:2: option 'sync.hub_ca_file' names " + not_pem +
           ", which holds no PEM certificate"},
      {"[api]\nlisten_address = \"[::]\"\n",
       "node.toml:2: option 'api.listen_address' is ::, not loopback: set api.token_file so POS "
       "terminals must authenticate"},
      {"[api]\nlisten_address = \"127.0.0.1.example.com\"\n",
       "node.toml:2: option 'api.listen_address' is 127.0.0.1.example.com, not loopback: set "
       "api.token_file so POS terminals must authenticate"},
      {"[sync]\npush_batch = 0\n",
       "node.toml:2: option 'sync.push_batch' is 0; it must be between 1 and 100"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    auto r = parse_node_config(c.text, "node.toml");
    CHECK(r.status().code() == Code::kInvalidArgument);
    CHECK(r.status().message() == c.message);
  }
  auto lan = parse_node_config(
      "[api]\nlisten_address = \"0.0.0.0\"\ntoken_file = \"" + token + "\"\n", "node.toml");
  REQUIRE_MESSAGE(lan.is_ok(), lan.status().to_string());
  CHECK(lan->api_token == "0123456789abcdef0123");
  for (const char* loopback : {"[::1]", "::1", "localhost", "127.0.0.2"}) {
    CAPTURE(loopback);
    auto r = parse_node_config(std::string("[api]\nlisten_address = \"") + loopback + "\"\n",
                               "node.toml");
    CHECK_MESSAGE(r.is_ok(), r.status().to_string());
  }
  std::string ca = dir.file("ca.pem");
  REQUIRE(write_file_atomically(
              ca, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", 0644)
              .is_ok());
  auto with_ca = parse_node_config("[sync]\nhub_ca_file = \"" + ca + "\"\n", "node.toml");
  REQUIRE_MESSAGE(with_ca.is_ok(), with_ca.status().to_string());
  CHECK(with_ca->hub_ca_file == ca);
}

TEST_CASE("the shipped example is exactly the option table") {
  auto shipped =
      read_file(std::string(LARDER_SOURCE_DIR) + "/node/daemon/larder-node.example.toml");
  REQUIRE(shipped.is_ok());
  CHECK(*shipped == example_config(node_config_options(),
                                   "larder-node configuration (larder-node run --config FILE)"));
  CHECK(parse_node_config(*shipped, "example").is_ok());
}

}  // namespace larder::node
