#include "node/daemon/node_config.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>

#include "base/atomic_file.h"
#include "node/api/api_options.h"

namespace larder::node {
namespace {

using Setter = std::function<Status(NodeConfig&, const OptionValue&, const std::string& source)>;

struct Entry {
  OptionSpec spec;
  Setter set;
};

std::int64_t as_int(const OptionValue& v) { return std::get<std::int64_t>(v.value); }
const std::string& as_str(const OptionValue& v) { return std::get<std::string>(v.value); }

Setter str(std::string NodeConfig::*field) {
  return [field](NodeConfig& c, const OptionValue& v, const std::string&) {
    c.*field = as_str(v);
    return Status::ok();
  };
}
Setter integer(int NodeConfig::*field) {
  return [field](NodeConfig& c, const OptionValue& v, const std::string&) {
    c.*field = static_cast<int>(as_int(v));
    return Status::ok();
  };
}
Setter millis(std::chrono::milliseconds NodeConfig::*field) {
  return [field](NodeConfig& c, const OptionValue& v, const std::string&) {
    c.*field = std::chrono::milliseconds(as_int(v));
    return Status::ok();
  };
}

const std::vector<Entry>& table() {
  static const std::vector<Entry> entries = {
      {{"data_dir", std::string("/var/lib/larder-node"),
        "Where the tenants' encrypted databases, their key salts and the device's\n"
        "credentials live (created 0700)."},
       str(&NodeConfig::data_dir)},
      {{"master_key_file", std::string(""),
        "The device master key (32 random bytes, created 0600 on first start).\n"
        "Empty: $CREDENTIALS_DIRECTORY/master.key under systemd's LoadCredential=,\n"
        "else <data_dir>/master.key."},
       str(&NodeConfig::master_key_file)},
      {{"log_level", std::string("info"), "trace, debug, info, warn or error."},
       [](NodeConfig& c, const OptionValue& v, const std::string& source) {
         static const char* kLevels[] = {"trace", "debug", "info", "warn", "error"};
         for (const char* l : kLevels) {
           if (as_str(v) == l) {
             c.log_level = l;
             return Status::ok();
           }
         }
         return option_error(source, v, "must be one of trace, debug, info, warn, error");
       }},
      {{"api.listen_address", std::string("127.0.0.1"),
        "The local API's address (IPv6 with or without brackets: \"[::1]\" or \"::1\").\n"
        "Anything but loopback requires api.token_file."},
       [](NodeConfig& c, const OptionValue& v, const std::string& source) {
         std::string a = as_str(v);
         if (a.size() >= 2 && a.front() == '[' && a.back() == ']') a = a.substr(1, a.size() - 2);
         if (a.empty()) return option_error(source, v, "must not be empty");
         c.listen_address = a;
         return Status::ok();
       }},
      {{"api.port", std::int64_t{8080}, "The local API's TCP port.", 1, 65535},
       integer(&NodeConfig::port)},
      {{"api.token_file", std::string(""),
        "A file (mode 0600) holding the bearer token POS terminals must send.\n"
        "Required when listen_address is not loopback; optional otherwise."},
       str(&NodeConfig::api_token_file)},
      {{"api.allowed_hosts", std::vector<std::string>{"localhost", "127.0.0.1", "[::1]"},
        "Host header values the API accepts (DNS-rebinding defence). Add the\n"
        "device's LAN name or address when POS terminals reach it over the LAN."},
       [](NodeConfig& c, const OptionValue& v, const std::string& source) {
         c.allowed_hosts = std::get<std::vector<std::string>>(v.value);
         if (c.allowed_hosts.empty()) return option_error(source, v, "must not be empty");
         return Status::ok();
       }},
      {{"api.kiosk_ui_dir", std::string(""),
        "The kiosk UI's static files, served at /. Empty: no UI."},
       str(&NodeConfig::kiosk_ui_dir)},
      {{"api.max_connections", std::int64_t{32},
        "Concurrent connections (one thread each); beyond it, connections wait.", 4, 1024},
       integer(&NodeConfig::max_connections)},
      {{"api.max_connections_per_peer", std::int64_t{0},
        "Connections one LAN address may hold (loopback is not capped); 0: half of\n"
        "max_connections. Keeps one slow or greedy host from taking every thread.",
        0, 1024},
       integer(&NodeConfig::max_connections_per_peer)},
      {{"api.max_event_streams", std::int64_t{8},
        "Concurrent Server-Sent Event streams; must leave connections for requests.", 1, 512},
       integer(&NodeConfig::max_event_streams)},
      {{"api.max_body_bytes", std::int64_t{65536}, "Largest request body accepted.", 1024,
        16 * 1024 * 1024},
       [](NodeConfig& c, const OptionValue& v, const std::string&) {
         c.max_body_bytes = static_cast<std::size_t>(as_int(v));
         return Status::ok();
       }},
      {{"api.request_timeout_ms", std::int64_t{10000},
        "How long a client may take to send a request, and the API to answer.", 100, 600000},
       millis(&NodeConfig::request_timeout)},
      {{"api.keep_alive_timeout_ms", std::int64_t{5000},
        "Idle keep-alive connections close after this.", 100, 600000},
       millis(&NodeConfig::keep_alive_timeout)},
      {{"sync.hub_ca_file", std::string(""),
        "PEM CA bundle that verifies the hub's certificate. Empty: the system's."},
       str(&NodeConfig::hub_ca_file)},
      {{"sync.pull_wait_seconds", std::int64_t{25}, "How long a pull long-polls the hub.", 0, 300},
       integer(&NodeConfig::pull_wait_seconds)},
      {{"sync.pull_limit", std::int64_t{500}, "Changes asked for per pull.", 1, 10000},
       integer(&NodeConfig::pull_limit)},
      {{"sync.push_batch", std::int64_t{50}, "Orders sent per push.", 1, 100},
       integer(&NodeConfig::push_batch)},
      {{"sync.push_linger_ms", std::int64_t{25},
        "After an order, how long the push waits for more to join its batch.", 0, 1000},
       millis(&NodeConfig::push_linger)},
      {{"sync.heartbeat_interval_ms", std::int64_t{30000},
        "A push (with the heartbeat) at least this often, even with no orders.", 1000, 3600000},
       millis(&NodeConfig::heartbeat_interval)},
      {{"sync.backoff_max_ms", std::int64_t{60000},
        "The longest wait between retries while the hub is unreachable.", 1000, 3600000},
       millis(&NodeConfig::backoff_max)},
  };
  return entries;
}

}  // namespace

const std::vector<OptionSpec>& node_config_options() {
  static const std::vector<OptionSpec> specs = [] {
    std::vector<OptionSpec> out;
    for (const Entry& e : table()) out.push_back(e.spec);
    return out;
  }();
  return specs;
}

Result<NodeConfig> parse_node_config(std::string_view text, const std::string& source) {
  LARDER_ASSIGN_OR_RETURN(auto values, parse_options(node_config_options(), text, source));
  NodeConfig c;
  std::map<std::string, OptionValue> by_name;
  for (std::size_t i = 0; i < values.size(); ++i) {
    LARDER_RETURN_IF_ERROR(table()[i].set(c, values[i], source));
    by_name[values[i].name] = values[i];
  }
  if (c.data_dir.empty()) return option_error(source, by_name["data_dir"], "must not be empty");
  if (c.max_connections_per_peer > c.max_connections) {
    return option_error(source, by_name["api.max_connections_per_peer"],
                        "must not exceed api.max_connections (" +
                            std::to_string(c.max_connections) + ")");
  }
  if (c.max_event_streams >= c.max_connections) {
    return option_error(source, by_name["api.max_event_streams"],
                        "must be below api.max_connections (" + std::to_string(c.max_connections) +
                            "), or event streams could take every connection");
  }
  if (!c.api_token_file.empty()) {
    auto token = read_file(c.api_token_file);
    if (!token.is_ok()) {
      return option_error(source, by_name["api.token_file"],
                          "names a file that cannot be read: " + token.status().message());
    }
    struct stat st {};
    if (::stat(c.api_token_file.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
      return option_error(source, by_name["api.token_file"],
                          "names a file others can read; run: chmod 600 " + c.api_token_file);
    }
    c.api_token = *token;
    while (!c.api_token.empty() && (c.api_token.back() == '\n' || c.api_token.back() == '\r')) {
      c.api_token.pop_back();
    }
    if (c.api_token.size() < 16) {
      return option_error(source, by_name["api.token_file"],
                          "holds a token shorter than 16 characters");
    }
  }
  if (!api::is_loopback_address(c.listen_address) && c.api_token.empty()) {
    return option_error(source, by_name["api.listen_address"],
                        "is " + c.listen_address +
                            ", not loopback: set api.token_file so POS terminals must "
                            "authenticate");
  }
  if (!c.kiosk_ui_dir.empty() && !std::filesystem::is_directory(c.kiosk_ui_dir)) {
    return option_error(source, by_name["api.kiosk_ui_dir"],
                        "names " + c.kiosk_ui_dir + ", which is not a directory");
  }
  if (!c.hub_ca_file.empty()) {
    // Checked here, by the user the daemon runs as, so a missing or unreadable
    // bundle is a start-up error rather than every later TLS handshake failing.
    auto pem = read_file(c.hub_ca_file);
    if (!pem.is_ok()) {
      return option_error(source, by_name["sync.hub_ca_file"],
                          "names a file that cannot be read: " + pem.status().message());
    }
    if (pem->find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
      return option_error(source, by_name["sync.hub_ca_file"],
                          "names " + c.hub_ca_file + ", which holds no PEM certificate");
    }
  }
  if (c.master_key_file.empty()) {
    const char* creds = std::getenv("CREDENTIALS_DIRECTORY");
    c.master_key_file = (creds != nullptr && *creds != '\0') ? std::string(creds) + "/master.key"
                                                             : c.data_dir + "/master.key";
  }
  return c;
}

Result<NodeConfig> load_node_config(const std::string& path) {
  auto text = read_file(path);
  if (!text.is_ok())
    return invalid_argument("cannot read config " + path + ": " + text.status().message());
  return parse_node_config(*text, path);
}

}  // namespace larder::node
