// The `larder-node run` lifecycle, in order (STYLE.md: Redis's main):
// config -> logging -> storage, keys and migrations (Node::open) -> the local
// API -> a sync client per tenant -> sd_notify READY=1 -> the event loop
// (signals, the systemd watchdog) -> on SIGTERM/SIGINT: STOPPING=1, stop
// pulling, let pushes in flight finish, stop the API (closing event streams),
// close the databases -> exit 0.
//
// A signal handler only posts to the Asio loop. run_daemon() returns the
// process exit code: 0 after a clean stop, 1 when start-up failed (the reason
// is logged, naming the file or tenant).
#pragma once

#include "node/daemon/node_config.h"

namespace larder::node {

int run_daemon(const NodeConfig& config, const std::string& app_version);

}  // namespace larder::node
