// The hub's HTTP endpoints in-process, on a real PostgreSQL and real
// sockets: what a node (or a scraper, or a load balancer) is answered, and
// what the hub logs. Regressions for: a text/plain push was accepted; a
// lowercase "bearer" was refused; a rejected order carried PostgreSQL's
// text; 5xx answers were not logged; /metrics carried tenant ids with no
// way to protect it; there was no /readyz.
#include <doctest/doctest.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "base/env.h"
#include "storage/testing/temp_dir.h"
#include "sync/hub/db/menu_import.h"
#include "sync/hub/db/provisioning.h"
#include "sync/hub/db/test_database.h"
#include "sync/hub/http/observability.h"
#include "sync/hub/http/test_client.h"
#include "sync/hub/http/test_server.h"
#include "sync/hub/readiness_endpoint.h"
#include "sync/hub/sync_endpoints.h"
#include "tests/support/pg_server.h"

namespace larder::hub {
namespace {

using http::testing::ClientResponse;
using nlohmann::json;

// Every log line while alive, for checking what the hub logged.
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()), sink_(std::make_shared<Sink>()) {
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink_));
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  bool contains(const std::string& text) const {
    return sink_->text().find(text) != std::string::npos;
  }
  std::string text() const { return sink_->text(); }

 private:
  class Sink : public spdlog::sinks::base_sink<std::mutex> {
   public:
    std::string text() {
      std::lock_guard lock(mutex_);
      return text_;
    }

   protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
      text_.append(msg.payload.data(), msg.payload.size()).append("\n");
    }
    void flush_() override {}

   private:
    std::string text_;
  };
  std::shared_ptr<spdlog::logger> previous_;
  std::shared_ptr<Sink> sink_;
};

const db::HubTestDatabase& database() {
  static db::HubTestDatabase d = [] {
    auto created = db::HubTestDatabase::create(testing::shared_pg_server(), "endpoints");
    REQUIRE_MESSAGE(created.is_ok(), created.status().to_string());
    return *created;
  }();
  return d;
}

constexpr const char* kTenant = "0190b3c4-0000-7000-8000-000000000a01";
constexpr const char* kLocation = "0190b3c4-0000-7000-8000-000000000a02";
constexpr const char* kItem = "0190b3c4-0000-7000-8000-000000000a03";

// The tenant, its location and menu (once), and a newly enrolled device's token.
std::string enrolled_token() {
  auto conn = db::PgConnection::connect(database().hub_conninfo);
  REQUIRE(conn.is_ok());
  static bool provisioned = false;
  if (!provisioned) {
    REQUIRE(
        db::add_tenant(*conn, {kTenant, "Endpoints", "USD", std::nullopt, std::nullopt}).is_ok());
    db::LocationSpec l;
    l.tenant_id = kTenant;
    l.id = kLocation;
    l.name = "Main";
    REQUIRE(db::add_location(*conn, l).is_ok());
    json menu = {{"menus", {{{"id", "0190b3c4-0000-7000-8000-000000000a04"}, {"name", "All"}}}},
                 {"categories",
                  {{{"id", "0190b3c4-0000-7000-8000-000000000a05"},
                    {"menu_id", "0190b3c4-0000-7000-8000-000000000a04"},
                    {"name", "Food"}}}},
                 {"items",
                  {{{"id", kItem},
                    {"category_id", "0190b3c4-0000-7000-8000-000000000a05"},
                    {"name", "Burger"},
                    {"price_minor", 900}}}}};
    REQUIRE(db::import_menu(*conn, kTenant, menu.dump()).is_ok());
    provisioned = true;
  }
  static int n = 0;
  auto dev = db::add_device(*conn, system_env(), kTenant, kLocation, "Kiosk",
                            "E" + std::to_string(++n), std::chrono::seconds(600));
  REQUIRE_MESSAGE(dev.is_ok(), dev.status().to_string());
  auto enrolled = db::enroll_device(*conn, system_env(), dev->enrollment_code);
  REQUIRE(enrolled.is_ok());
  return enrolled->token;
}

json wire_order(const std::string& id, const std::string& placed_at) {
  return {{"id", id},
          {"number", "E1-0001"},
          {"location_id", kLocation},
          {"status", "placed"},
          {"subtotal_minor", 900},
          {"tax_minor", 0},
          {"total_minor", 900},
          {"currency", "USD"},
          {"tax_rate_bp", 0},
          {"tax_inclusive", false},
          {"note", nullptr},
          {"placed_at", placed_at},
          {"lines",
           {{{"line_no", 1},
             {"item_id", kItem},
             {"name", "Burger"},
             {"unit_price_minor", 900},
             {"quantity", 1},
             {"line_total_minor", 900},
             {"options", json::array()}}}}};
}

// A hub on an ephemeral port: the routes of `larder-hub serve`, PostgreSQL
// through `conninfo`.
struct Hub {
  explicit Hub(const std::string& conninfo, std::string metrics_token = "")
      : pg(db::PgPoolOptions{conninfo, 2, {}}), waiters(idle_io) {
    http::add_observability_routes(
        t.router, t.metrics, [] { return true; }, std::move(metrics_token));
    add_sync_routes(t.router, ctx);
    add_readiness_route(t.router, ctx, [] { return true; });
    t.start();
  }
  ~Hub() {
    t.server->stop(std::chrono::milliseconds(0));
    workers.shutdown();
  }

  std::optional<ClientResponse> request(const std::string& method, const std::string& target,
                                        const std::string& body = "",
                                        const std::string& headers = "") {
    return http::testing::http_request(t.port(), method, target, body, headers);
  }

  db::PgPool pg;
  http::BlockingPool workers{2, 16};
  boost::asio::io_context idle_io;  // no pull here waits, so its timers never run
  http::ChangeWaiters waiters;
  http::testing::TestServer t;
  HubContext ctx{pg,
                 workers,
                 waiters,
                 t.metrics,
                 system_env(),
                 std::chrono::milliseconds(1000),
                 std::chrono::milliseconds(2000)};
};

std::string error_code(const ClientResponse& r) {
  json j = json::parse(r.body, nullptr, false);
  return j.is_object() && j.contains("error") ? j["error"].value("code", "") : "";
}

TEST_CASE("regression: a push or enrollment that is not application/json is refused with 415") {
  Hub hub(database().hub_conninfo);
  const std::string token = enrolled_token();
  const std::string auth = "Authorization: Bearer " + token + "\r\n";
  const std::string body = json{{"orders", json::array()}}.dump();
  for (const char* type :
       {"Content-Type: text/plain\r\n", "", "Content-Type: application/json; charset=latin-1\r\n",
        "Content-Type: application/json\r\nContent-Type: application/json\r\n",
        "Content-Type: application/x-www-form-urlencoded\r\n",
        "Content-Type: application/jsonx\r\n"}) {
    CAPTURE(type);
    auto r = hub.request("POST", "/v1/sync/push", body, auth + type);
    REQUIRE(r);
    CHECK(r->status == 415);
    CHECK(error_code(*r) == "unsupported_media_type");
    CHECK(r->body.find("needs Content-Type: application/json") != std::string::npos);
    auto e = hub.request("POST", "/v1/enroll", R"({"code":"lde1.x"})", type);
    REQUIRE(e);
    CHECK(e->status == 415);
  }
  for (const char* type : {"Content-Type: application/json\r\n",
                           "Content-Type: Application/JSON; Charset=\"UTF-8\"\r\n"}) {
    CAPTURE(type);
    auto r = hub.request("POST", "/v1/sync/push", body, auth + type);
    REQUIRE(r);
    CHECK(r->status == 200);
  }
}

TEST_CASE("regression: the bearer scheme is case-insensitive (RFC 7235)") {
  Hub hub(database().hub_conninfo);
  const std::string token = enrolled_token();
  for (const char* scheme : {"Bearer ", "bearer ", "BEARER ", "bEaReR  "}) {
    CAPTURE(scheme);
    auto r = hub.request("GET", "/v1/sync/pull?cursor=0&limit=1", "",
                         std::string("Authorization: ") + scheme + token + "\r\n");
    REQUIRE(r);
    CHECK(r->status == 200);
  }
  for (const std::string& header :
       {"Bearer" + token, "Basic " + token, std::string("Bearer"), std::string("Bearer    ")}) {
    CAPTURE(header);
    auto r = hub.request("GET", "/v1/sync/pull?cursor=0", "", "Authorization: " + header + "\r\n");
    REQUIRE(r);
    CHECK(r->status == 401);
  }
}

TEST_CASE(
    "regression: an order PostgreSQL refuses is rejected without its SQL text, logged with the "
    "tenant") {
  LogCapture log;
  Hub hub(database().hub_conninfo);
  const std::string token = enrolled_token();
  json push = {{"orders", json::array({wire_order("0190b3c4-0000-7000-8000-00000000b001",
                                                  "2024-02-30T12:00:00Z")})}};
  auto r = hub.request("POST", "/v1/sync/push", push.dump(),
                       "Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\n");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  json results = json::parse(r->body)["results"];
  CHECK(results[0]["result"] == "rejected");
  CHECK(results[0]["reason"] == "invalid: placed_at is not a real date and time");
  for (const char* leak : {"SQLSTATE", "out of range", "date/time", "query"}) {
    CAPTURE(leak);
    CHECK(r->body.find(leak) == std::string::npos);
  }
  CHECK(log.contains(std::string("of tenant ") + kTenant +
                     ": order 0190b3c4-0000-7000-8000-00000000b001 rejected"));
  CHECK(log.contains("SQLSTATE 22008"));
}

TEST_CASE("every 5xx is logged with its cause; the node sees only the code; /readyz") {
  const std::string token = enrolled_token();
  {
    Hub up(database().hub_conninfo);
    auto ready = up.request("GET", "/readyz");
    REQUIRE(ready);
    CHECK(ready->status == 200);
    CHECK(json::parse(ready->body)["status"] == "ready");
    auto health = up.request("GET", "/healthz");
    REQUIRE(health);
    CHECK(health->status == 200);
  }
  LogCapture log;
  // Nothing listens on port 1: every database call fails.
  Hub down("host=127.0.0.1 port=1 dbname=larder user=larder_hub connect_timeout=2");
  auto r =
      down.request("GET", "/v1/sync/pull?cursor=0", "", "Authorization: bearer " + token + "\r\n");
  REQUIRE(r);
  CHECK(r->status == 503);
  CHECK(error_code(*r) == "unavailable");
  CHECK(r->body.find("127.0.0.1") == std::string::npos);
  CHECK(r->body.find("port") == std::string::npos);
  CHECK(log.contains("GET /v1/sync/pull from 127.0.0.1:"));
  CHECK(log.contains(": answered 503: pull: connecting to PostgreSQL"));
  auto ready = down.request("GET", "/readyz");
  REQUIRE(ready);
  CHECK(ready->status == 503);
  CHECK(error_code(*ready) == "unavailable");
  CHECK(ready->body.find("PostgreSQL") == std::string::npos);
  CHECK(log.contains("GET /readyz from 127.0.0.1:"));
  CHECK(log.contains("answered 503: readiness check: connecting to PostgreSQL"));
  auto health = down.request("GET", "/healthz");  // the process is up: /healthz stays open and 200
  REQUIRE(health);
  CHECK(health->status == 200);
}

TEST_CASE("/metrics counts orders per tenant, and takes a token when one is configured") {
  const std::string token = enrolled_token();
  {
    Hub open(database().hub_conninfo);
    json push = {{"orders", json::array({wire_order("0190b3c4-0000-7000-8000-00000000b002",
                                                    "2024-05-01T12:00:00Z")})}};
    auto p =
        open.request("POST", "/v1/sync/push", push.dump(),
                     "Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\n");
    REQUIRE(p);
    REQUIRE(p->status == 200);
    auto m = open.request("GET", "/metrics");
    REQUIRE(m);
    CHECK(m->status == 200);
    CHECK(m->body.find(std::string(R"(larder_hub_orders_total{tenant=")") + kTenant +
                       R"(",result="accepted"} 1)") != std::string::npos);
  }
  const std::string secret = "0123456789abcdef0123456789abcdef";
  Hub locked(database().hub_conninfo, secret);
  for (const std::string& header :
       {std::string(), std::string("Authorization: Bearer wrong\r\n"),
        "Authorization: Bearer " + secret + "x\r\n", "Authorization: Basic " + secret + "\r\n"}) {
    CAPTURE(header);
    auto m = locked.request("GET", "/metrics", "", header);
    REQUIRE(m);
    CHECK(m->status == 401);
    CHECK(error_code(*m) == "unauthorized");
    CHECK(m->header("www-authenticate").rfind("Bearer", 0) == 0);
    CHECK(m->body.find("larder_hub_") == std::string::npos);
  }
  auto ok = locked.request("GET", "/metrics", "", "Authorization: bearer " + secret + "\r\n");
  REQUIRE(ok);
  CHECK(ok->status == 200);
  CHECK(ok->body.find("larder_hub_http_requests_total") != std::string::npos);
  for (const char* open_path : {"/healthz", "/readyz"}) {
    CAPTURE(open_path);
    auto r = locked.request("GET", open_path);
    REQUIRE(r);
    CHECK(r->status == 200);
  }
}

TEST_CASE("the metrics token file: trimmed, at least 16 characters, nothing blank inside") {
  storage::testing::TempDir dir;
  auto file = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir.file(name)) << text;
    return dir.file(name);
  };
  auto ok = http::read_metrics_token(file("ok", "  0123456789abcdef\n"));
  REQUIRE_MESSAGE(ok.is_ok(), ok.status().to_string());
  CHECK(*ok == "0123456789abcdef");
  CHECK(
      http::read_metrics_token(file("short", "abc\n")).status().message().find("use at least 16") !=
      std::string::npos);
  CHECK(http::read_metrics_token(file("blank", "01234567 89abcdef"))
            .status()
            .message()
            .find("whitespace") != std::string::npos);
  CHECK(http::read_metrics_token(dir.file("missing")).status().message() ==
        "reading metrics.token_file " + dir.file("missing") + ": No such file or directory");
}

}  // namespace
}  // namespace larder::hub
