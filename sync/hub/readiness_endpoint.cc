#include "sync/hub/readiness_endpoint.h"

#include <utility>

#include "sync/hub/endpoint_support.h"

namespace larder::hub {

using http::Request;
using http::Responder;
using http::Response;

namespace {

Response check_database(HubContext& ctx) {
  Status last;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto conn = ctx.pg.acquire(ctx.acquire_timeout);
    if (!conn.is_ok()) {
      last = conn.status();
      break;  // no connection could be opened: a second try would say the same
    }
    auto one = (*conn)->exec("SELECT 1");
    if (one.is_ok()) return Response::json(200, R"({"status":"ready"})");
    last = one.status();
    conn->discard();
  }
  Response down = error(503, "unavailable", "the hub cannot reach its database; retry");
  down.log_cause = "readiness check: " + last.message();
  return down;
}

}  // namespace

void add_readiness_route(http::Router& router, HubContext& ctx, std::function<bool()> serving) {
  router.add("GET", "/readyz", [&ctx, serving = std::move(serving)](Request, Responder r) {
    if (serving && !serving()) {
      Response draining = error(503, "draining", "this instance is stopping");
      draining.log_cause = "/readyz while stopping (expected during a shutdown)";
      r.send(std::move(draining));
      return;
    }
    http::run_blocking(ctx.workers, r, [&ctx] { return check_database(ctx); });
  });
}

}  // namespace larder::hub
