#include "node/api/throttled_log.h"

#include <algorithm>

namespace larder::node::api {
namespace {

// Distinct lines kept for throttling; past it the oldest are forgotten (an
// error that quotes a varying id must not grow the map without end).
constexpr std::size_t kMaxKeys = 256;
constexpr std::size_t kMaxLineBytes = 1000;

// Control characters (CR and LF above all) as \xNN, and at most
// kMaxLineBytes of it.
std::string printable(std::string_view line) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(std::min(line.size(), kMaxLineBytes));
  for (char ch : line) {
    if (out.size() >= kMaxLineBytes) {
      out += "...";
      break;
    }
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

}  // namespace

ThrottledLog::ThrottledLog(Sink sink, Clock::duration interval,
                           std::function<Clock::time_point()> now)
    : sink_(std::move(sink)), interval_(interval), now_(std::move(now)) {}

void ThrottledLog::write(const std::string& key, std::string line) {
  if (!sink_) return;
  std::size_t held_back = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Clock::time_point now = now_();
    auto it = by_key_.find(key);
    if (it != by_key_.end() && now - it->second.last_line < interval_) {
      ++it->second.held_back;
      return;
    }
    if (it == by_key_.end()) {
      if (by_key_.size() >= kMaxKeys) {
        // Forget the lines not written for longest.
        auto oldest = by_key_.begin();
        for (auto k = by_key_.begin(); k != by_key_.end(); ++k) {
          if (k->second.last_line < oldest->second.last_line) oldest = k;
        }
        by_key_.erase(oldest);
      }
      it = by_key_.emplace(key, PerKey{}).first;
    }
    held_back = it->second.held_back;
    it->second.held_back = 0;
    it->second.last_line = now;
  }
  std::string text = printable(line);
  if (held_back > 0) {
    text += " (" + std::to_string(held_back) + " more like it since the last line)";
  }
  sink_(text);
}

void ThrottledLog::write(std::string line) {
  std::string key = line;
  write(key, std::move(line));
}

void ThrottledLog::refused(std::string_view method, std::string_view path, std::string_view peer,
                           int status, std::string_view code) {
  if (!sink_) return;
  std::string line = "local API: refused ";
  line.append(method).append(" ").append(path).append(" from ");
  line.append(peer.empty() ? std::string_view("an unknown peer") : peer);
  line += ": " + std::to_string(status) + " ";
  line.append(code);
  write("refused " + std::to_string(status), std::move(line));
}

}  // namespace larder::node::api
