#include "node/api/refusal_log.h"

namespace larder::node::api {

RefusalLog::RefusalLog(Sink sink, Clock::duration interval, std::function<Clock::time_point()> now)
    : sink_(std::move(sink)), interval_(interval), now_(std::move(now)) {}

void RefusalLog::refused(std::string_view method, std::string_view path, std::string_view peer,
                         int status, std::string_view code) {
  if (!sink_) return;
  std::size_t held_back = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Clock::time_point now = now_();
    auto [it, first] = by_status_.try_emplace(status);
    PerStatus& s = it->second;
    if (!first && now - s.last_line < interval_) {
      ++s.held_back;
      return;
    }
    held_back = s.held_back;
    s.held_back = 0;
    s.last_line = now;
  }
  std::string line = "local API: refused ";
  line.append(method).append(" ").append(path).append(" from ");
  line.append(peer.empty() ? std::string_view("an unknown peer") : peer);
  line += ": " + std::to_string(status) + " ";
  line.append(code);
  if (held_back > 0) {
    line += " (" + std::to_string(held_back) + " more with status " + std::to_string(status) +
            " since the last line)";
  }
  sink_(line);
}

}  // namespace larder::node::api
