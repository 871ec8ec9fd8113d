#include "sync/hub/http/observability.h"

#include <openssl/crypto.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

namespace larder::hub::http {

void add_observability_routes(Router& router, const MetricsRegistry& metrics,
                              std::function<bool()> serving, std::string metrics_token) {
  router.add(
      "GET", "/metrics", [&metrics, token = std::move(metrics_token)](Request req, Responder r) {
        if (!token.empty()) {
          const std::string given = req.bearer_token();
          if (given.size() != token.size() ||
              CRYPTO_memcmp(given.data(), token.data(), token.size()) != 0) {
            Response refused = Response::error(
                401, "unauthorized",
                "GET /metrics needs the metrics token: Authorization: Bearer <the token in the "
                "hub's metrics.token_file>");
            refused.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"larder-hub metrics\"");
            r.send(std::move(refused));
            return;
          }
        }
        r.send(Response::text(200, metrics.render(), "text/plain; version=0.0.4; charset=utf-8"));
      });
  router.add("GET", "/healthz", [serving = std::move(serving)](Request, Responder r) {
    if (serving && !serving()) {
      Response draining = Response::error(503, "draining", "this instance is stopping");
      draining.log_cause = "/healthz while stopping (expected during a shutdown)";
      r.send(std::move(draining));
      return;
    }
    r.send(Response::json(200, R"({"status":"ok"})"));
  });
}

Result<std::string> read_metrics_token(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return invalid_argument("reading metrics.token_file " + path + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  std::string token = text.str();
  const char* space = " \t\r\n";
  token.erase(0, token.find_first_not_of(space));
  token.erase(token.find_last_not_of(space) + 1);
  for (char c : token) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) {
      return invalid_argument("metrics.token_file " + path +
                              ": the token holds whitespace or control characters");
    }
  }
  if (token.size() < 16) {
    return invalid_argument("metrics.token_file " + path + ": the token is " +
                            std::to_string(token.size()) +
                            " characters; use at least 16 (e.g. head -c 32 /dev/urandom | base64)");
  }
  return token;
}

void export_waiter_metrics(MetricsRegistry& metrics, const ChangeWaiters& waiters) {
  metrics.callback_gauge("larder_hub_long_polls_open", "Long-poll requests waiting for a change",
                         [&waiters] { return static_cast<double>(waiters.open()); });
}

void export_pool_metrics(MetricsRegistry& metrics, const BlockingPool& pool) {
  metrics.callback_gauge("larder_hub_pool_threads", "Worker threads of the blocking pool",
                         [&pool] { return static_cast<double>(pool.threads()); });
  metrics.callback_gauge("larder_hub_pool_in_use", "Blocking jobs running now",
                         [&pool] { return static_cast<double>(pool.in_use()); });
  metrics.callback_gauge("larder_hub_pool_queued", "Blocking jobs waiting for a worker",
                         [&pool] { return static_cast<double>(pool.queued()); });
  metrics.callback_counter("larder_hub_pool_rejected_total",
                           "Blocking jobs refused because the queue was full",
                           [&pool] { return static_cast<double>(pool.rejected()); });
}

}  // namespace larder::hub::http
