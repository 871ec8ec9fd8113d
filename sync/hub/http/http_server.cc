#include "sync/hub/http/http_server.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <spdlog/spdlog.h>

#include <optional>
#include <thread>
#include <vector>

#include "sync/hub/http/session.h"
#include "sync/hub/http/tls_context.h"

namespace larder::hub::http {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

const char kOpenConnections[] = "larder_hub_http_open_connections";
const char kOpenConnectionsHelp[] = "HTTP connections open now";

// The answer to a connection over the cap: written straight from the
// acceptor without a session, so a flood of connections costs no memory.
std::string canned_busy_response() {
  std::string body = json_error_body("too_many_connections",
                                     "the server has reached its connection limit; retry shortly");
  return "HTTP/1.1 503 Service Unavailable\r\n"
         "Server: larder-hub\r\n"
         "Content-Type: application/json\r\n"
         "Retry-After: 1\r\n"
         "Connection: close\r\n"
         "Content-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

// Snapshot of the live sessions, taken under the lock and used outside it.
std::vector<std::shared_ptr<SessionControl>> live_sessions(ServerState& state) {
  std::vector<std::shared_ptr<SessionControl>> out;
  std::lock_guard lock(state.sessions_mu);
  out.reserve(state.sessions.size());
  for (auto& [key, weak] : state.sessions) {
    if (auto s = weak.lock()) out.push_back(std::move(s));
  }
  return out;
}

bool wait_until_closed(const ServerState& state, std::chrono::steady_clock::time_point deadline) {
  while (state.open_connections.load() > 0) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace

struct HttpServer::Impl {
  Impl(ServerOptions options, const Router& router, MetricsRegistry& m)
      : metrics(m),
        state(std::move(options), router, m),
        io(static_cast<int>(state.options.io_threads == 0 ? 1 : state.options.io_threads)),
        acceptor(net::make_strand(io)),
        accept_retry(acceptor.get_executor()),
        busy_response(canned_busy_response()) {}

  ~Impl() {
    // The registry outlives the server; its reader must not.
    metrics.callback_gauge(kOpenConnections, kOpenConnectionsHelp, [] { return 0.0; });
  }

  void do_accept() {
    acceptor.async_accept(net::make_strand(io),
                          [this](boost::system::error_code ec, tcp::socket socket) {
                            on_accept(ec, std::move(socket));
                          });
  }

  void on_accept(boost::system::error_code ec, tcp::socket socket) {
    if (!acceptor.is_open() || ec == net::error::operation_aborted) return;
    if (ec) {
      // Out of file descriptors (or similar): wait a little instead of
      // spinning on an accept that keeps failing.
      spdlog::warn("accept on port {} failed: {}; retrying in 100 ms", port.load(), ec.message());
      accept_retry.expires_after(std::chrono::milliseconds(100));
      accept_retry.async_wait([this](boost::system::error_code wait_ec) {
        if (!wait_ec && acceptor.is_open()) do_accept();
      });
      return;
    }
    if (state.draining.load()) {
      boost::system::error_code close_ec;
      socket.close(close_ec);
      return;  // stop() is closing the acceptor
    } else if (state.open_connections.load() >= state.options.limits.max_connections) {
      reject(socket);
    } else {
      boost::system::error_code opt_ec;
      socket.set_option(tcp::no_delay(true), opt_ec);
      start_session(state, std::move(socket));
    }
    do_accept();
  }

  void reject(tcp::socket& socket) {
    state.rejected.inc();
    // Logged like every 5xx, but at most once a second: a flood of
    // connections must not become a flood of log lines.
    ++rejected_unlogged;
    auto now = std::chrono::steady_clock::now();
    if (now - last_reject_log >= std::chrono::seconds(1)) {
      spdlog::error(
          "answered 503 to {} new connection(s): {} connections open, the "
          "limits.max_connections cap",
          rejected_unlogged, state.open_connections.load());
      rejected_unlogged = 0;
      last_reject_log = now;
    }
    boost::system::error_code ec;
    if (!state.tls) {
      // Best effort and non-blocking: a fresh socket's send buffer takes it.
      socket.non_blocking(true, ec);
      if (!ec) socket.write_some(net::buffer(busy_response), ec);
      socket.shutdown(tcp::socket::shutdown_send, ec);
    }
    socket.close(ec);
  }

  MetricsRegistry& metrics;
  // Declared before io so that sessions destroyed with io's pending handlers
  // still find it.
  ServerState state;
  std::unique_ptr<net::ssl::context> tls;
  net::io_context io;
  tcp::acceptor acceptor;
  net::steady_timer accept_retry;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::vector<std::thread> threads;
  std::atomic<std::uint16_t> port{0};
  const std::string busy_response;
  // On the acceptor's strand only.
  std::uint64_t rejected_unlogged = 0;
  std::chrono::steady_clock::time_point last_reject_log{};
  bool started = false;
  bool stopped = false;
};

HttpServer::HttpServer(ServerOptions options, const Router& router, MetricsRegistry& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), router, metrics)) {}

HttpServer::~HttpServer() { stop(std::chrono::milliseconds(0)); }

Status HttpServer::start() {
  Impl& m = *impl_;
  if (m.started) return failed_precondition("the HTTP server was already started");
  const ServerOptions& opts = m.state.options;

  if (!opts.tls_cert_file.empty() || !opts.tls_key_file.empty()) {
    if (opts.tls_cert_file.empty() || opts.tls_key_file.empty()) {
      return invalid_argument("TLS needs both a certificate file and a key file");
    }
    LARDER_ASSIGN_OR_RETURN(m.tls, make_server_tls_context(opts.tls_cert_file, opts.tls_key_file));
    m.state.tls = m.tls.get();
  }

  boost::system::error_code ec;
  net::ip::address address = net::ip::make_address(opts.listen_address, ec);
  if (ec) {
    return invalid_argument("listen address '" + opts.listen_address +
                            "' is not an IPv4 or IPv6 address");
  }
  tcp::endpoint endpoint(address, opts.port);
  const std::string where = opts.listen_address + ":" + std::to_string(opts.port);
  m.acceptor.open(endpoint.protocol(), ec);
  if (ec) return unavailable("opening a socket for " + where + ": " + ec.message());
  m.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) return unavailable("setting SO_REUSEADDR on " + where + ": " + ec.message());
  m.acceptor.bind(endpoint, ec);
  if (ec) {
    m.acceptor.close(ec);
    return unavailable("binding " + where + ": " + ec.message());
  }
  m.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    m.acceptor.close(ec);
    return unavailable("listening on " + where + ": " + ec.message());
  }
  m.port = m.acceptor.local_endpoint().port();

  m.metrics.callback_gauge(kOpenConnections, kOpenConnectionsHelp, [impl = impl_.get()] {
    return static_cast<double>(impl->state.open_connections.load());
  });

  m.started = true;
  m.work.emplace(m.io.get_executor());
  m.do_accept();
  const std::size_t n = opts.io_threads == 0 ? 1 : opts.io_threads;
  for (std::size_t i = 0; i < n; ++i) {
    m.threads.emplace_back([&io = m.io] {
      // Handlers catch what they expect; anything else is logged and the
      // thread goes back to the loop rather than terminating the process.
      for (;;) {
        try {
          io.run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("io thread: unexpected exception: {}", e.what());
        } catch (...) {
          spdlog::error("io thread: unexpected non-standard exception");
        }
      }
    });
  }
  spdlog::info("larder-hub listening on {}:{} ({}, {} io threads)", opts.listen_address,
               m.port.load(), m.tls ? "https" : "http", n);
  return Status::ok();
}

std::size_t HttpServer::stop(std::chrono::milliseconds drain_deadline) {
  Impl& m = *impl_;
  if (!m.started || m.stopped) return 0;
  m.stopped = true;
  const auto deadline = std::chrono::steady_clock::now() + drain_deadline;

  m.state.draining = true;
  net::post(m.acceptor.get_executor(), [&m] {
    boost::system::error_code ec;
    m.acceptor.close(ec);
    m.accept_retry.cancel();
  });
  for (auto& s : live_sessions(m.state)) s->begin_drain();

  std::size_t cut = 0;
  if (!wait_until_closed(m.state, deadline)) {
    cut = m.state.open_connections.load();
    spdlog::warn("stop: {} connections still busy at the drain deadline; closing them", cut);
    for (auto& s : live_sessions(m.state)) s->force_close();
    // Closing is quick (no network wait); this bound only guards against a bug.
    wait_until_closed(m.state, std::chrono::steady_clock::now() + std::chrono::seconds(2));
  }
  // io.stop() rather than letting run() return by itself: timers of objects
  // that share the loop (long-poll waiters) may still be pending.
  m.work.reset();
  m.io.stop();
  for (auto& t : m.threads) t.join();
  m.threads.clear();
  spdlog::info("larder-hub on port {} stopped ({} connections cut at the deadline)", m.port.load(),
               cut);
  return cut;
}

std::uint16_t HttpServer::port() const { return impl_->port.load(); }

boost::asio::io_context& HttpServer::io_context() { return impl_->io; }

std::size_t HttpServer::open_connections() const { return impl_->state.open_connections.load(); }

bool HttpServer::draining() const { return impl_->state.draining.load(); }

}  // namespace larder::hub::http
