#include "node/api/refusal_log.h"

#include <doctest/doctest.h>

#include <vector>

namespace larder::node::api {

TEST_CASE("refusals: the first is logged, then one line per interval with the count held back") {
  std::vector<std::string> lines;
  RefusalLog::Clock::time_point t{};
  RefusalLog log([&](const std::string& l) { lines.push_back(l); }, std::chrono::seconds(10),
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
        "local API: refused GET /api/v1/status from 192.168.1.21: 401 unauthorized (5 more with "
        "status 401 since the last line)");

  RefusalLog silent({}, std::chrono::seconds(1));
  silent.refused("GET", "/", "", 400, "bad_request");  // no sink: nothing happens
}

}  // namespace larder::node::api
