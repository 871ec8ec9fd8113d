// RefusalLog: a log line for requests the API refuses before routing them
// (401 unauthorized, 421 bad_host, 413, 431, 408...), so that a kiosk or POS
// configured with the wrong token or host name shows up in the node's log
// with what was refused and from where.
//
// A flood of refusals (a misconfigured terminal retrying, a scan on the LAN)
// must not become a flood of lines: per status code, the first refusal is
// logged, then at most one line per `interval`, which says how many refusals
// of that status it did not log since the line before.
//
// Thread safety: refused() may be called from any thread.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace larder::node::api {

class RefusalLog {
 public:
  using Clock = std::chrono::steady_clock;
  using Sink = std::function<void(const std::string&)>;

  // `sink` may be empty (nothing is logged). `now` is the clock seam.
  RefusalLog(Sink sink, Clock::duration interval,
             std::function<Clock::time_point()> now = Clock::now);

  // "local API: refused GET /metrics from 192.168.1.20: 401 unauthorized"
  // (+ " (N more with status 401 since the last line)" when some were held back).
  void refused(std::string_view method, std::string_view path, std::string_view peer, int status,
               std::string_view code);

 private:
  struct PerStatus {
    Clock::time_point last_line;
    std::size_t held_back = 0;
  };

  const Sink sink_;
  const Clock::duration interval_;
  const std::function<Clock::time_point()> now_;
  std::mutex mu_;
  std::map<int, PerStatus> by_status_;  // guarded by mu_
};

}  // namespace larder::node::api
