// ApiHandler: the whole local API as a function from ApiRequest to
// ApiResponse, knowing nothing of sockets (STYLE.md: Beast's handle_request).
//
// handle() runs the RequestGuard (request_guard.h), routes by route_table(),
// answers, and records metrics. Routes and their answers are documented in
// node/api/openapi.json; every error body is
//   {"error":{"code":"snake_case","message":"human words"}}
// and 422 adds "details":[{"path","message"}]. Unknown paths answer 404
// not_found, a known path with another method 405 method_not_allowed with
// Allow. Query parameters are refused (400 invalid_query) on /api routes
// except GET /api/v1/events?tenant=<id>.
//
// GET /api/v1/events answers with an EventStream (event_stream.h); at most
// max_sse_clients are open at once, more get 503 too_many_streams.
// shutdown() ends the open ones and refuses new ones.
//
// Thread safety: handle(), admit() and shutdown() may be called concurrently
// from any thread. The NodeService must outlive the handler; streams may
// outlive it (they only hold the bus subscription and shared counters), but
// not the NodeService's EventBus.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "node/api/api_message.h"
#include "node/api/api_metrics.h"
#include "node/api/api_options.h"
#include "node/api/event_stream.h"
#include "node/api/request_guard.h"
#include "node/api/route_table.h"
#include "node/api/static_files.h"
#include "node/api/throttled_log.h"
#include "node/core/node_service.h"

namespace larder::node::api {

class ApiHandler {
 public:
  // `options` should have passed validate_api_options().
  ApiHandler(NodeService& node, ApiOptions options);

  // The answer to a complete request (headers and body).
  ApiResponse handle(const ApiRequest& request);

  // The guard alone, for a request whose body has not been read yet: nullopt
  // to proceed, else the refusal (already counted in the metrics).
  std::optional<ApiResponse> admit(const ApiRequest& request);

  // Logs a request refused before routing (throttled_log.h); admit() does
  // it for the guard's refusals, the HTTP adapter for those it makes itself.
  void note_refusal(std::string_view method, std::string_view path, std::string_view peer,
                    int status, std::string_view code);

  // Writes to options().log through the API's throttle (throttled_log.h);
  // the HTTP adapter uses it for what it hides from clients.
  void log_error(const std::string& line) {
    if (log_) log_(line);
  }

  void shutdown();
  // Event streams not yet destroyed (after shutdown(): not yet finished).
  std::size_t open_streams() const { return streams_.open_count(); }

  ApiMetrics& metrics() { return *metrics_; }
  const ApiOptions& options() const { return options_; }

 private:
  ApiResponse dispatch(const ApiRequest& request, const RouteMatch& match);
  ApiResponse open_events(const ApiRequest& request);
  ApiResponse metrics_text();

  NodeService& node_;
  const ApiOptions options_;
  const RequestGuard guard_;
  const StaticFiles static_files_;
  std::shared_ptr<ApiMetrics> metrics_;
  StreamRegistry streams_;
  ThrottledLog refusals_;  // options_.warn: refused requests
  ThrottledLog errors_;    // options_.log: what the API hides from clients
  const std::function<void(const std::string&)> log_;  // to errors_; given to route handlers
};

}  // namespace larder::node::api
