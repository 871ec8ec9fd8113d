// GET /readyz: whether this hub instance should get traffic now. /healthz
// (observability.h) says the process is up; /readyz also needs PostgreSQL.
//
// 200 {"status":"ready"}: not stopping, and `SELECT 1` succeeded on a pooled
// connection (acquired within the context's acquire_timeout; a pooled
// connection broken by a database restart is dropped and one fresh one
// tried). Otherwise 503 {"error":{"code":"draining"|"unavailable",...}}:
// the cause is in the hub's log, never in the answer. Needs no token. The
// check runs on the blocking pool, so a full queue answers 503 server_busy.
//
// Thread safety: the handler runs on any io thread; see sync_endpoints.h.
#pragma once

#include <functional>

#include "sync/hub/http/router.h"
#include "sync/hub/sync_endpoints.h"

namespace larder::hub {

// `serving` false: the instance is stopping (503 draining).
void add_readiness_route(http::Router& router, HubContext& ctx, std::function<bool()> serving);

}  // namespace larder::hub
