#include "sync/client/sync_client.h"

#include <doctest/doctest.h>

#include <deque>
#include <map>
#include <optional>

namespace larder::sync {
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

// A hub scripted reply by reply; records what was sent.
class ScriptedHub : public HubTransport {
 public:
  std::deque<Result<HttpReply>> replies;
  std::vector<std::string> targets;
  std::vector<std::string> bodies;
  Result<HttpReply> get(const std::string& target, std::chrono::milliseconds) override {
    return next(target, "");
  }
  Result<HttpReply> post(const std::string& target, const std::string& body,
                         std::chrono::milliseconds) override {
    return next(target, body);
  }
  void cancel() override {}

 private:
  Result<HttpReply> next(const std::string& target, const std::string& body) {
    targets.push_back(target);
    bodies.push_back(body);
    if (replies.empty()) return unavailable("script ran out");
    auto r = replies.front();
    replies.pop_front();
    return r;
  }
};

// A replica in memory.
class MemoryReplica : public ReplicaPort {
 public:
  std::string stored_cursor;
  std::map<std::string, json> rows;  // "table/id" -> row
  std::map<std::string, json> staging;
  std::optional<std::string> staged_cursor;  // set while a staged build is in progress
  int swaps = 0;
  std::vector<WireOrder> outbox;
  std::map<std::string, std::string> state;  // order id -> synced/dead:<reason>/failed:<error>
  bool online = false;
  std::string last_error;

  Result<std::string> cursor() override { return stored_cursor; }
  Status apply(PullResponse& page) override {
    put(rows, page);
    stored_cursor = page.cursor;
    return Status::ok();
  }
  Status begin_resync() override {
    staging.clear();
    staged_cursor = "";
    return Status::ok();
  }
  Status apply_staging(PullResponse& page) override {
    if (!staged_cursor) return failed_precondition("no staged build");
    put(staging, page);
    staged_cursor = page.cursor;
    return Status::ok();
  }
  Status finish_resync(const std::string& c) override {
    if (!staged_cursor) return failed_precondition("no staged build");
    rows = staging;
    stored_cursor = c;
    staged_cursor.reset();
    ++swaps;
    return Status::ok();
  }
  Result<std::optional<std::string>> staging_cursor() override { return staged_cursor; }
  Result<std::vector<WireOrder>> pending_orders(int limit) override {
    std::vector<WireOrder> out;
    for (const WireOrder& o : outbox) {
      if (state.count(o.id) == 0 || state[o.id].rfind("failed", 0) == 0) out.push_back(o);
      if (static_cast<int>(out.size()) == limit) break;
    }
    return out;
  }
  Status record_push_results(const PushResponse& r) override {
    for (const PushResult& p : r.results) {
      state[p.id] = p.outcome == PushOutcome::kRejected ? "dead:" + p.reason : "synced";
    }
    return Status::ok();
  }
  Status record_push_failure(const std::vector<std::string>& ids, const std::string& e) override {
    for (const auto& id : ids) state[id] = "failed:" + e;
    return Status::ok();
  }
  Heartbeat heartbeat() override { return Heartbeat{"test", 0, std::nullopt, stored_cursor}; }
  void set_online(bool on, const std::string& e) override {
    online = on;
    last_error = e;
  }

 private:
  static void put(std::map<std::string, json>& m, const PullResponse& page) {
    for (const Change& c : page.changes) {
      std::string k = c.table + "/" + c.key["id"].get<std::string>();
      if (c.is_delete) {
        m.erase(k);
      } else {
        m[k] = c.row;
      }
    }
  }
};

HttpReply page(std::vector<std::string> ids, const std::string& cursor, bool more) {
  PullResponse p;
  for (auto& id : ids) p.changes.push_back({"items", false, {{"id", id}}, {{"name", id}}});
  p.cursor = cursor;
  p.more = more;
  return HttpReply{200, to_json(p).dump()};
}

WireOrder order(const std::string& id) {
  WireOrder o;
  o.id = id;
  o.number = "K1-1";
  o.location_id = "l";
  o.currency = "USD";
  o.placed_at = "t";
  o.lines.push_back({1, "i", "I", 1, 1, 1, {}});
  return o;
}

struct Harness {
  MemoryReplica replica;
  ScriptedHub* pull;
  ScriptedHub* push;
  FakeEnv env;
  std::unique_ptr<SyncClient> client;
  Harness() {
    auto p = std::make_unique<ScriptedHub>();
    auto q = std::make_unique<ScriptedHub>();
    pull = p.get();
    push = q.get();
    SyncOptions o;
    o.label = "tenant test";
    o.pull_limit = 2;
    client = std::make_unique<SyncClient>(replica, std::move(p), std::move(q), env, o);
  }
};

}  // namespace

TEST_CASE("pull applies pages with their cursors and reports more or caught up") {
  Harness h;
  h.replica.stored_cursor = "v1.1.0.0.0";
  h.pull->replies.push_back(page({"a", "b"}, "v1.2.0.0.0", true));
  h.pull->replies.push_back(page({"c"}, "v1.3.0.0.0", false));
  CHECK(*h.client->pull_once(false) == PullStep::kMore);
  CHECK(h.replica.stored_cursor == "v1.2.0.0.0");
  CHECK(*h.client->pull_once(true) == PullStep::kCaughtUp);
  CHECK(h.replica.rows.size() == 3);
  CHECK(h.pull->targets[0] == "/v1/sync/pull?cursor=v1.1.0.0.0&limit=2&wait=0");
  CHECK(h.pull->targets[1] == "/v1/sync/pull?cursor=v1.2.0.0.0&limit=2&wait=25");
  CHECK(h.replica.swaps == 0);
}

TEST_CASE("the first bootstrap is a staged build: nothing is live until the last page") {
  Harness h;
  h.pull->replies.push_back(page({"a", "b", "c"}, "v2.0.0.7.0.AA.-", true));
  h.pull->replies.push_back(page({"d", "e", "f"}, "v2.0.0.7.0.AGl0ZW1z.-", true));
  h.pull->replies.push_back(page({"g"}, "v1.7.3.0.0", false));
  CHECK(*h.client->pull_once(false) == PullStep::kBootstrapped);
  CHECK(h.replica.rows.size() == 7);
  CHECK(h.replica.stored_cursor == "v1.7.3.0.0");
  CHECK(h.replica.swaps == 1);
  CHECK_FALSE(h.replica.staged_cursor.has_value());
  REQUIRE(h.pull->targets.size() == 3);
  CHECK(h.pull->targets[0] == "/v1/sync/pull?cursor=&limit=2000&wait=0&staged=1");
  CHECK(h.pull->targets[1] == "/v1/sync/pull?cursor=v2.0.0.7.0.AA.-&limit=2000&wait=0&staged=1");
  CHECK(h.pull->targets[2] ==
        "/v1/sync/pull?cursor=v2.0.0.7.0.AGl0ZW1z.-&limit=2000&wait=0&staged=1");
}

TEST_CASE("a bootstrap cut between pages keeps nothing live and resumes from the staging cursor") {
  Harness h;
  h.pull->replies.push_back(page({"a", "b"}, "v2.0.0.5.0.AA.-", true));
  h.pull->replies.push_back(unavailable("link cut"));
  CHECK(h.client->pull_once(false).status().code() == Code::kUnavailable);
  CHECK(h.replica.rows.empty());
  CHECK(h.replica.stored_cursor.empty());
  CHECK(h.replica.staged_cursor == std::optional<std::string>("v2.0.0.5.0.AA.-"));
  // The next step (or the next start of the node) goes on from there.
  h.pull->replies.push_back(page({"c"}, "v1.5.1.0.0", false));
  CHECK(*h.client->pull_once(false) == PullStep::kBootstrapped);
  CHECK(h.pull->targets.back() ==
        "/v1/sync/pull?cursor=v2.0.0.5.0.AA.-&limit=2000&wait=0&staged=1");
  CHECK(h.replica.rows.size() == 3);
  CHECK(h.replica.stored_cursor == "v1.5.1.0.0");
  CHECK(h.replica.swaps == 1);
}

TEST_CASE("a staged build whose cursor the hub refuses starts again from zero") {
  Harness h;
  h.replica.staging["items/stale"] = json::object();
  h.replica.staged_cursor = "v2.0.0.5.0.AA.-";
  h.pull->replies.push_back(
      HttpReply{410, R"({"error":{"code":"resync_required","message":"x"}})"});
  h.pull->replies.push_back(page({"a"}, "v1.9.1.0.0", false));
  CHECK(*h.client->pull_once(false) == PullStep::kBootstrapped);
  CHECK(h.pull->targets[1] == "/v1/sync/pull?cursor=&limit=2000&wait=0&staged=1");
  CHECK(h.replica.rows.size() == 1);
  CHECK(h.replica.rows.count("items/stale") == 0);
}

TEST_CASE("a 410 rebuilds the replica from cursor zero in staging, then swaps it in") {
  Harness h;
  h.replica.stored_cursor = "v1.1.0.0.0";
  h.replica.rows["items/stale"] = json::object();
  h.pull->replies.push_back(
      HttpReply{410, R"({"error":{"code":"resync_required","message":"x"}})"});
  h.pull->replies.push_back(page({"a", "b"}, "v1.9.0.0.0", true));
  h.pull->replies.push_back(page({"c"}, "v1.10.0.0.0", false));
  CHECK(*h.client->pull_once(true) == PullStep::kResynced);
  CHECK(h.replica.rows.size() == 3);
  CHECK(h.replica.rows.count("items/stale") == 0);
  CHECK(h.replica.stored_cursor == "v1.10.0.0.0");
  CHECK(h.pull->targets[1] == "/v1/sync/pull?cursor=&limit=2000&wait=0&staged=1");
}

TEST_CASE("a resync cut half-way leaves the live replica as it was, and resumes") {
  Harness h;
  h.replica.stored_cursor = "v1.1.0.0.0";
  h.replica.rows["items/live"] = json::object();
  h.pull->replies.push_back(HttpReply{410, "{}"});
  h.pull->replies.push_back(page({"a"}, "v1.9.0.0.0", true));
  h.pull->replies.push_back(unavailable("link cut"));
  auto r = h.client->pull_once(true);
  CHECK(r.status().code() == Code::kUnavailable);
  CHECK(h.replica.rows.count("items/live") == 1);
  CHECK(h.replica.stored_cursor == "v1.1.0.0.0");
  h.pull->replies.push_back(page({"b"}, "v1.10.0.0.0", false));
  CHECK(*h.client->pull_once(true) == PullStep::kResynced);
  CHECK(h.pull->targets.back() == "/v1/sync/pull?cursor=v1.9.0.0.0&limit=2000&wait=0&staged=1");
  CHECK(h.replica.rows.count("items/live") == 0);
  CHECK(h.replica.rows.size() == 2);
}

TEST_CASE("pull errors: bad JSON, revoked device, hub errors") {
  Harness h;
  h.pull->replies.push_back(HttpReply{200, "not json"});
  h.pull->replies.push_back(
      HttpReply{401, R"({"error":{"code":"unauthorized","message":"revoked"}})"});
  h.pull->replies.push_back(HttpReply{503, ""});
  h.pull->replies.push_back(HttpReply{200, R"({"changes":[],"cursor":"v1.1.0"})"});
  h.replica.stored_cursor = "v1.1.0.0.0";
  CHECK(h.client->pull_once(false).status().code() == Code::kUnavailable);
  auto revoked = h.client->pull_once(false);
  CHECK(revoked.status().code() == Code::kPermissionDenied);
  CHECK(revoked.status().message() ==
        "hub answered 401 unauthorized: revoked (is this device revoked? re-enroll it)");
  CHECK(h.client->pull_once(false).status().code() == Code::kUnavailable);
  CHECK(h.client->pull_once(false).status().message() == "the hub's pull answer: more is required");
  CHECK(h.replica.stored_cursor == "v1.1.0.0.0");
}

TEST_CASE("push sends pending orders with the heartbeat and records each answer") {
  Harness h;
  h.replica.outbox = {order("a"), order("b"), order("c")};
  h.push->replies.push_back(HttpReply{
      200, R"({"results":[{"id":"a","result":"accepted"},{"id":"b","result":"duplicate"},)"
           R"({"id":"c","result":"rejected","reason":"conflict: different content"}]})"});
  CHECK(*h.client->push_once() == 3);
  CHECK(h.replica.state["a"] == "synced");
  CHECK(h.replica.state["b"] == "synced");
  CHECK(h.replica.state["c"] == "dead:conflict: different content");
  json sent = json::parse(h.push->bodies[0]);
  CHECK(sent["orders"].size() == 3);
  CHECK(sent["heartbeat"]["app_version"] == "test");
  CHECK(h.push->targets[0] == "/v1/sync/push");
}

TEST_CASE("a push whose answer is lost is retried, and the hub's duplicate answer settles it") {
  Harness h;
  h.replica.outbox = {order("a")};
  h.push->replies.push_back(unavailable("connection reset"));
  CHECK(h.client->push_once().status().code() == Code::kUnavailable);
  CHECK(h.replica.state["a"] == "failed:connection reset");
  h.push->replies.push_back(HttpReply{200, R"({"results":[{"id":"a","result":"duplicate"}]})"});
  CHECK(*h.client->push_once() == 1);
  CHECK(h.replica.state["a"] == "synced");
  CHECK(h.push->bodies.size() == 2);
}

TEST_CASE("the loops go offline on failure, back off, come online, and stop promptly") {
  Harness h;
  h.replica.outbox = {order("a")};
  // Pull: fail twice, then catch up; after that the script is empty (unavailable).
  h.pull->replies.push_back(unavailable("down"));
  h.pull->replies.push_back(unavailable("down"));
  h.pull->replies.push_back(page({"x"}, "v1.1.0", false));
  h.push->replies.push_back(unavailable("down"));
  h.push->replies.push_back(HttpReply{200, R"({"results":[{"id":"a","result":"accepted"}]})"});
  SyncOptions o;
  o.backoff_initial = 10ms;
  o.backoff_max = 40ms;
  o.heartbeat_interval = 10'000ms;
  SyncClient client(h.replica, std::make_unique<ScriptedHub>(*h.pull),
                    std::make_unique<ScriptedHub>(*h.push), h.env, o);
  client.start();
  for (int i = 0; i < 200 && (h.replica.state["a"] != "synced" || h.replica.stored_cursor.empty());
       ++i) {
    std::this_thread::sleep_for(10ms);
  }
  CHECK(h.replica.state["a"] == "synced");
  CHECK(h.replica.stored_cursor == "v1.1.0");
  client.stop();  // must return although the pull script now fails forever
}

}  // namespace larder::sync
