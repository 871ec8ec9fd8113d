// The sync endpoints of larder-hub (docs/PROTOCOL.md): POST /v1/enroll,
// GET /v1/sync/pull (long-poll), POST /v1/sync/push.
//
// Handlers parse and validate on the io thread, then do their PostgreSQL
// work on the blocking pool (one pooled connection per job, every
// transaction scoped to the device's tenant by the db layer). A pull with
// nothing new parks on ChangeWaiters under the tenant's key; the change
// listener (PostgreSQL LISTEN) notifies that key when any of the tenant's
// scopes changes, and the pull reads again and answers. The tenant, device and
// location always come from the bearer token, never from the request.
//
// Thread safety: the HubContext's members are all thread-safe; handlers may
// run concurrently.
#pragma once

#include <chrono>

#include "base/env.h"
#include "sync/hub/db/pg_pool.h"
#include "sync/hub/http/blocking_pool.h"
#include "sync/hub/http/change_waiters.h"
#include "sync/hub/http/metrics.h"
#include "sync/hub/http/router.h"

namespace larder::hub {

struct HubContext {
  db::PgPool& pg;
  http::BlockingPool& workers;
  http::ChangeWaiters& waiters;
  http::MetricsRegistry& metrics;
  Env& env;
  std::chrono::milliseconds max_wait{60'000};
  std::chrono::milliseconds acquire_timeout{5'000};
};

void add_sync_routes(http::Router& router, HubContext& context);

// The handlers add_sync_routes() installs, one file each.
void handle_enroll(HubContext& ctx, http::Request req,
                   http::Responder responder);  // enroll_endpoint.cc
void handle_pull(HubContext& ctx, http::Request req,
                 http::Responder responder);  // pull_endpoint.cc
void handle_push(HubContext& ctx, http::Request req,
                 http::Responder responder);  // push_endpoint.cc

// The waiter key of a tenant: every pull of the tenant waits on it.
inline std::string tenant_wait_key(const std::string& tenant_id) { return "t/" + tenant_id; }

}  // namespace larder::hub
