#include "node/api/route_table.h"

namespace larder::node::api {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  if (path.empty() || path.front() != '/') return parts;
  path.remove_prefix(1);
  for (;;) {
    auto slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

bool is_static(RouteId id) { return id == RouteId::kStaticIndex || id == RouteId::kStaticAsset; }

// Segments of `path` against a template; fills params on a match.
bool match_template(std::string_view tmpl, const std::vector<std::string_view>& parts,
                    std::map<std::string, std::string>* params) {
  std::vector<std::string_view> want = split_path(tmpl);
  if (want.size() != parts.size()) return false;
  std::map<std::string, std::string> found;
  for (std::size_t i = 0; i < want.size(); ++i) {
    std::string_view w = want[i];
    if (w.size() > 2 && w.front() == '{' && w.back() == '}') {
      if (parts[i].empty()) return false;
      found.emplace(std::string(w.substr(1, w.size() - 2)), std::string(parts[i]));
    } else if (w != parts[i]) {
      return false;
    }
  }
  *params = std::move(found);
  return true;
}

bool method_matches(std::string_view route_method, std::string_view method) {
  return route_method == method || (route_method == "GET" && method == "HEAD");
}

const RouteSpec* find(RouteId id) {
  for (const RouteSpec& r : route_table()) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

}  // namespace

const std::vector<RouteSpec>& route_table() {
  static const std::vector<RouteSpec> kRoutes = {
      {RouteId::kHealthz, "GET", "/healthz", false},
      {RouteId::kReadyz, "GET", "/readyz", false},
      {RouteId::kTenants, "GET", "/api/v1/tenants", true},
      {RouteId::kMenu, "GET", "/api/v1/tenants/{tenant}/menu", true},
      {RouteId::kPlaceOrder, "POST", "/api/v1/tenants/{tenant}/orders", true},
      {RouteId::kGetOrder, "GET", "/api/v1/tenants/{tenant}/orders/{order}", true},
      {RouteId::kStatus, "GET", "/api/v1/status", true},
      {RouteId::kEvents, "GET", "/api/v1/events", true},
      {RouteId::kMetrics, "GET", "/metrics", true},
      {RouteId::kStaticIndex, "GET", "/", false},
      {RouteId::kStaticAsset, "GET", "/{asset}", false},
  };
  return kRoutes;
}

bool path_needs_token(std::string_view path) {
  return path == "/api" || path.starts_with("/api/") || path == "/metrics";
}

RouteMatch match_route(std::string_view method, std::string_view path) {
  RouteMatch m;
  std::vector<std::string_view> parts = split_path(path);
  if (parts.empty()) return m;  // not an origin-form path

  std::string allow;
  for (const RouteSpec& r : route_table()) {
    if (is_static(r.id)) continue;
    std::map<std::string, std::string> params;
    if (!match_template(r.path, parts, &params)) continue;
    if (method_matches(r.method, method)) {
      m.kind = RouteMatch::Kind::kFound;
      m.route = &r;
      m.params = std::move(params);
      return m;
    }
    if (!allow.empty()) allow += ", ";
    allow += std::string(r.method) + (r.method == "GET" ? ", HEAD" : "");
  }
  if (!allow.empty()) {
    m.kind = RouteMatch::Kind::kMethodNotAllowed;
    m.allow = allow;
    return m;
  }
  // Reserved prefixes never fall through to the static files, so a typo in
  // an API path is a JSON 404, not the kiosk's index.html.
  if (path_needs_token(path) || path == "/healthz" || path == "/readyz") return m;

  const RouteSpec* route = find(path == "/" ? RouteId::kStaticIndex : RouteId::kStaticAsset);
  if (!method_matches("GET", method)) {
    m.kind = RouteMatch::Kind::kMethodNotAllowed;
    m.allow = "GET, HEAD";
    return m;
  }
  m.kind = RouteMatch::Kind::kFound;
  m.route = route;
  if (route->id == RouteId::kStaticAsset) m.params.emplace("asset", std::string(path.substr(1)));
  return m;
}

std::string_view route_label(std::string_view method, std::string_view path) {
  RouteMatch m = match_route(method, path);
  if (m.kind == RouteMatch::Kind::kFound) return m.route->path;
  if (m.kind == RouteMatch::Kind::kMethodNotAllowed) {
    // Same path, another method: label it by the template that path matches.
    for (const RouteSpec& r : route_table()) {
      RouteMatch g = match_route(r.method, path);
      if (g.kind == RouteMatch::Kind::kFound) return g.route->path;
    }
  }
  return "other";
}

}  // namespace larder::node::api
