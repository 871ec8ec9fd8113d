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

// The answer of docs/PROTOCOL.md, written out directly: key_json and
// row_json are jsonb rendered as text by PostgreSQL, so they are valid JSON
// already and go in verbatim (parsing them into a DOM to print them again
// cost most of the hub's time on a large page). Table names and the cursor
// are escaped like any string.
Response page_response(const db::FeedPage& page) {
  std::size_t size = 64;
  for (const db::FeedEntry& e : page.entries) {
    size += e.table.size() + e.key_json.size() + e.row_json.size() + 48;
  }
  std::string body;
  body.reserve(size);
  body += "{\"changes\":[";
  bool first = true;
  for (const db::FeedEntry& e : page.entries) {
    body += first ? "{\"table\":" : ",{\"table\":";
    first = false;
    body += nlohmann::json(e.table).dump();
    body += e.is_delete ? ",\"op\":\"delete\",\"key\":" : ",\"op\":\"upsert\",\"key\":";
    body += e.key_json;
    if (!e.is_delete) {
      body += ",\"row\":";
      body += e.row_json;
    }
    body += '}';
  }
  body += "],\"cursor\":";
  body += nlohmann::json(sync::encode_cursor(to_wire(page.next))).dump();
  body += page.more ? ",\"more\":true}" : ",\"more\":false}";
  return Response::json(200, std::move(body));
}

struct PullRequest {
  std::string token;
  sync::FeedPosition position;
  std::string cursor;
  int limit = 500;
  db::SnapshotPaging paging = db::SnapshotPaging::kWholeVersions;
  std::chrono::milliseconds wait{0};
};

// One read of the feed for the request's device. Sets *empty when nothing
// new is there (the caller may then wait).
Response read_once(HubContext& ctx, const PullRequest& pr, bool* empty, std::string* tenant) {
  *empty = false;
  auto conn = ctx.pg.acquire(ctx.acquire_timeout);
  if (!conn.is_ok()) return from_status(conn.status(), "pull");
  auto device = authenticate(**conn, pr.token);
  if (!device.is_ok())
    return from_status(device.status(), "pull, authenticating a " + token_owner(pr.token));
  *tenant = device->tenant_id;
  auto page = db::read_feed(**conn, device->tenant_id, device->location_id, from_wire(pr.position),
                            pr.limit, pr.paging);
  if (!page.is_ok()) {
    return from_status(page.status(), "pull for device " + device->device_id + " of tenant " +
                                          device->tenant_id + " from cursor '" + pr.cursor + "'");
  }
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
  int staged = 0;
  if (!parse_int(req.query_param("staged"), 0, 1, 0, &staged)) {
    responder.send(error(400, "bad_request", "staged must be 0 or 1"));
    return;
  }
  if (staged == 1) pr->paging = db::SnapshotPaging::kByKey;
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
    busy.log_cause = "pull: " + queued.message();
    responder.send(std::move(busy));
  }
}

}  // namespace larder::hub
