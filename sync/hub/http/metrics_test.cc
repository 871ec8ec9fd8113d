#include "sync/hub/http/metrics.h"

#include <doctest/doctest.h>

namespace larder::hub::http {
namespace {

TEST_CASE("counters and gauges render with HELP, TYPE and sorted labelled series") {
  MetricsRegistry m;
  auto& c = m.counter("app_requests_total", "Requests.\nSecond line \\ end", {"route", "status"});
  c.inc({"/b", "200"});
  c.inc({"/a", "404"}, 2);
  c.inc({"/b", "200"});
  auto& g = m.gauge("app_temperature", "Temp", {});
  g.set({}, 21.5);
  m.callback_gauge("app_open", "Open things", [] { return 7.0; });
  m.callback_counter("app_done_total", "Done things", [] { return 3.0; });

  CHECK(m.render() ==
        "# HELP app_done_total Done things\n"
        "# TYPE app_done_total counter\n"
        "app_done_total 3\n"
        "# HELP app_open Open things\n"
        "# TYPE app_open gauge\n"
        "app_open 7\n"
        "# HELP app_requests_total Requests.\\nSecond line \\\\ end\n"
        "# TYPE app_requests_total counter\n"
        "app_requests_total{route=\"/a\",status=\"404\"} 2\n"
        "app_requests_total{route=\"/b\",status=\"200\"} 2\n"
        "# HELP app_temperature Temp\n"
        "# TYPE app_temperature gauge\n"
        "app_temperature 21.5\n");
  CHECK(c.value({"/b", "200"}) == 2);
  CHECK(c.value({"/none", "1"}) == 0);
}

TEST_CASE("label values are escaped") {
  MetricsRegistry m;
  m.counter("x_total", "x", {"v"}).inc({"a\"b\\c\nd"});
  CHECK(m.render().find("x_total{v=\"a\\\"b\\\\c\\nd\"} 1\n") != std::string::npos);
}

TEST_CASE("histograms render cumulative buckets, +Inf, sum and count") {
  MetricsRegistry m;
  auto& h = m.histogram("lat_seconds", "Latency", {"route"}, {0.1, 1});
  h.observe({"/a"}, 0.05);
  h.observe({"/a"}, 0.1);  // on the bound: counted in le="0.1"
  h.observe({"/a"}, 0.5);
  h.observe({"/a"}, 3);
  CHECK(h.count({"/a"}) == 4);
  CHECK(m.render() ==
        "# HELP lat_seconds Latency\n"
        "# TYPE lat_seconds histogram\n"
        "lat_seconds_bucket{route=\"/a\",le=\"0.1\"} 2\n"
        "lat_seconds_bucket{route=\"/a\",le=\"1\"} 3\n"
        "lat_seconds_bucket{route=\"/a\",le=\"+Inf\"} 4\n"
        "lat_seconds_sum{route=\"/a\"} 3.65\n"
        "lat_seconds_count{route=\"/a\"} 4\n");
}

TEST_CASE("asking for a family twice returns the same one") {
  MetricsRegistry m;
  auto& a = m.counter("n_total", "n");
  auto& b = m.counter("n_total", "n");
  CHECK(&a == &b);
  a.inc();
  CHECK(b.value() == 1);
}

TEST_CASE("format_metric_value") {
  CHECK(format_metric_value(0) == "0");
  CHECK(format_metric_value(42) == "42");
  CHECK(format_metric_value(0.25) == "0.25");
  CHECK(format_metric_value(1.0 / 0.0) == "+Inf");
  CHECK(format_metric_value(-1.0 / 0.0) == "-Inf");
}

}  // namespace
}  // namespace larder::hub::http
