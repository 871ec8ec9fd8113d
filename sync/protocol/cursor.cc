#include "sync/protocol/cursor.h"

#include <charconv>

namespace larder::sync {
namespace {

constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url(std::string_view in) {
  std::string out;
  out.reserve((in.size() * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const unsigned v = static_cast<unsigned char>(in[i]) << 16 |
                       static_cast<unsigned char>(in[i + 1]) << 8 |
                       static_cast<unsigned char>(in[i + 2]);
    out.push_back(kBase64Url[v >> 18]);
    out.push_back(kBase64Url[(v >> 12) & 63]);
    out.push_back(kBase64Url[(v >> 6) & 63]);
    out.push_back(kBase64Url[v & 63]);
  }
  if (in.size() - i == 1) {
    const unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out.push_back(kBase64Url[v >> 18]);
    out.push_back(kBase64Url[(v >> 12) & 63]);
  } else if (in.size() - i == 2) {
    const unsigned v =
        static_cast<unsigned char>(in[i]) << 16 | static_cast<unsigned char>(in[i + 1]) << 8;
    out.push_back(kBase64Url[v >> 18]);
    out.push_back(kBase64Url[(v >> 12) & 63]);
    out.push_back(kBase64Url[(v >> 6) & 63]);
  }
  return out;
}

int base64url_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

// Strict: only the alphabet, no padding, and unused low bits zero, so that
// every decodable text is the one encoding of its bytes.
bool unbase64url(std::string_view in, std::string* out) {
  if (in.size() % 4 == 1) return false;
  out->clear();
  unsigned acc = 0;
  int bits = 0;
  for (char c : in) {
    const int v = base64url_value(c);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return (acc & ((1u << bits) - 1)) == 0;
}

// Row keys come from PostgreSQL text, which is UTF-8 without NUL; a key
// that is not could only be forged, and would fail in the query.
bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    std::uint32_t cp = len == 1 ? c : c & (0x7f >> len);
    for (int k = 1; k < len; ++k) {
      const unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 2) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += len;
  }
  return true;
}

std::string encode_key(const std::optional<SnapshotKey>& key) {
  if (!key) return "-";
  std::string raw = key->table;
  raw.push_back('\0');
  raw += key->row_key;
  return base64url(raw);
}

bool decode_key(std::string_view text, std::optional<SnapshotKey>* out) {
  if (text == "-") {
    out->reset();
    return true;
  }
  std::string raw;
  if (text.empty() || !unbase64url(text, &raw)) return false;
  const auto nul = raw.find('\0');
  if (nul == std::string::npos || raw.find('\0', nul + 1) != std::string::npos) return false;
  if (!valid_utf8(raw)) return false;
  *out = SnapshotKey{raw.substr(0, nul), raw.substr(nul + 1)};
  return true;
}

bool parse_version(std::string_view text, std::int64_t* out) {
  if (text.empty() || text.size() > 18) return false;
  if (text.size() > 1 && text[0] == '0') return false;  // one spelling per cursor
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size() && *out >= 0;
}

// A key only inside that scope's snapshot, which has then delivered no
// version yet.
bool key_fits(const std::optional<SnapshotKey>& key, std::int64_t version, std::int64_t end) {
  return !key || (version == 0 && end > 0);
}

}  // namespace

std::string encode_cursor(const FeedPosition& p) {
  // append() rather than operator+ on temporaries: g++ 12 at -O3 reports a
  // false -Wrestrict in the inlined operator+ (GCC bug 105329).
  const bool keyed = p.tenant_snapshot_key || p.location_snapshot_key;
  std::string out = keyed ? "v2" : "v1";
  for (std::int64_t v :
       {p.tenant_version, p.location_version, p.tenant_snapshot_end, p.location_snapshot_end}) {
    out.append(1, '.').append(std::to_string(v));
  }
  if (keyed) {
    out.append(1, '.').append(encode_key(p.tenant_snapshot_key));
    out.append(1, '.').append(encode_key(p.location_snapshot_key));
  }
  return out;
}

Result<FeedPosition> decode_cursor(std::string_view cursor) {
  if (cursor.empty() || cursor == "0") return FeedPosition{};
  auto bad = [&] {
    return invalid_argument("cursor \"" + std::string(cursor.substr(0, 64)) +
                            "\" is not one this hub issued");
  };
  if (cursor.size() > kMaxCursorLength) return bad();
  const bool v2 = cursor.substr(0, 3) == "v2.";
  if (!v2 && cursor.substr(0, 3) != "v1.") return bad();
  std::string_view rest = cursor.substr(3);
  const int fields = v2 ? 6 : 4;
  FeedPosition p;
  std::int64_t* versions[] = {&p.tenant_version, &p.location_version, &p.tenant_snapshot_end,
                              &p.location_snapshot_end};
  std::optional<SnapshotKey>* keys[] = {&p.tenant_snapshot_key, &p.location_snapshot_key};
  for (int i = 0; i < fields; ++i) {
    auto dot = rest.find('.');
    bool last = i == fields - 1;
    if (last != (dot == std::string_view::npos)) return bad();
    std::string_view field = rest.substr(0, dot);
    if (i < 4 ? !parse_version(field, versions[i]) : !decode_key(field, keys[i - 4])) return bad();
    if (!last) rest = rest.substr(dot + 1);
  }
  if (v2 && !p.tenant_snapshot_key && !p.location_snapshot_key) return bad();  // that is v1
  if (!key_fits(p.tenant_snapshot_key, p.tenant_version, p.tenant_snapshot_end) ||
      !key_fits(p.location_snapshot_key, p.location_version, p.location_snapshot_end)) {
    return bad();
  }
  return p;
}

}  // namespace larder::sync
