#include "sync/hub/db/provisioning.h"
#include "sync/hub/db/tenant_transaction.h"
#include "sync/hub/endpoint_support.h"
#include "sync/hub/sync_endpoints.h"
#include "sync/protocol/json_reader.h"
#include "sync/protocol/wire.h"

namespace larder::hub {

using http::Request;
using http::Responder;
using http::Response;

void handle_enroll(HubContext& ctx, Request req, Responder responder) {
  if (auto refused = refuse_non_json(req)) {
    responder.send(std::move(*refused));
    return;
  }
  auto body = sync::parse_json_object(req.body);
  if (!body.is_ok()) {
    responder.send(error(400, "bad_request", body.status().message()));
    return;
  }
  auto enroll = sync::enroll_request_from_json(*body);
  if (!enroll.is_ok()) {
    responder.send(error(400, "bad_request", enroll.status().message()));
    return;
  }
  std::string code = enroll->code;
  http::run_blocking(ctx.workers, responder, [&ctx, code]() -> Response {
    auto conn = ctx.pg.acquire(ctx.acquire_timeout);
    if (!conn.is_ok()) return from_status(conn.status(), "enroll");
    auto enrolled = db::enroll_device(**conn, ctx.env, code);
    if (!enrolled.is_ok()) {
      if (enrolled.status().code() == Code::kPermissionDenied ||
          enrolled.status().code() == Code::kInvalidArgument ||
          enrolled.status().code() == Code::kNotFound) {
        return error(403, "enrollment_refused",
                     "the enrollment code is unknown, expired or already used");
      }
      return from_status(enrolled.status(), "enroll");
    }
    sync::EnrollResponse out;
    out.device_id = enrolled->identity.device_id;
    out.tenant_id = enrolled->identity.tenant_id;
    out.location_id = enrolled->identity.location_id;
    out.short_code = enrolled->identity.short_code;
    out.token = enrolled->token;
    Status named = db::run_for_tenant(**conn, out.tenant_id, [&](db::Transaction& tx) -> Status {
      LARDER_ASSIGN_OR_RETURN(db::PgResult r, tx.exec("SELECT name FROM tenants"));
      if (r.rows() > 0) out.tenant_name = std::string(r.get(0, 0));
      return Status::ok();
    });
    if (!named.is_ok() || out.tenant_name.empty()) out.tenant_name = out.tenant_id;
    return Response::json(200, sync::to_json(out).dump());
  });
}

}  // namespace larder::hub
