// The local API's options (node/api/api_options.h) from the node's config.
//
// api_options_from_config() maps every [api] setting and wires ApiOptions::log to
// spdlog: every message the API hands its log is a request it failed to serve
// (a 5xx answer: storage failing, an internal error or exception) with the
// cause the client is not shown, so each is logged at error level.
//
// Thread safety: a pure function; the log callback may be called from any
// thread (spdlog's default logger is thread-safe).
#pragma once

#include "node/api/api_options.h"
#include "node/daemon/node_config.h"

namespace larder::node {

api::ApiOptions api_options_from_config(const NodeConfig& config);

// The address as it goes in a URL: "[::1]" for an IPv6 address, else as is.
std::string url_host(const std::string& address);

}  // namespace larder::node
