#include <memory>

#include "sync/hub/db/feed.h"
#include "sync/hub/endpoint_support.h"
#include "sync/hub/sync_endpoints.h"
#include "sync/protocol/cursor.h"
#include "sync/protocol/wire.h"

namespace larder::hub {

using http::Request;
using http::Responder;
using http::Response;

namespace {

Response page_response(const db::FeedPage& page) {
  sync::PullResponse out;
  out.cursor = sync::encode_cursor(to_wire(page.next));
  out.more = page.more;
  for (const db::FeedEntry& e : page.entries) {
    sync::Change c;
    c.table = e.table;
    c.is_delete = e.is_delete;
    c.key = nlohmann::json::parse(e.key_json, nullptr, false);
    c.row =
        e.is_delete ? nlohmann::json(nullptr) : nlohmann::json::parse(e.row_json, nullptr, false);
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
  auto page = db::read_feed(**conn, device->tenant_id, device->location_id, from_wire(pr.position),
                            pr.limit);
  if (!page.is_ok()) return from_status(page.status());
  if (page->resync) {
    return error(410, "resync_required",
                 "this cursor can no longer be served (" + page->resync_reason +
                     "); rebuild from cursor zero");
  }
  *empty = page->entries.empty() && !page->more && to_wire(page->next) == pr.position;
  return page_response(*page);
}

}  // namespace

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

}  // namespace larder::hub
