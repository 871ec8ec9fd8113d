#include "node/daemon/daemon.h"

#include <utility>  // before Boost.Asio (Boost 1.74)

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <memory>
#include <vector>

#include "node/api/api_server.h"
#include "node/core/node.h"
#include "sync/client/sync_client.h"

namespace larder::node {
namespace {

api::ApiOptions api_options(const NodeConfig& c) {
  api::ApiOptions o;
  o.bind_address = c.listen_address;
  o.port = c.port;
  o.bearer_token = c.api_token;
  o.require_token = !c.api_token.empty();
  o.allowed_hosts = c.allowed_hosts;
  o.max_body_bytes = c.max_body_bytes;
  o.read_timeout = c.request_timeout;
  o.write_timeout = c.request_timeout;
  o.keep_alive_timeout = std::chrono::duration_cast<std::chrono::seconds>(c.keep_alive_timeout);
  if (o.keep_alive_timeout.count() < 1) o.keep_alive_timeout = std::chrono::seconds(1);
  o.max_connections = static_cast<std::size_t>(c.max_connections);
  o.max_sse_clients = static_cast<std::size_t>(c.max_event_streams);
  o.static_dir = c.kiosk_ui_dir;
  return o;
}

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
  if ((*node)->runtimes().empty()) {
    spdlog::warn("no tenant is enrolled in {}; run `larder-node enroll --hub URL --code CODE`",
                 config.data_dir);
  }
  std::vector<std::unique_ptr<sync::SyncClient>> clients;
  for (TenantRuntime* rt : (*node)->runtimes()) {
    auto client = make_sync_client(*rt, config, env);
    if (!client.is_ok()) {
      spdlog::critical("tenant {}: {}", rt->credentials().tenant_id, client.status().to_string());
      return 1;
    }
    sync::SyncClient* raw = client->get();
    rt->set_order_listener([raw] { raw->wake_push(); });
    clients.push_back(std::move(client).value());
  }
  auto server = api::ApiServer::start(**node, api_options(config));
  if (!server.is_ok()) {
    spdlog::critical("cannot start the local API on {}:{}: {}", config.listen_address, config.port,
                     server.status().to_string());
    return 1;
  }
  for (auto& c : clients) c->start();
  spdlog::info("larder-node {} serving {} tenant(s) on http://{}:{}/", app_version,
               (*node)->runtimes().size(), config.listen_address, (*server)->port());

  boost::asio::io_context loop;
  boost::asio::signal_set signals(loop, SIGTERM, SIGINT);
  signals.async_wait([&](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    spdlog::info("signal {}: stopping", signo);
    loop.stop();
  });
  // systemd watchdog: ping at half the interval while the loop turns.
  std::uint64_t watchdog_usec = 0;
  boost::asio::steady_timer watchdog(loop);
  std::function<void()> ping = [&] {
    sd_notify(0, "WATCHDOG=1");
    watchdog.expires_after(std::chrono::microseconds(watchdog_usec / 2));
    watchdog.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) ping();
    });
  };
  if (sd_watchdog_enabled(0, &watchdog_usec) > 0 && watchdog_usec > 0) ping();
  sd_notify(0, "READY=1");
  loop.run();

  sd_notify(0, "STOPPING=1");
  // Drain: pulls stop at once, a push in flight finishes and is recorded.
  for (auto& c : clients) c->stop();
  (*server)->stop();
  clients.clear();
  node->reset();
  spdlog::info("stopped cleanly");
  return 0;
}

}  // namespace larder::node
