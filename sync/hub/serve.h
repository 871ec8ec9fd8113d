// `larder-hub serve --config FILE`: the hub's lifecycle, in order.
// config (and the metrics token file, when set) -> refuse an unsafe
// database role (superuser, table owner, BYPASSRLS) -> PostgreSQL pool and
// blocking workers -> routes (sync, /healthz, /readyz, /metrics) -> HTTP(S) server -> change listener (LISTEN) waking
// long-polls -> READY=1 -> wait for SIGTERM/SIGINT -> STOPPING=1: wake every
// long-poll, drain requests up to a deadline, stop workers -> exit 0.
// Returns the exit code; start-up failures are printed with their reason.
#pragma once

#include <ostream>
#include <string>

namespace larder::hub {

int serve(const std::string& config_path, std::ostream& err);

}  // namespace larder::hub
