// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0 and ask
// the kernel). Another process may take it before we use it, so callers
// retry with a new port when their server fails to bind.
#pragma once

#include "base/status.h"

namespace larder::testing {

Result<int> pick_free_loopback_port();

}  // namespace larder::testing
