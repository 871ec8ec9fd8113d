#include "sync/hub/http/observability.h"

#include <utility>

namespace larder::hub::http {

void add_observability_routes(Router& router, const MetricsRegistry& metrics,
                              std::function<bool()> serving) {
  router.add("GET", "/metrics", [&metrics](Request, Responder r) {
    r.send(Response::text(200, metrics.render(), "text/plain; version=0.0.4; charset=utf-8"));
  });
  router.add("GET", "/healthz", [serving = std::move(serving)](Request, Responder r) {
    if (serving && !serving()) {
      r.send(Response::error(503, "draining", "this instance is stopping"));
      return;
    }
    r.send(Response::json(200, R"({"status":"ok"})"));
  });
}

void export_waiter_metrics(MetricsRegistry& metrics, const ChangeWaiters& waiters) {
  metrics.callback_gauge("larder_hub_long_polls_open", "Long-poll requests waiting for a change",
                         [&waiters] { return static_cast<double>(waiters.open()); });
}

void export_pool_metrics(MetricsRegistry& metrics, const BlockingPool& pool) {
  metrics.callback_gauge("larder_hub_pool_threads", "Worker threads of the blocking pool",
                         [&pool] { return static_cast<double>(pool.threads()); });
  metrics.callback_gauge("larder_hub_pool_in_use", "Blocking jobs running now",
                         [&pool] { return static_cast<double>(pool.in_use()); });
  metrics.callback_gauge("larder_hub_pool_queued", "Blocking jobs waiting for a worker",
                         [&pool] { return static_cast<double>(pool.queued()); });
  metrics.callback_counter("larder_hub_pool_rejected_total",
                           "Blocking jobs refused because the queue was full",
                           [&pool] { return static_cast<double>(pool.rejected()); });
}

}  // namespace larder::hub::http
