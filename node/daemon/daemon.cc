#include "node/daemon/daemon.h"

#include <utility>  // before Boost.Asio (Boost 1.74)

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>
#include <spdlog/spdlog.h>
#include <vector>

#include "node/api/api_server.h"
#include "node/core/node.h"
#include "node/daemon/api_config.h"
#include "node/daemon/systemd_notify.h"
#include "sync/client/sync_client.h"

namespace larder::node {
namespace {

Result<std::unique_ptr<sync::SyncClient>> make_sync_client(TenantRuntime& rt, const NodeConfig& c,
                                                           Env& env) {
  sync::TransportOptions t;
  t.hub_url = rt.credentials().hub_url;
  t.token = rt.credentials().token;
  t.ca_file = c.hub_ca_file;
  LARDER_ASSIGN_OR_RETURN(auto pull, sync::make_http_transport(t));
  LARDER_ASSIGN_OR_RETURN(auto push, sync::make_http_transport(t));
  sync::SyncOptions o;
  o.pull_limit = c.pull_limit;
  o.pull_wait_seconds = c.pull_wait_seconds;
  o.push_batch = c.push_batch;
  o.push_linger = c.push_linger;
  o.heartbeat_interval = c.heartbeat_interval;
  o.backoff_max = c.backoff_max;
  o.label = "tenant " + rt.credentials().tenant_id;
  return std::make_unique<sync::SyncClient>(rt, std::move(pull), std::move(push), env, o);
}

}  // namespace

int run_daemon(const NodeConfig& config, const std::string& app_version) {
  Env& env = system_env();
  NodeOptions no{config.data_dir, config.master_key_file, app_version};
  auto node = Node::open(no, env);
  if (!node.is_ok()) {
    spdlog::critical("cannot open the data directory {}: {}", config.data_dir,
                     node.status().to_string());
    return 1;
  }
  // One tenant's broken files cost only that tenant (node.h); say which, and why.
  for (const TenantProblem& p : (*node)->problems()) {
    if (p.unavailable) {
      spdlog::error("{}", p.status.message());  // names the tenant and the file
    } else {
      spdlog::warn("{}", p.status.message());
    }
  }
  if ((*node)->runtimes().empty()) {
    spdlog::warn("no tenant is served from {}; run `larder-node enroll --hub URL --code CODE`",
                 config.data_dir);
  }
  std::vector<std::unique_ptr<sync::SyncClient>> clients;
  for (TenantRuntime* rt : (*node)->runtimes()) {
    // Replica rows this node cannot read (a location's hours, say) are
    // served by a documented fallback and reported here, once each.
    rt->set_warning_log([](const std::string& line) { spdlog::warn("{}", line); });
    auto client = make_sync_client(*rt, config, env);
    if (!client.is_ok()) {
      // Its credentials name a hub this node cannot use: keep taking orders
      // (they stay queued), show why in the status, and serve the others.
      std::string why = "cannot sync: " + client.status().message();
      spdlog::error("tenant {} ({}): {}", rt->credentials().tenant_id,
                    credentials_path(config.data_dir, rt->credentials().tenant_id), why);
      rt->set_online(false, why);
      continue;
    }
    sync::SyncClient* raw = client->get();
    rt->set_order_listener([raw] { raw->wake_push(); });
    clients.push_back(std::move(client).value());
  }
  auto server = api::ApiServer::start(**node, api_options_from_config(config));
  if (!server.is_ok()) {
    spdlog::critical("cannot start the local API on {}:{}: {}", url_host(config.listen_address),
                     config.port, server.status().to_string());
    return 1;
  }
  for (auto& c : clients) c->start();
  spdlog::info("larder-node {} serving {} tenant(s) on http://{}:{}/", app_version,
               (*node)->runtimes().size(), url_host(config.listen_address), (*server)->port());

  boost::asio::io_context loop;
  boost::asio::signal_set signals(loop, SIGTERM, SIGINT);
  signals.async_wait([&](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    spdlog::info("signal {}: stopping", signo);
    loop.stop();
  });
  // systemd watchdog: ping at half the interval while the loop turns.
  std::optional<std::chrono::microseconds> watchdog_interval = service_watchdog_interval();
  boost::asio::steady_timer watchdog(loop);
  std::function<void()> ping = [&] {
    notify_service_manager("WATCHDOG=1");
    watchdog.expires_after(*watchdog_interval / 2);
    watchdog.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) ping();
    });
  };
  if (watchdog_interval) ping();
  notify_service_manager("READY=1");
  loop.run();

  notify_service_manager("STOPPING=1");
  // Drain: pulls stop at once, a push in flight finishes and is recorded.
  for (auto& c : clients) c->stop();
  (*server)->stop();
  clients.clear();
  node->reset();
  spdlog::info("stopped cleanly");
  return 0;
}

}  // namespace larder::node
