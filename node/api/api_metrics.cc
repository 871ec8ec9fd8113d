#include "node/api/api_metrics.h"

#include <cstdio>

namespace larder::node::api {
namespace {

// Route templates are ours, but escape as the format requires anyway.
std::string label_value(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

}  // namespace

void ApiMetrics::record(std::string_view route, int status, std::chrono::nanoseconds elapsed) {
  double seconds = std::chrono::duration<double>(elapsed).count();
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{std::string(route), status}];
  auto it = latency_.find(route);
  if (it == latency_.end()) it = latency_.emplace(std::string(route), Histogram{}).first;
  Histogram& h = it->second;
  ++h.count;
  h.sum += seconds;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++h.buckets[i];
      break;
    }
  }
}

void ApiMetrics::record_status(std::string_view route, int status) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{std::string(route), status}];
}

std::uint64_t ApiMetrics::requests(std::string_view route, int status) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = requests_.find({std::string(route), status});
  return it == requests_.end() ? 0 : it->second;
}

std::string ApiMetrics::render() const {
  std::string out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    out += "# HELP larder_api_requests_total Requests answered by the local API, by route and status.\n";
    out += "# TYPE larder_api_requests_total counter\n";
    for (const auto& [key, n] : requests_) {
      out += "larder_api_requests_total{route=\"" + label_value(key.first) + "\",status=\"" +
             std::to_string(key.second) + "\"} " + std::to_string(n) + "\n";
    }
    out += "# HELP larder_api_request_duration_seconds Time spent answering a request, by route.\n";
    out += "# TYPE larder_api_request_duration_seconds histogram\n";
    for (const auto& [route, h] : latency_) {
      std::string l = label_value(route);
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += h.buckets[i];
        out += "larder_api_request_duration_seconds_bucket{route=\"" + l + "\",le=\"" +
               number(kBuckets[i]) + "\"} " + std::to_string(cumulative) + "\n";
      }
      out += "larder_api_request_duration_seconds_bucket{route=\"" + l + "\",le=\"+Inf\"} " +
             std::to_string(h.count) + "\n";
      out += "larder_api_request_duration_seconds_sum{route=\"" + l + "\"} " + number(h.sum) + "\n";
      out += "larder_api_request_duration_seconds_count{route=\"" + l + "\"} " +
             std::to_string(h.count) + "\n";
    }
  }
  out += "# HELP larder_api_open_connections Connections accepted and not yet closed.\n";
  out += "# TYPE larder_api_open_connections gauge\n";
  out += "larder_api_open_connections " + std::to_string(open_connections_.load()) + "\n";
  out += "# HELP larder_api_waiting_connections Connections accepted but waiting for a free thread.\n";
  out += "# TYPE larder_api_waiting_connections gauge\n";
  out += "larder_api_waiting_connections " + std::to_string(waiting_connections_.load()) + "\n";
  out += "# HELP larder_api_sse_streams Open Server-Sent Events streams.\n";
  out += "# TYPE larder_api_sse_streams gauge\n";
  out += "larder_api_sse_streams " + std::to_string(sse_streams_.load()) + "\n";
  out += "# HELP larder_api_sse_refused_total Event streams refused because max_sse_clients were open.\n";
  out += "# TYPE larder_api_sse_refused_total counter\n";
  out += "larder_api_sse_refused_total " + std::to_string(sse_refused_.load()) + "\n";
  return out;
}

}  // namespace larder::node::api
