#include "node/api/throttled_log.h"

#include <doctest/doctest.h>

#include <vector>

namespace larder::node::api {

TEST_CASE("throttled log: refusals, the first logged, then one line per interval per status") {
  std::vector<std::string> lines;
  ThrottledLog::Clock::time_point t{};
  ThrottledLog log([&](const std::string& l) { lines.push_back(l); }, std::chrono::seconds(10),
                   [&] { return t; });
  log.refused("GET", "/metrics", "192.168.1.20", 401, "unauthorized");
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] == "local API: refused GET /metrics from 192.168.1.20: 401 unauthorized");

  for (int i = 0; i < 5; ++i) {
    t += std::chrono::seconds(1);
    log.refused("GET", "/metrics", "192.168.1.20", 401, "unauthorized");
  }
  // Another status has its own allowance.
  log.refused("POST", "/api/v1/tenants/acme/orders", "10.0.0.7", 421, "bad_host");
  REQUIRE(lines.size() == 2);
  CHECK(lines[1] ==
        "local API: refused POST /api/v1/tenants/acme/orders from 10.0.0.7: 421 bad_host");

  t += std::chrono::seconds(6);  // 11 s after the first 401 line
  log.refused("GET", "/api/v1/status", "192.168.1.21", 401, "unauthorized");
  REQUIRE(lines.size() == 3);
  CHECK(lines[2] ==
        "local API: refused GET /api/v1/status from 192.168.1.21: 401 unauthorized (5 more like "
        "it since the last line)");

  ThrottledLog silent({}, std::chrono::seconds(1));
  silent.refused("GET", "/", "", 400, "bad_request");  // no sink: nothing happens
  silent.write("nothing");
}

TEST_CASE("throttled log: the same line repeats once per interval; different lines pass") {
  std::vector<std::string> lines;
  ThrottledLog::Clock::time_point t{};
  ThrottledLog log([&](const std::string& l) { lines.push_back(l); }, std::chrono::seconds(60),
                   [&] { return t; });
  for (int i = 0; i < 100; ++i) {
    log.write("local API: tenant t1: UNAVAILABLE: its database does not open");
    t += std::chrono::milliseconds(100);
  }
  log.write("local API: tenant t2: UNAVAILABLE: disk full");
  REQUIRE(lines.size() == 2);
  t += std::chrono::seconds(60);
  log.write("local API: tenant t1: UNAVAILABLE: its database does not open");
  REQUIRE(lines.size() == 3);
  CHECK(lines[2] ==
        "local API: tenant t1: UNAVAILABLE: its database does not open (99 more like it since the "
        "last line)");

  // What a client sent cannot forge a line: control characters are escaped,
  // and a line is cut.
  log.refused("GET", "/x\r\nlarder: forged", "10.0.0.9", 421, "bad_host");
  CHECK(lines.back() ==
        "local API: refused GET /x\\x0d\\x0alarder: forged from 10.0.0.9: 421 bad_host");
  log.write(std::string(5000, 'a'));
  CHECK(lines.back().size() == 1003);
  lines.resize(3);

  // Many distinct lines do not grow it without end, and each still passes.
  for (int i = 0; i < 1000; ++i) log.write("line " + std::to_string(i));
  CHECK(lines.size() == 1003);
}

}  // namespace larder::node::api
