#include "sync/hub/serve.h"

#include <utility>  // before Boost.Asio (Boost 1.74)

#include <csignal>
#include <pthread.h>
#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include "base/env.h"
#include "sync/hub/db/change_listener.h"
#include "sync/hub/db/feed.h"
#include "sync/hub/db/pg_pool.h"
#include "sync/hub/db/roles.h"
#include "sync/hub/http/blocking_pool.h"
#include "sync/hub/http/change_waiters.h"
#include "sync/hub/http/http_server.h"
#include "sync/hub/http/hub_config.h"
#include "sync/hub/http/metrics.h"
#include "sync/hub/http/observability.h"
#include "sync/hub/http/router.h"
#include "sync/hub/readiness_endpoint.h"
#include "sync/hub/sync_endpoints.h"

namespace larder::hub {

int serve(const std::string& config_path, std::ostream& err) {
  auto config = http::load_hub_config(config_path);
  if (!config.is_ok()) {
    err << "larder-hub: " << config.status().message() << "\n";
    return 2;
  }
  {
    auto conn = db::PgConnection::connect(config->database_conninfo);
    if (!conn.is_ok()) {
      err << "larder-hub: cannot connect to PostgreSQL: " << conn.status().message() << "\n";
      return 1;
    }
    Status safe = db::check_hub_role_is_safe(*conn);
    if (!safe.is_ok()) {
      err << "larder-hub: refusing to serve: " << safe.message() << "\n";
      return 1;
    }
  }
  // Signals are taken by sigwait() below; every thread started after this inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::string metrics_token;
  if (!config->metrics_token_file.empty()) {
    auto token = http::read_metrics_token(config->metrics_token_file);
    if (!token.is_ok()) {
      err << "larder-hub: " << token.status().message() << "\n";
      return 2;
    }
    metrics_token = std::move(token).value();
  }
  db::PgPoolOptions po;
  po.conninfo = config->database_conninfo;
  po.size = static_cast<int>(config->worker_threads);
  db::PgPool pg(po);
  http::BlockingPool workers(config->worker_threads, config->worker_queue);
  http::MetricsRegistry metrics;
  http::Router router;
  std::atomic<bool> serving{true};
  http::add_observability_routes(
      router, metrics, [&] { return serving.load(); }, std::move(metrics_token));

  // The waiters need the server's io_context, and the routes need the waiters:
  // the routes hold a context whose waiters pointer is filled before start.
  std::unique_ptr<http::ChangeWaiters> waiters;
  http::HttpServer server(config->server, router, metrics);
  waiters = std::make_unique<http::ChangeWaiters>(server.io_context());
  HubContext ctx{pg, workers, *waiters, metrics, system_env(), config->long_poll_max_wait};
  add_sync_routes(router, ctx);
  add_readiness_route(router, ctx, [&] { return serving.load(); });
  http::export_waiter_metrics(metrics, *waiters);
  http::export_pool_metrics(metrics, workers);
  Status started = server.start();
  if (!started.is_ok()) {
    err << "larder-hub: cannot listen on " << config->server.listen_address << ":"
        << config->server.port << ": " << started.message() << "\n";
    return 1;
  }
  auto listener = db::ChangeListener::start(config->database_conninfo, [&](const db::ScopeChange& c) {
    if (c.everything || c.tenant_id.empty()) {
      waiters->wake_all();
    } else {
      waiters->notify(tenant_wait_key(c.tenant_id));
    }
  });
  if (!listener.is_ok()) {
    err << "larder-hub: cannot LISTEN for changes (a direct connection is needed, not PgBouncer "
           "in transaction mode): " << listener.status().message() << "\n";
    server.stop(std::chrono::seconds(1));
    return 1;
  }
  spdlog::info("larder-hub serving on {}://{}:{}/",
               config->server.tls_cert_file.empty() ? "http" : "https",
               config->server.listen_address, server.port());
  sd_notify(0, "READY=1");

  int signo = 0;
  sigwait(&stop_signals, &signo);
  spdlog::info("signal {}: stopping", signo);
  sd_notify(0, "STOPPING=1");
  serving = false;
  listener->reset();
  waiters->close();
  std::size_t cut = server.stop(std::chrono::seconds(10));
  waiters.reset();
  workers.shutdown();
  spdlog::info("stopped ({} connection(s) cut at the deadline)", cut);
  return 0;
}

}  // namespace larder::hub
