#include "sync/hub/sync_endpoints.h"

namespace larder::hub {

using http::Request;
using http::Responder;

void add_sync_routes(http::Router& router, HubContext& ctx) {
  router.add("POST", "/v1/enroll", [&ctx](Request req, Responder r) {
    handle_enroll(ctx, std::move(req), std::move(r));
  });
  router.add("GET", "/v1/sync/pull",
             [&ctx](Request req, Responder r) { handle_pull(ctx, std::move(req), std::move(r)); });
  router.add("POST", "/v1/sync/push",
             [&ctx](Request req, Responder r) { handle_push(ctx, std::move(req), std::move(r)); });
}

}  // namespace larder::hub
