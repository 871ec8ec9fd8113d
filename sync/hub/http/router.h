// Router: (method, exact path) -> handler, with JSON 404 and 405 answers.
//
// Routes are added before the server starts and never after: dispatch() only
// reads, so it runs on every io thread at once without a lock.
//
// A handler is a plain function of a Request and a Responder; it may answer
// before returning or keep the Responder and answer later from any thread
// (responder.h). A handler must not block: blocking work (libpq) goes to the
// BlockingPool (blocking_pool.h).
//
// Exceptions thrown by a handler are caught here and answered with 500
// "internal_error" (the exception text is logged, not sent to the client).
//
// Thread safety: add() is not thread-safe and must happen-before the first
// dispatch(); dispatch() is safe from any number of threads.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "sync/hub/http/request.h"
#include "sync/hub/http/responder.h"

namespace larder::hub::http {

using Handler = std::function<void(Request, Responder)>;

class Router {
 public:
  // Registers `handler` for `method` ("GET", "POST", ...) on the exact decoded
  // `path`. Adding the same pair twice replaces the earlier handler.
  void add(const std::string& method, const std::string& path, Handler handler);

  // Routes one request. Returns the route label for metrics: the registered
  // path when the path is known (also for 405), "unmatched" for 404, so an
  // attacker scanning URLs cannot grow the metric label sets.
  const std::string& dispatch(Request request, Responder responder) const;

 private:
  // path -> method -> handler
  std::map<std::string, std::map<std::string, Handler>, std::less<>> routes_;
};

}  // namespace larder::hub::http
