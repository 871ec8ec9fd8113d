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

#include "sync/hub/http/blocking_pool.h"
#include "sync/hub/http/change_waiters.h"
#include "sync/hub/http/metrics.h"
#include "sync/hub/http/router.h"

namespace larder::hub::http {

// GET /metrics: the registry's text exposition (text/plain; version=0.0.4).
// GET /healthz: 200 {"status":"ok"} while `serving()` is true, else 503
// {"error":{"code":"draining",...}} so a load balancer stops sending work to
// an instance that is stopping.
void add_observability_routes(Router& router, const MetricsRegistry& metrics,
                              std::function<bool()> serving);

// larder_hub_long_polls_open (gauge).
void export_waiter_metrics(MetricsRegistry& metrics, const ChangeWaiters& waiters);
// larder_hub_pool_threads, _in_use, _queued (gauges), _rejected_total (counter).
void export_pool_metrics(MetricsRegistry& metrics, const BlockingPool& pool);

}  // namespace larder::hub::http
