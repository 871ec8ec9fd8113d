#include <algorithm>
#include <memory>

#include "sync/hub/db/orders.h"
#include "sync/hub/endpoint_support.h"
#include "sync/hub/sync_endpoints.h"
#include "sync/protocol/cursor.h"
#include "sync/protocol/json_reader.h"
#include "sync/protocol/wire.h"

namespace larder::hub {

using http::Request;
using http::Responder;
using http::Response;

namespace {

// The db layer's order document (sync/hub/db/MENU_IMPORT.md) from the wire
// order; device and location come from the token, checked again by ingest.
nlohmann::json order_document(const sync::WireOrder& o, const db::DeviceIdentity& device) {
  nlohmann::json doc = sync::to_json(o);
  doc["items"] = std::move(doc["lines"]);
  doc.erase("lines");
  doc["device_id"] = device.device_id;
  return doc;
}

}  // namespace

void handle_push(HubContext& ctx, Request req, Responder responder) {
  std::string token = bearer_token(req);
  auto body = sync::parse_json_object(req.body);
  if (!body.is_ok()) {
    responder.send(error(400, "bad_request", body.status().message()));
    return;
  }
  auto push = sync::push_request_from_json(*body);
  if (!push.is_ok()) {
    responder.send(error(400, "bad_request", push.status().message()));
    return;
  }
  auto request = std::make_shared<sync::PushRequest>(std::move(push).value());
  http::run_blocking(ctx.workers, responder, [&ctx, request, token]() -> Response {
    auto conn = ctx.pg.acquire(ctx.acquire_timeout);
    if (!conn.is_ok()) return from_status(conn.status());
    auto device = authenticate(**conn, token);
    if (!device.is_ok()) return from_status(device.status());
    auto& results = ctx.metrics.counter(
        "larder_hub_orders_total", "orders pushed, by tenant and result", {"tenant", "result"});
    sync::PushResponse out;
    for (const sync::WireOrder& o : request->orders) {
      auto r = db::ingest_order(**conn, *device, order_document(o, *device));
      if (!r.is_ok()) {
        if (r.status().code() == Code::kUnavailable) return from_status(r.status());
        out.results.push_back({o.id, sync::PushOutcome::kRejected, r.status().message()});
      } else {
        sync::PushOutcome outcome =
            r->outcome == db::IngestOutcome::kAccepted    ? sync::PushOutcome::kAccepted
            : r->outcome == db::IngestOutcome::kDuplicate ? sync::PushOutcome::kDuplicate
                                                          : sync::PushOutcome::kRejected;
        out.results.push_back({o.id, outcome, r->reason});
      }
      results.inc({device->tenant_id, sync::push_outcome_name(out.results.back().outcome)});
    }
    if (request->heartbeat) {
      const sync::Heartbeat& h = *request->heartbeat;
      db::Heartbeat hb;
      hb.app_version = h.app_version;
      hb.outbox_depth = static_cast<int>(std::min<std::int64_t>(h.outbox_depth, 1'000'000'000));
      hb.last_error = h.last_error.value_or("");
      hb.cursor = h.cursor;
      auto pos = sync::decode_cursor(h.cursor);
      if (pos.is_ok()) {
        hb.tenant_version = pos->tenant_version;
        hb.location_version = pos->location_version;
      }
      Status s = db::record_heartbeat(**conn, ctx.env, *device, hb);
      if (!s.is_ok() && s.code() == Code::kUnavailable) return from_status(s);
    }
    return Response::json(200, sync::to_json(out).dump());
  });
}

}  // namespace larder::hub
