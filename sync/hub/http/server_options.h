// ServerOptions: everything the HTTP server needs to know before it starts.
//
// Plain values with the defaults a production hub would use; hub_config.h
// fills them from the TOML config file (and checks them there).
//
// Thread safety: a value.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace larder::hub::http {

struct ServerLimits {
  // Request line plus headers; a larger header block gets 431 and is closed.
  std::size_t max_header_bytes = 16 * 1024;
  // Body; a larger one (by Content-Length or as it streams) gets 413.
  std::size_t max_body_bytes = 1024 * 1024;
  // Open connections; one over the cap gets 503 (plain) or is closed (TLS).
  std::size_t max_connections = 20000;
};

struct ServerTimeouts {
  std::chrono::milliseconds tls_handshake{10'000};
  // From a connection's first byte (or its opening) to the end of headers.
  std::chrono::milliseconds header_read{10'000};
  std::chrono::milliseconds body_read{30'000};
  // Keep-alive: how long a connection may sit between requests.
  std::chrono::milliseconds idle{60'000};
  std::chrono::milliseconds write{30'000};
};

struct ServerOptions {
  std::string listen_address = "127.0.0.1";  // an IPv4 or IPv6 literal
  std::uint16_t port = 8443;                  // 0: an ephemeral port (tests)
  std::size_t io_threads = 2;
  ServerLimits limits;
  ServerTimeouts timeouts;
  // Both set: HTTPS with this PEM certificate chain and PEM private key.
  // Both empty: plain HTTP (behind a TLS-terminating proxy, or in tests).
  std::string tls_cert_file;
  std::string tls_key_file;
};

}  // namespace larder::hub::http
