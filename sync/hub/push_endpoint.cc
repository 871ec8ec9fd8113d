#include <spdlog/spdlog.h>

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

sync::PushOutcome wire_outcome(db::IngestOutcome outcome) {
  switch (outcome) {
    case db::IngestOutcome::kAccepted:
      return sync::PushOutcome::kAccepted;
    case db::IngestOutcome::kDuplicate:
      return sync::PushOutcome::kDuplicate;
    case db::IngestOutcome::kRejected:
      break;
  }
  return sync::PushOutcome::kRejected;
}

}  // namespace

void handle_push(HubContext& ctx, Request req, Responder responder) {
  if (auto refused = refuse_non_json(req)) {
    responder.send(std::move(*refused));
    return;
  }
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
    if (!conn.is_ok()) return from_status(conn.status(), "push");
    auto device = authenticate(**conn, token);
    if (!device.is_ok())
      return from_status(device.status(), "push, authenticating a " + token_owner(token));
    const std::string who =
        "push from device " + device->device_id + " of tenant " + device->tenant_id;
    // Every order is checked and hashed before the push's one transaction
    // begins, so no transaction (nor the location's feed counter) is held
    // during that work. (The lease is: the pool has one connection per
    // worker, so it keeps no other job waiting.)
    std::vector<db::CheckedOrder> orders;
    orders.reserve(request->orders.size());
    for (const sync::WireOrder& o : request->orders) {
      orders.push_back(db::check_order(order_document(o, *device)));
    }
    auto stored = db::ingest_orders(**conn, *device, orders);
    if (!stored.is_ok()) return from_status(stored.status(), who);
    // Per tenant (the back office's per-tenant counts); /metrics is behind
    // metrics.token_file wherever more than the monitoring host can reach it.
    auto& results = ctx.metrics.counter(
        "larder_hub_orders_total", "orders pushed, by tenant and result", {"tenant", "result"});
    sync::PushResponse out;
    for (std::size_t i = 0; i < stored->size(); ++i) {
      const db::IngestResult& r = (*stored)[i];
      out.results.push_back({request->orders[i].id, wire_outcome(r.outcome), r.reason});
      if (r.outcome == db::IngestOutcome::kRejected) {
        // The node gets the reason; PostgreSQL's own text (detail) stays here.
        spdlog::warn("{}: order {} rejected: {}{}", who, r.order_id, r.reason,
                     r.detail.empty() ? "" : " (database: " + r.detail + ")");
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
      if (!s.is_ok() && s.code() == Code::kUnavailable) return from_status(s, who + ", heartbeat");
    }
    return Response::json(200, sync::to_json(out).dump());
  });
}

}  // namespace larder::hub
