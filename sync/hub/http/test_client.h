// Test-only: a blocking loopback HTTP/1.1 client over raw sockets, so tests
// can send exactly the bytes they want (half a header, an oversized body,
// two pipelined requests) and see exactly what the server does.
//
// Thread safety: one connection per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace larder::hub::http::testing {

struct ClientResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string header(const std::string& lower_name) const;
};

class RawConnection {
 public:
  // Connects to 127.0.0.1:port; fd() < 0 on failure.
  explicit RawConnection(std::uint16_t port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  bool send(std::string_view bytes);
  // Reads one response (Content-Length bodies only). nullopt when the server
  // closes or resets first, or nothing complete arrives within `timeout`.
  std::optional<ClientResponse> read_response(
      std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // True when the server closes (EOF or reset) within `timeout`; bytes that
  // arrive meanwhile are discarded.
  bool wait_closed(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  void close();

 private:
  int fd_ = -1;
  std::string pending_;  // bytes read past the last response
};

// One request on a fresh connection ("Connection: close").
std::optional<ClientResponse> http_request(std::uint16_t port, const std::string& method,
                                           const std::string& target,
                                           const std::string& body = "",
                                           const std::string& extra_headers = "");

// "METHOD target HTTP/1.1" with Host, optional body (Content-Length) and
// extra header lines (each ending in \r\n).
std::string format_request(const std::string& method, const std::string& target,
                           const std::string& body = "", const std::string& extra_headers = "");

// Polls `condition` every 5 ms until it holds or `limit` passes; returns the
// last result. For waiting on server-side state, never for timing claims.
template <typename F>
bool eventually(F condition, std::chrono::milliseconds limit = std::chrono::seconds(20));

}  // namespace larder::hub::http::testing

#include <thread>

template <typename F>
bool larder::hub::http::testing::eventually(F condition, std::chrono::milliseconds limit) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > end) return condition();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}
