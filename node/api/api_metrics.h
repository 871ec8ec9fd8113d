// ApiMetrics: the local API's own Prometheus metrics.
//
//   larder_api_requests_total{route,status}          counter
//   larder_api_request_duration_seconds{route}       histogram (handler time;
//                                                    for SSE, until the stream opens)
//   larder_api_open_connections                      gauge (accepted, not yet closed)
//   larder_api_waiting_connections                   gauge (accepted, no thread yet)
//   larder_api_sse_streams                           gauge
//   larder_api_sse_refused_total                     counter (over max_sse_clients)
//
// Labels are route templates (route_table.h) or "other", so a client cannot
// grow the label set.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace larder::node::api {

class ApiMetrics {
 public:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

  void record(std::string_view route, int status, std::chrono::nanoseconds elapsed);
  void record_status(std::string_view route, int status);  // no latency known

  void connection_accepted() { ++open_connections_, ++waiting_connections_; }
  void connection_started() { --waiting_connections_; }
  void connection_closed() { --open_connections_; }
  void sse_opened() { ++sse_streams_; }
  void sse_closed() { --sse_streams_; }
  void sse_refused() { ++sse_refused_; }

  std::int64_t open_connections() const { return open_connections_; }
  std::int64_t sse_streams() const { return sse_streams_; }
  // The count for one (route, status) pair; 0 if never seen (tests).
  std::uint64_t requests(std::string_view route, int status) const;

  // Prometheus text exposition format 0.0.4, ending in a newline.
  std::string render() const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};  // non-cumulative
    std::uint64_t count = 0;
    double sum = 0;
  };

  mutable std::mutex mu_;
  // Guarded by mu_.
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::map<std::string, Histogram, std::less<>> latency_;

  std::atomic<std::int64_t> open_connections_{0};
  std::atomic<std::int64_t> waiting_connections_{0};
  std::atomic<std::int64_t> sse_streams_{0};
  std::atomic<std::uint64_t> sse_refused_{0};
};

}  // namespace larder::node::api
