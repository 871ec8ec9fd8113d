#include "node/api/api_handler.h"

#include <chrono>
#include <exception>

#include "node/api/route_handlers.h"
#include "node/pricing/field_error.h"

namespace larder::node::api {
namespace {

using Clock = std::chrono::steady_clock;

ApiResponse internal_response() {
  return error_response(500, "internal",
                        "the node could not complete the request; the error is in its log");
}

}  // namespace

ApiHandler::ApiHandler(NodeService& node, ApiOptions options)
    : node_(node),
      options_(std::move(options)),
      guard_(options_),
      static_files_(options_.static_dir),
      metrics_(std::make_shared<ApiMetrics>()),
      streams_(options_.max_sse_clients, options_.sse_queue_capacity, options_.sse_heartbeat,
               options_.sse_retry, metrics_),
      refusals_(options_.warn, std::chrono::seconds(10)),
      errors_(options_.log, std::chrono::seconds(60)),
      log_(options_.log ? std::function<void(const std::string&)>(
                              [this](const std::string& line) { errors_.write(line); })
                        : std::function<void(const std::string&)>()) {}

void ApiHandler::note_refusal(std::string_view method, std::string_view path, std::string_view peer,
                              int status, std::string_view code) {
  refusals_.refused(method, path, peer, status, code);
}

std::optional<ApiResponse> ApiHandler::admit(const ApiRequest& request) {
  // Latency is measured with the steady clock rather than Env: it feeds only
  // the histogram (no behaviour depends on it) and needs sub-millisecond steps.
  Clock::time_point start = Clock::now();
  std::optional<ApiResponse> refusal = guard_.check(request);
  if (refusal) {
    metrics_->record(route_label(request.method, request.path), refusal->status,
                     Clock::now() - start);
    note_refusal(request.method, request.path, request.remote_addr, refusal->status,
                 refusal->error_code.empty() ? "refused" : refusal->error_code);
  }
  return refusal;
}

ApiResponse ApiHandler::handle(const ApiRequest& request) {
  if (std::optional<ApiResponse> refusal = admit(request)) return *std::move(refusal);
  Clock::time_point start = Clock::now();
  RouteMatch match = match_route(request.method, request.path);
  ApiResponse response;
  // The edge of the module: nothing thrown below may reach the HTTP library.
  try {
    response = dispatch(request, match);
  } catch (const std::exception& e) {
    if (log_) {
      log_("local API: " + request.method + " " + request.path + ": exception: " + e.what());
    }
    response = internal_response();
  }
  std::string_view label = match.kind == RouteMatch::Kind::kFound
                               ? match.route->path
                               : route_label(request.method, request.path);
  metrics_->record(label, response.status, Clock::now() - start);
  return response;
}

ApiResponse ApiHandler::dispatch(const ApiRequest& request, const RouteMatch& match) {
  if (match.kind == RouteMatch::Kind::kNotFound) {
    return error_response(404, "not_found", "no such endpoint: " + pricing::quoted(request.path));
  }
  if (match.kind == RouteMatch::Kind::kMethodNotAllowed) {
    return error_response(405, "method_not_allowed",
                          pricing::quoted(request.path) + " accepts " + match.allow)
        .set_header("Allow", match.allow);
  }
  const RouteSpec& route = *match.route;
  if (route.needs_token) {
    for (const auto& [key, value] : request.query) {
      if (route.id == RouteId::kEvents && key == "tenant") continue;
      return error_response(
          400, "invalid_query",
          "unknown query parameter " + pricing::quoted(key) + " for " + std::string(route.path));
    }
  }
  auto param = [&](const char* name) { return match.params.at(name); };
  const Logger& log = log_;
  switch (route.id) {
    case RouteId::kHealthz:
      return handle_healthz();
    case RouteId::kReadyz:
      return handle_readyz(node_);
    case RouteId::kTenants:
      return handle_tenants(node_);
    case RouteId::kMenu:
      return handle_menu(node_, param("tenant"), request.header("If-None-Match"), log);
    case RouteId::kPlaceOrder:
      return handle_place_order(node_, request, param("tenant"), log);
    case RouteId::kGetOrder:
      return handle_get_order(node_, param("tenant"), param("order"), log);
    case RouteId::kStatus:
      return handle_status(node_);
    case RouteId::kEvents:
      return open_events(request);
    case RouteId::kMetrics:
      return metrics_text();
    case RouteId::kStaticIndex:
      return static_files_.serve("", request.header("If-None-Match"));
    case RouteId::kStaticAsset:
      return static_files_.serve(param("asset"), request.header("If-None-Match"));
  }
  return internal_response();
}

ApiResponse ApiHandler::open_events(const ApiRequest& request) {
  std::optional<std::string> tenant;
  for (const auto& [key, value] : request.query) {
    if (tenant) {
      return error_response(400, "invalid_query", "the tenant query parameter may appear once");
    }
    tenant = value;
  }
  if (tenant) {
    if (!valid_identifier(*tenant)) {
      return error_response(400, "invalid_tenant",
                            "the tenant id must be 1 to 64 visible ASCII characters");
    }
    bool known = false;
    for (const TenantSummary& t : node_.tenants()) known = known || t.id == *tenant;
    if (!known) {
      // Not served: unknown (404), or enrolled but unavailable (503, as its
      // menu answers), so the screen keeps retrying a tenant being repaired.
      auto menu = node_.menu(*tenant);
      Status why = menu.is_ok() ? not_found("unknown tenant") : menu.status();
      return error_for_status(why, *tenant, log_);
    }
  }
  ApiResponse r;
  r.status = 200;
  r.content_type = "text/event-stream";
  r.set_header("Cache-Control", "no-store");
  r.set_header("X-Accel-Buffering", "no");  // for a reverse proxy in front, if any
  // The connection is the stream's: when the stream ends (shutdown), the
  // browser closes it and reconnects after `retry`, instead of keeping an
  // idle keep-alive connection (and a server thread) for nothing.
  r.set_header("Connection", "close");
  if (request.method == "HEAD") return r;

  // The bus keeps no history: a browser that reconnects (Last-Event-ID) may
  // have missed events, so its stream starts by telling it to refetch.
  auto start =
      request.header("Last-Event-ID") ? EventStream::Start::kResync : EventStream::Start::kFresh;
  auto stream = streams_.open(node_.events(), tenant, start);
  if (!stream.is_ok()) {
    if (stream.status().code() == Code::kResourceExhausted) {
      return error_response(503, "too_many_streams",
                            "this node already serves " + std::to_string(options_.max_sse_clients) +
                                " event streams; close one or retry later")
          .set_header("Retry-After", "5");
    }
    return error_response(503, "shutting_down", "the node is shutting down")
        .set_header("Retry-After", "5");
  }
  r.stream = *std::move(stream);
  return r;
}

ApiResponse ApiHandler::metrics_text() {
  ApiResponse r;
  r.status = 200;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = node_.metrics_text();
  if (!r.body.empty() && r.body.back() != '\n') r.body += '\n';
  r.body += metrics_->render();
  r.set_header("Cache-Control", "no-store");
  return r;
}

void ApiHandler::shutdown() { streams_.close_all(); }

}  // namespace larder::node::api
