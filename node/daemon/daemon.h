// The `larder-node run` lifecycle, in order (STYLE.md: Redis's main):
// config -> logging -> storage, keys and migrations (Node::open) -> the local
// API -> a sync client per tenant -> sd_notify READY=1 -> the event loop
// (signals, the systemd watchdog) -> on SIGTERM/SIGINT: STOPPING=1, stop
// pulling, let pushes in flight finish, stop the API (closing event streams),
// close the databases -> exit 0.
//
// A signal handler only posts to the Asio loop. run_daemon() returns the
// process exit code: 0 after a clean stop, 1 when start-up failed (the reason
// is logged, naming the file or tenant). What concerns one tenant does not
// stop the others: a tenant whose credentials or database cannot be used is
// logged at error level and reported unavailable (node/core/node.h); one whose
// hub cannot be used (a bad hub URL in its credentials) is served offline, its
// orders queued, with the reason in its status's last_error; a tenant
// database without credentials is a warning. Every request the local API
// fails with a 5xx is logged with its cause (api_config.h).
#pragma once

#include "node/daemon/node_config.h"

namespace larder::node {

int run_daemon(const NodeConfig& config, const std::string& app_version);

}  // namespace larder::node
