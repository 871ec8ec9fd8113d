// The hub's operational endpoints and gauges: GET /metrics (Prometheus text)
// and GET /healthz, plus scrape-time gauges for the long-poll waiting room
// and the blocking pool.
//
// Thread safety: the add/export functions run at startup, before the server
// starts; the handlers they install are safe from any io thread. Objects
// passed in must outlive the registry's scrapes (unexport by destroying the
// registry, or call export again with replacements).
#pragma once

#include <functional>
#include <string>

#include "base/status.h"

#include "sync/hub/http/blocking_pool.h"
#include "sync/hub/http/change_waiters.h"
#include "sync/hub/http/metrics.h"
#include "sync/hub/http/router.h"

namespace larder::hub::http {

// GET /metrics: the registry's text exposition (text/plain; version=0.0.4).
// With a non-empty `metrics_token` it needs "Authorization: Bearer <token>"
// (compared in constant time); without it, or with another token, it is 401
// {"error":{"code":"unauthorized",...}} with WWW-Authenticate. An empty
// token leaves /metrics open (no metric carries a tenant id).
// GET /healthz: 200 {"status":"ok"} while `serving()` is true, else 503
// {"error":{"code":"draining",...}} so a load balancer stops sending work to
// an instance that is stopping. Never needs a token. (/readyz, which needs
// the database, is the hub's: sync/hub/readiness_endpoint.h.)
void add_observability_routes(Router& router, const MetricsRegistry& metrics,
                              std::function<bool()> serving, std::string metrics_token = "");

// The token in `path` (the config's metrics.token_file): the file's content
// without surrounding whitespace. kInvalidArgument naming the file when it
// cannot be read, or the token is shorter than 16 characters or holds
// whitespace or control characters.
Result<std::string> read_metrics_token(const std::string& path);

// larder_hub_long_polls_open (gauge).
void export_waiter_metrics(MetricsRegistry& metrics, const ChangeWaiters& waiters);
// larder_hub_pool_threads, _in_use, _queued (gauges), _rejected_total (counter).
void export_pool_metrics(MetricsRegistry& metrics, const BlockingPool& pool);

}  // namespace larder::hub::http
