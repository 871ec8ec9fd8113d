// The local API's route table and the router over it.
//
// route_table() is the one list of (method, path template) the API serves;
// the router matches against it and openapi_test.cc checks that
// node/api/openapi.json documents exactly these. Templates use {name} for one
// path segment; the static-file route "/{asset}" alone also matches several
// segments ("/assets/app.js") and any path outside /api/, /healthz, /readyz
// and /metrics. HEAD is accepted wherever GET is.
//
// Thread safety: pure functions over constant data.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace larder::node::api {

enum class RouteId {
  kHealthz,
  kReadyz,
  kTenants,
  kMenu,
  kPlaceOrder,
  kGetOrder,
  kStatus,
  kEvents,
  kMetrics,
  kStaticIndex,
  kStaticAsset,
};

struct RouteSpec {
  RouteId id;
  std::string_view method;  // "GET" or "POST"
  std::string_view path;    // "/api/v1/tenants/{tenant}/menu"
  bool needs_token;         // under /api or /metrics
};

const std::vector<RouteSpec>& route_table();

struct RouteMatch {
  enum class Kind { kFound, kMethodNotAllowed, kNotFound };
  Kind kind = Kind::kNotFound;
  const RouteSpec* route = nullptr;               // kFound
  std::map<std::string, std::string> params;      // kFound: {"tenant": "acme"}
  std::string allow;                              // kMethodNotAllowed: "GET, HEAD"
};

RouteMatch match_route(std::string_view method, std::string_view path);

// The label metrics use for a path: its route template, or "other" (bounded
// cardinality whatever clients send).
std::string_view route_label(std::string_view method, std::string_view path);

// True for paths that need the bearer token when one is required.
bool path_needs_token(std::string_view path);

}  // namespace larder::node::api
