#include "sync/hub/http/router.h"

#include <exception>
#include <utility>

namespace larder::hub::http {
namespace {
const std::string kUnmatched = "unmatched";
}  // namespace

void Router::add(const std::string& method, const std::string& path, Handler handler) {
  routes_[path][method] = std::move(handler);
}

const std::string& Router::dispatch(Request request, Responder responder) const {
  auto by_path = routes_.find(request.path);
  if (by_path == routes_.end()) {
    responder.send(Response::error(404, "not_found", "no resource at " + request.path));
    return kUnmatched;
  }
  const std::string& label = by_path->first;
  auto by_method = by_path->second.find(request.method);
  if (by_method == by_path->second.end()) {
    std::string allow;
    for (const auto& [method, unused] : by_path->second) {
      if (!allow.empty()) allow += ", ";
      allow += method;
    }
    Response r = Response::error(405, "method_not_allowed",
                                 request.method + " is not allowed on " + request.path +
                                     " (allowed: " + allow + ")");
    r.headers.emplace_back("Allow", allow);
    responder.send(std::move(r));
    return label;
  }
  auto failed = [&responder](std::string cause) {
    Response r = Response::error(500, "internal_error", "the server failed to handle the request");
    r.log_cause = std::move(cause);  // logged by the session with the request
    responder.send(std::move(r));
  };
  try {
    by_method->second(std::move(request), responder);
  } catch (const std::exception& e) {
    failed(std::string("the handler threw: ") + e.what());
  } catch (...) {
    failed("the handler threw a non-standard exception");
  }
  return label;
}

}  // namespace larder::hub::http
