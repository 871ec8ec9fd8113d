#include "sync/hub/sync_endpoints.h"

#include <charconv>
#include <memory>

#include "sync/hub/db/feed.h"
#include "sync/hub/db/orders.h"
#include "sync/hub/db/provisioning.h"
#include "sync/hub/db/tenant_transaction.h"
#include "sync/protocol/cursor.h"
#include "sync/protocol/json_reader.h"
#include "sync/protocol/wire.h"

namespace larder::hub {
namespace {

using http::Request;
using http::Responder;
using http::Response;

Response error(int status, std::string_view code, std::string_view message) {
  return Response::error(status, code, message);
}

Response from_status(const Status& s) {
  switch (s.code()) {
    case Code::kInvalidArgument: return error(400, "bad_request", s.message());
    case Code::kPermissionDenied: return error(401, "unauthorized", "the device token was refused");
    case Code::kUnavailable:
    case Code::kResourceExhausted: return error(503, "unavailable", "the database is unavailable; retry");
    default: return error(500, "internal_error", "internal error");
  }
}

// The token after "Bearer ", or empty.
std::string bearer_token(const Request& req) {
  const std::string* h = req.header("Authorization");
  if (h == nullptr || h->rfind("Bearer ", 0) != 0) return {};
  return h->substr(7);
}

Result<db::DeviceIdentity> authenticate(db::PgConnection& conn, const std::string& token) {
  if (token.empty()) return permission_denied("no bearer token");
  return db::authenticate_device(conn, token);
}

bool parse_int(const std::string* text, int min, int max, int fallback, int* out) {
  if (text == nullptr || text->empty()) {
    *out = fallback;
    return true;
  }
  int v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size() || v < min || v > max) return false;
  *out = v;
  return true;
}

sync::FeedPosition to_wire(const db::FeedPosition& p) {
  return {p.tenant_version, p.location_version, p.tenant_snapshot_end, p.location_snapshot_end};
}

db::FeedPosition from_wire(const sync::FeedPosition& p) {
  db::FeedPosition out;
  out.tenant_version = p.tenant_version;
  out.location_version = p.location_version;
  out.tenant_snapshot_end = p.tenant_snapshot_end;
  out.location_snapshot_end = p.location_snapshot_end;
  return out;
}

// The db layer's order document (sync/hub/db/MENU_IMPORT.md) from the wire
// order; device and location come from the token, checked again by ingest.
nlohmann::json order_document(const sync::WireOrder& o, const db::DeviceIdentity& device) {
  nlohmann::json doc = sync::to_json(o);
  doc["items"] = std::move(doc["lines"]);
  doc.erase("lines");
  doc["device_id"] = device.device_id;
  return doc;
}

Response page_response(const db::FeedPage& page) {
  sync::PullResponse out;
  out.cursor = sync::encode_cursor(to_wire(page.next));
  out.more = page.more;
  for (const db::FeedEntry& e : page.entries) {
    sync::Change c;
    c.table = e.table;
    c.is_delete = e.is_delete;
    c.key = nlohmann::json::parse(e.key_json, nullptr, false);
    c.row = e.is_delete ? nlohmann::json(nullptr) : nlohmann::json::parse(e.row_json, nullptr, false);
    out.changes.push_back(std::move(c));
  }
  return Response::json(200, sync::to_json(out).dump());
}

struct PullRequest {
  std::string token;
  sync::FeedPosition position;
  std::string cursor;
  int limit = 500;
  std::chrono::milliseconds wait{0};
};

// One read of the feed for the request's device. Sets *empty when nothing
// new is there (the caller may then wait).
Response read_once(HubContext& ctx, const PullRequest& pr, bool* empty, std::string* tenant) {
  *empty = false;
  auto conn = ctx.pg.acquire(ctx.acquire_timeout);
  if (!conn.is_ok()) return from_status(conn.status());
  auto device = authenticate(**conn, pr.token);
  if (!device.is_ok()) return from_status(device.status());
  *tenant = device->tenant_id;
  auto page = db::read_feed(**conn, device->tenant_id, device->location_id,
                            from_wire(pr.position), pr.limit);
  if (!page.is_ok()) return from_status(page.status());
  if (page->resync) {
    return error(410, "resync_required",
                 "this cursor can no longer be served (" + page->resync_reason +
                     "); rebuild from cursor zero");
  }
  *empty = page->entries.empty() && !page->more && to_wire(page->next) == pr.position;
  return page_response(*page);
}

void handle_pull(HubContext& ctx, Request req, Responder responder) {
  auto pr = std::make_shared<PullRequest>();
  pr->token = bearer_token(req);
  const std::string* cursor = req.query_param("cursor");
  pr->cursor = cursor ? *cursor : "";
  auto pos = sync::decode_cursor(pr->cursor);
  if (!pos.is_ok()) {
    responder.send(error(400, "bad_cursor", pos.status().message()));
    return;
  }
  pr->position = *pos;
  int wait_s = 0;
  int max_wait_s = static_cast<int>(ctx.max_wait.count() / 1000);
  if (!parse_int(req.query_param("limit"), 1, 10000, 500, &pr->limit)) {
    responder.send(error(400, "bad_request", "limit must be an integer from 1 to 10000"));
    return;
  }
  // The protocol allows 0-60 s; a hub configured for less waits its own maximum.
  if (!parse_int(req.query_param("wait"), 0, 60, 0, &wait_s)) {
    responder.send(error(400, "bad_request", "wait must be an integer from 0 to 60"));
    return;
  }
  wait_s = std::min(wait_s, max_wait_s);
  pr->wait = std::chrono::seconds(wait_s);
  auto deadline = http::ChangeWaiters::Clock::now() + pr->wait;
  // Not run_blocking: when the pull parks, the waiter answers, not this job.
  Status queued = ctx.workers.try_submit([&ctx, pr, responder, deadline] {
    if (responder.cancelled()) return;
    bool empty = false;
    std::string tenant;
    Response first = read_once(ctx, *pr, &empty, &tenant);
    if (!empty || pr->wait.count() == 0) {
      responder.send(std::move(first));
      return;
    }
    // Park, then read once more: a change that committed between the first
    // read and the registration would otherwise wait for the timeout.
    auto id = ctx.waiters.wait(
        tenant_wait_key(tenant), deadline, [&ctx, pr, responder, first](http::WakeReason why) {
          // Cancelled: the client left, or the job below found changes and answers itself.
          if (why == http::WakeReason::kCancelled) return;
          if (why != http::WakeReason::kNotified) {
            responder.send(first);  // timed out (or shutting down): nothing new, same cursor
            return;
          }
          http::run_blocking(ctx.workers, responder, [&ctx, pr] {
            bool e = false;
            std::string t;
            return read_once(ctx, *pr, &e, &t);
          });
        });
    responder.on_cancel([&ctx, id] { ctx.waiters.cancel(id); });
    bool again_empty = false;
    Response second = read_once(ctx, *pr, &again_empty, &tenant);
    if (!again_empty && ctx.waiters.cancel(id)) responder.send(std::move(second));
  });
  if (!queued.is_ok()) {
    Response busy = error(503, "server_busy", "the hub is busy; retry");
    busy.headers.emplace_back("Retry-After", "1");
    responder.send(std::move(busy));
  }
}

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
    auto& results = ctx.metrics.counter("larder_hub_orders_total",
                                        "orders pushed, by tenant and result", {"tenant", "result"});
    sync::PushResponse out;
    for (const sync::WireOrder& o : request->orders) {
      auto r = db::ingest_order(**conn, *device, order_document(o, *device));
      if (!r.is_ok()) {
        if (r.status().code() == Code::kUnavailable) return from_status(r.status());
        out.results.push_back({o.id, sync::PushOutcome::kRejected, r.status().message()});
      } else {
        sync::PushOutcome outcome = r->outcome == db::IngestOutcome::kAccepted
                                        ? sync::PushOutcome::kAccepted
                                        : r->outcome == db::IngestOutcome::kDuplicate
                                              ? sync::PushOutcome::kDuplicate
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

void handle_enroll(HubContext& ctx, Request req, Responder responder) {
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
    if (!conn.is_ok()) return from_status(conn.status());
    auto enrolled = db::enroll_device(**conn, ctx.env, code);
    if (!enrolled.is_ok()) {
      if (enrolled.status().code() == Code::kPermissionDenied ||
          enrolled.status().code() == Code::kInvalidArgument ||
          enrolled.status().code() == Code::kNotFound) {
        return error(403, "enrollment_refused",
                     "the enrollment code is unknown, expired or already used");
      }
      return from_status(enrolled.status());
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

}  // namespace

void add_sync_routes(http::Router& router, HubContext& ctx) {
  router.add("POST", "/v1/enroll",
             [&ctx](Request req, Responder r) { handle_enroll(ctx, std::move(req), std::move(r)); });
  router.add("GET", "/v1/sync/pull",
             [&ctx](Request req, Responder r) { handle_pull(ctx, std::move(req), std::move(r)); });
  router.add("POST", "/v1/sync/push",
             [&ctx](Request req, Responder r) { handle_push(ctx, std::move(req), std::move(r)); });
}

}  // namespace larder::hub
