// is_loopback_url and make_http_transport's refusal of plain HTTP to a hub
// that is not on this machine: the host is parsed, never prefix-matched.
#include "sync/client/hub_transport.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

namespace larder::sync {
namespace {

TEST_CASE("loopback URLs: 127.0.0.0/8, [::1] and localhost, with or without a port") {
  for (const char* url :
       {"http://127.0.0.1", "http://127.0.0.1:8443", "http://127.1.2.3:1", "http://127.255.255.255",
        "http://127.0.0.1/", "http://127.0.0.1:65535/v1", "http://[::1]", "http://[::1]:8443",
        "http://[0:0:0:0:0:0:0:1]:80", "http://localhost", "http://localhost:8080",
        "http://LocalHost:8080"}) {
    CAPTURE(url);
    CHECK(is_loopback_url(url));
  }
}

TEST_CASE("regression: a host that merely starts like a loopback address is not loopback") {
  for (const char* url : {"http://127.example.com",
                          "http://127.example.com:8080",
                          "http://127.0.0.1.evil.com",
                          "http://127.0.0.1.evil.com:80",
                          "http://127.0.0.1@evil.com",
                          "http://user@127.0.0.1",
                          "http://localhost.evil.com",
                          "http://localhostx",
                          "http://[::1].evil.com",
                          "http://[::1]evil.com",
                          "http://[::2]",
                          "http://::1",
                          "http://[::1",
                          "http://127.1",
                          "http://0177.0.0.1",
                          "http://0x7f.0.0.1",
                          "http://128.0.0.1",
                          "http://10.0.0.1",
                          "http://1.127.0.0",
                          "http://",
                          "http://:8080",
                          "http://127.0.0.1:",
                          "http://127.0.0.1:0",
                          "http://127.0.0.1:65536",
                          "http://127.0.0.1:80x",
                          "http://127.0.0.1:-1",
                          "https://127.0.0.1",
                          "HTTP://127.0.0.1",
                          "127.0.0.1",
                          "ftp://127.0.0.1"}) {
    CAPTURE(url);
    CHECK_FALSE(is_loopback_url(url));
  }
}

TEST_CASE("make_http_transport refuses plain HTTP unless the host is loopback") {
  TransportOptions o;
  o.hub_url = "http://127.example.com:8443";
  auto refused = make_http_transport(o);
  CHECK(refused.status().code() == Code::kInvalidArgument);
  CHECK(refused.status().message().find("must use https://") != std::string::npos);
  o.hub_url = "http://127.0.0.1:8443";
  CHECK(make_http_transport(o).is_ok());
  o.hub_url = "http://[::1]:8443";
  CHECK(make_http_transport(o).is_ok());
  o.hub_url = "https://hub.example.com";
  CHECK(make_http_transport(o).is_ok());
}

TEST_CASE("a hub that cannot be reached is named, with what failed, in words") {
  // A port nothing listens on: bound, then closed.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  ::close(fd);
  TransportOptions o;
  o.hub_url = "http://127.0.0.1:" + std::to_string(ntohs(a.sin_port));
  auto t = make_http_transport(o);
  REQUIRE(t.is_ok());
  auto r = (*t)->get("/v1/sync/pull?cursor=0", std::chrono::milliseconds(1000));
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.status().code() == Code::kUnavailable);
  CHECK(r.status().message() == "GET " + o.hub_url + "/v1/sync/pull: cannot connect (connection refused or no route)");
}

}  // namespace
}  // namespace larder::sync
