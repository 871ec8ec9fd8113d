#include "node/daemon/api_config.h"

#include <spdlog/spdlog.h>

namespace larder::node {

std::string url_host(const std::string& address) {
  if (address.find(':') == std::string::npos || address.front() == '[') return address;
  return "[" + address + "]";
}

api::ApiOptions api_options_from_config(const NodeConfig& c) {
  api::ApiOptions o;
  o.bind_address = c.listen_address;  // IPv6 without brackets (node_config.h)
  o.port = c.port;
  o.bearer_token = c.api_token;
  o.require_token = !c.api_token.empty();
  o.allowed_hosts = c.allowed_hosts;
  o.max_body_bytes = c.max_body_bytes;
  o.read_timeout = c.request_timeout;
  o.write_timeout = c.request_timeout;
  o.keep_alive_timeout = std::chrono::duration_cast<std::chrono::seconds>(c.keep_alive_timeout);
  if (o.keep_alive_timeout.count() < 1) o.keep_alive_timeout = std::chrono::seconds(1);
  o.max_connections = static_cast<std::size_t>(c.max_connections);
  o.max_connections_per_peer = static_cast<std::size_t>(c.max_connections_per_peer);
  o.max_sse_clients = static_cast<std::size_t>(c.max_event_streams);
  o.static_dir = c.kiosk_ui_dir;
  o.log = [](const std::string& message) { spdlog::error("{}", message); };
  o.warn = [](const std::string& message) { spdlog::warn("{}", message); };
  return o;
}

}  // namespace larder::node
