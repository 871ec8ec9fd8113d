#include "sync/protocol/cursor.h"

#include <charconv>

namespace larder::sync {

std::string encode_cursor(const FeedPosition& p) {
  return "v1." + std::to_string(p.tenant_version) + "." + std::to_string(p.location_version) + "." +
         std::to_string(p.tenant_snapshot_end) + "." + std::to_string(p.location_snapshot_end);
}

static bool parse_version(std::string_view text, std::int64_t* out) {
  if (text.empty() || text.size() > 18) return false;
  if (text.size() > 1 && text[0] == '0') return false;  // one spelling per cursor
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size() && *out >= 0;
}

Result<FeedPosition> decode_cursor(std::string_view cursor) {
  if (cursor.empty() || cursor == "0") return FeedPosition{};
  auto bad = [&] {
    return invalid_argument("cursor \"" + std::string(cursor.substr(0, 64)) +
                            "\" is not one this hub issued");
  };
  if (cursor.substr(0, 3) != "v1.") return bad();
  std::string_view rest = cursor.substr(3);
  FeedPosition p;
  std::int64_t* out[] = {&p.tenant_version, &p.location_version, &p.tenant_snapshot_end,
                         &p.location_snapshot_end};
  for (int i = 0; i < 4; ++i) {
    auto dot = rest.find('.');
    bool last = i == 3;
    if (last != (dot == std::string_view::npos)) return bad();
    if (!parse_version(rest.substr(0, dot), out[i])) return bad();
    if (!last) rest = rest.substr(dot + 1);
  }
  return p;
}

}  // namespace larder::sync
