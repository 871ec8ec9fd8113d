#include "node/api/route_table.h"

#include <doctest/doctest.h>

namespace larder::node::api {
namespace {

TEST_CASE("router: templates, params, HEAD as GET") {
  RouteMatch m = match_route("GET", "/api/v1/tenants/acme/orders/o-1");
  REQUIRE(m.kind == RouteMatch::Kind::kFound);
  CHECK(m.route->id == RouteId::kGetOrder);
  CHECK(m.params.at("tenant") == "acme");
  CHECK(m.params.at("order") == "o-1");

  m = match_route("HEAD", "/api/v1/tenants/acme/menu");
  REQUIRE(m.kind == RouteMatch::Kind::kFound);
  CHECK(m.route->id == RouteId::kMenu);

  m = match_route("POST", "/api/v1/tenants/acme/orders");
  REQUIRE(m.kind == RouteMatch::Kind::kFound);
  CHECK(m.route->id == RouteId::kPlaceOrder);
}

TEST_CASE("router: static fallback only outside the API's prefixes") {
  RouteMatch m = match_route("GET", "/");
  REQUIRE(m.kind == RouteMatch::Kind::kFound);
  CHECK(m.route->id == RouteId::kStaticIndex);
  m = match_route("GET", "/assets/app.js");
  REQUIRE(m.kind == RouteMatch::Kind::kFound);
  CHECK(m.route->id == RouteId::kStaticAsset);
  CHECK(m.params.at("asset") == "assets/app.js");

  CHECK(match_route("GET", "/api/v1/nothing").kind == RouteMatch::Kind::kNotFound);
  CHECK(match_route("GET", "/api").kind == RouteMatch::Kind::kNotFound);
  CHECK(match_route("GET", "/metrics/x").kind == RouteMatch::Kind::kFound);  // a file name
  CHECK(match_route("GET", "").kind == RouteMatch::Kind::kNotFound);
  CHECK(match_route("GET", "*").kind == RouteMatch::Kind::kNotFound);
}

TEST_CASE("router: wrong method lists what the path accepts") {
  RouteMatch m = match_route("PUT", "/api/v1/tenants/acme/orders");
  CHECK(m.kind == RouteMatch::Kind::kMethodNotAllowed);
  CHECK(m.allow == "POST");
  m = match_route("POST", "/healthz");
  CHECK(m.allow == "GET, HEAD");
  m = match_route("DELETE", "/app.js");
  CHECK(m.kind == RouteMatch::Kind::kMethodNotAllowed);
}

TEST_CASE("route labels are templates or 'other'") {
  CHECK(route_label("GET", "/api/v1/tenants/acme/menu") == "/api/v1/tenants/{tenant}/menu");
  CHECK(route_label("PUT", "/api/v1/tenants/acme/menu") == "/api/v1/tenants/{tenant}/menu");
  CHECK(route_label("GET", "/api/zzz") == "other");
  CHECK(route_label("GET", "/anything") == "/{asset}");
}

}  // namespace
}  // namespace larder::node::api
