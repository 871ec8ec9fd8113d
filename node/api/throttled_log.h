// ThrottledLog: log lines that cannot become a flood.
//
// The API logs what it hides from clients (internal errors, a tenant whose
// storage fails) and what it refuses (401 unauthorized, 421 bad_host, 413,
// 431, 408...: a kiosk or POS terminal configured with the wrong token or
// host name). A terminal retrying every few seconds, or a scan on the LAN,
// would repeat the same line without end. So, per key (the line itself, or
// the status of a refusal), the first line is written, then at most one per
// `interval`, which says how many it held back since the line before. (A
// count held back is reported by the key's next line: after a burst and then
// silence, or once the key is forgotten among many others, it is not.)
//
// A line may quote what a client sent (a request path is percent-decoded):
// control characters are written as \xNN and a line is cut at 1,000 bytes,
// so that no client can forge log lines.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace larder::node::api {

class ThrottledLog {
 public:
  using Clock = std::chrono::steady_clock;
  using Sink = std::function<void(const std::string&)>;

  // `sink` may be empty (nothing is logged). `now` is the clock seam.
  ThrottledLog(Sink sink, Clock::duration interval,
               std::function<Clock::time_point()> now = Clock::now);

  // Writes `line` unless a line with the same key was written less than
  // `interval` ago; then " (N more like it since the last line)" is appended
  // when N lines were held back.
  void write(const std::string& key, std::string line);
  // write(line, line).
  void write(std::string line);

  // "local API: refused GET /metrics from 192.168.1.20: 401 unauthorized",
  // keyed by the status.
  void refused(std::string_view method, std::string_view path, std::string_view peer, int status,
               std::string_view code);

 private:
  struct PerKey {
    Clock::time_point last_line;
    std::size_t held_back = 0;
  };

  const Sink sink_;
  const Clock::duration interval_;
  const std::function<Clock::time_point()> now_;
  std::mutex mu_;
  std::map<std::string, PerKey, std::less<>> by_key_;  // guarded by mu_; grows with distinct lines
};

}  // namespace larder::node::api
