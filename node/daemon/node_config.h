// NodeConfig: the settings of `larder-node run --config FILE` (TOML).
//
// One table (node_config_options()) drives parsing, defaults, validation and
// the shipped example node/daemon/larder-node.example.toml, which a test keeps
// equal to the table. Errors name the file, the line and the option.
// Beyond types and ranges, load_node_config() checks meaning: a non-loopback
// listen address needs an API token file; the token file must exist and be
// private; the kiosk UI directory must exist when set; the hub CA file, when
// set, must be readable and hold a PEM certificate. An IPv6 listen address may
// be written in brackets ("[::1]"); NodeConfig holds it without ("::1"), as
// the socket API takes it.
//
// Thread safety: pure functions.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "base/config_file.h"
#include "base/status.h"

namespace larder::node {

struct NodeConfig {
  std::string data_dir = "/var/lib/larder-node";
  std::string master_key_file;  // empty: <data_dir>/master.key, or $CREDENTIALS_DIRECTORY/master.key
  std::string log_level = "info";

  std::string listen_address = "127.0.0.1";  // IPv6 without brackets
  int port = 8080;
  std::string api_token_file;
  std::string api_token;  // read from api_token_file
  std::vector<std::string> allowed_hosts = {"localhost", "127.0.0.1", "[::1]"};
  std::string kiosk_ui_dir;
  int max_connections = 32;
  int max_event_streams = 8;
  int max_connections_per_peer = 0;  // from one non-loopback address; 0: half of max_connections
  std::size_t max_body_bytes = 65536;
  std::chrono::milliseconds request_timeout{10'000};
  std::chrono::milliseconds keep_alive_timeout{5'000};

  std::string hub_ca_file;
  int pull_wait_seconds = 25;
  int pull_limit = 500;
  int push_batch = 50;
  std::chrono::milliseconds push_linger{25};
  std::chrono::milliseconds heartbeat_interval{30'000};
  std::chrono::milliseconds backoff_max{60'000};
};

const std::vector<OptionSpec>& node_config_options();
Result<NodeConfig> parse_node_config(std::string_view toml_text, const std::string& source);
Result<NodeConfig> load_node_config(const std::string& path);

}  // namespace larder::node
