// Test-only: an HttpServer on 127.0.0.1 with an ephemeral port, its router
// and metrics, stopped by the destructor even when a test fails midway.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <memory>

#include "sync/hub/http/http_server.h"
#include "sync/hub/http/metrics.h"
#include "sync/hub/http/router.h"

namespace larder::hub::http::testing {

inline ServerOptions test_options() {
  ServerOptions o;
  o.listen_address = "127.0.0.1";
  o.port = 0;  // ephemeral: parallel test runs never collide
  o.io_threads = 2;
  return o;
}

struct TestServer {
  explicit TestServer(ServerOptions o = test_options()) : options(std::move(o)) {}
  ~TestServer() {
    if (server) server->stop(std::chrono::milliseconds(0));
  }

  // Routes must be added before start().
  void start() {
    server = std::make_unique<HttpServer>(options, router, metrics);
    Status s = server->start();
    REQUIRE_MESSAGE(s.is_ok(), s.to_string());
  }
  std::uint16_t port() const { return server->port(); }

  ServerOptions options;
  Router router;
  MetricsRegistry metrics;
  std::unique_ptr<HttpServer> server;
};

}  // namespace larder::hub::http::testing
