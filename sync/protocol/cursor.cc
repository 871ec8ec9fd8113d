#include "sync/protocol/cursor.h"

#include <charconv>

namespace larder::sync {

std::string encode_cursor(const FeedPosition& p) {
  return "v1." + std::to_string(p.tenant_version) + "." + std::to_string(p.location_version);
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
  auto dot = rest.find('.');
  if (dot == std::string_view::npos) return bad();
  FeedPosition p;
  if (!parse_version(rest.substr(0, dot), &p.tenant_version) ||
      !parse_version(rest.substr(dot + 1), &p.location_version)) {
    return bad();
  }
  return p;
}

}  // namespace larder::sync
