#include "sync/protocol/pull_reader.h"

#include <charconv>
#include <cstdint>
#include <cstring>

#include "sync/protocol/cursor.h"

namespace larder::sync {
namespace {

using nlohmann::json;

// Limits of read_pull_response()'s JsonReader calls, which this must match.
constexpr std::size_t kMaxChanges = 1'000'000;
constexpr std::size_t kMaxTable = 64;
constexpr std::size_t kMaxOp = 8;

class Lexer {
 public:
  explicit Lexer(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  void skip_ws() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }
  bool at_end() {
    skip_ws();
    return p_ == end_;
  }
  // Consumes `c` (after whitespace) when it is next.
  bool take(char c) {
    skip_ws();
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }
  char peek() {
    skip_ws();
    return p_ < end_ ? *p_ : '\0';
  }

  // A string (the opening quote next), unescaped and UTF-8-checked.
  bool string(std::string* out) {
    if (!take('"')) return false;
    out->clear();
    for (;;) {
      const char* run = p_;
      while (p_ < end_) {
        const unsigned char c = static_cast<unsigned char>(*p_);
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
        ++p_;
      }
      out->append(run, static_cast<std::size_t>(p_ - run));
      if (p_ == end_) return false;
      const unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c < 0x20) return false;
      if (c >= 0x80) {
        if (!utf8_sequence(out)) return false;
        continue;
      }
      if (!escape(out)) return false;
    }
  }

  // Any value, as nlohmann builds it.
  bool value(json* out, int depth) {
    switch (peek()) {
      case '"': {
        std::string s;
        if (!string(&s)) return false;
        *out = std::move(s);
        return true;
      }
      case '{':
        return object(out, depth);
      case '[':
        return array(out, depth);
      case 't':
        return literal("true", json(true), out);
      case 'f':
        return literal("false", json(false), out);
      case 'n':
        return literal("null", json(nullptr), out);
      default:
        return number(out);
    }
  }

  bool object(json* out, int depth) {
    if (depth >= kFastReaderMaxDepth || !take('{')) return false;
    *out = json::object();
    json::object_t& members = out->get_ref<json::object_t&>();
    if (take('}')) return true;
    std::string key;
    do {
      if (!string(&key) || !take(':')) return false;
      json v;
      if (!value(&v, depth + 1)) return false;
      members[key] = std::move(v);  // a repeated member keeps the last, as nlohmann does
    } while (take(','));
    return take('}');
  }

  bool array(json* out, int depth) {
    if (depth >= kFastReaderMaxDepth || !take('[')) return false;
    *out = json::array();
    json::array_t& elements = out->get_ref<json::array_t&>();
    if (take(']')) return true;
    do {
      json v;
      if (!value(&v, depth + 1)) return false;
      elements.push_back(std::move(v));
    } while (take(','));
    return take(']');
  }

 private:
  bool literal(const char* word, json v, json* out) {
    const std::size_t n = std::strlen(word);
    if (static_cast<std::size_t>(end_ - p_) < n || std::memcmp(p_, word, n) != 0) return false;
    p_ += n;
    *out = std::move(v);
    return true;
  }

  // JSON's number grammar; integers that fit 64 bits as nlohmann stores
  // them, anything else with a fraction or exponent as double. Integers
  // beyond 64 bits are left to the full reader.
  bool number(json* out) {
    const char* start = p_;
    const char* q = p_;
    const bool negative = q < end_ && *q == '-';
    if (negative) ++q;
    if (q == end_ || *q < '0' || *q > '9') return false;
    if (*q == '0') {
      ++q;
    } else {
      while (q < end_ && *q >= '0' && *q <= '9') ++q;
    }
    bool integer = true;
    if (q < end_ && *q == '.') {
      integer = false;
      ++q;
      if (q == end_ || *q < '0' || *q > '9') return false;
      while (q < end_ && *q >= '0' && *q <= '9') ++q;
    }
    if (q < end_ && (*q == 'e' || *q == 'E')) {
      integer = false;
      ++q;
      if (q < end_ && (*q == '+' || *q == '-')) ++q;
      if (q == end_ || *q < '0' || *q > '9') return false;
      while (q < end_ && *q >= '0' && *q <= '9') ++q;
    }
    p_ = q;
    if (integer) {
      if (negative) {
        std::int64_t v = 0;
        auto [e, ec] = std::from_chars(start, q, v);
        if (ec != std::errc() || e != q) return false;
        *out = v;
      } else {
        std::uint64_t v = 0;
        auto [e, ec] = std::from_chars(start, q, v);
        if (ec != std::errc() || e != q) return false;
        *out = v;
      }
      return true;
    }
    double d = 0;
    auto [e, ec] = std::from_chars(start, q, d);
    if (ec != std::errc() || e != q) return false;
    *out = d;
    return true;
  }

  static void append_utf8(std::uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
      out->push_back(static_cast<char>(0xf0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
  }

  bool hex4(std::uint32_t* out) {
    if (end_ - p_ < 4) return false;
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = *p_++;
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        return false;
      }
    }
    *out = v;
    return true;
  }

  // After a backslash: one escape, appended.
  bool escape(std::string* out) {
    ++p_;  // the backslash
    if (p_ == end_) return false;
    const char c = *p_++;
    switch (c) {
      case '"':
        out->push_back('"');
        return true;
      case '\\':
        out->push_back('\\');
        return true;
      case '/':
        out->push_back('/');
        return true;
      case 'b':
        out->push_back('\b');
        return true;
      case 'f':
        out->push_back('\f');
        return true;
      case 'n':
        out->push_back('\n');
        return true;
      case 'r':
        out->push_back('\r');
        return true;
      case 't':
        out->push_back('\t');
        return true;
      case 'u':
        break;
      default:
        return false;
    }
    std::uint32_t cp = 0;
    if (!hex4(&cp)) return false;
    if (cp >= 0xdc00 && cp <= 0xdfff) return false;  // a lone low surrogate
    if (cp >= 0xd800 && cp <= 0xdbff) {
      std::uint32_t low = 0;
      if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
      p_ += 2;
      if (!hex4(&low) || low < 0xdc00 || low > 0xdfff) return false;
      cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
    }
    append_utf8(cp, out);
    return true;
  }

  // One multi-byte UTF-8 sequence, checked (no overlong forms, no
  // surrogates, nothing above U+10FFFF), appended as it is.
  bool utf8_sequence(std::string* out) {
    const unsigned char c = static_cast<unsigned char>(*p_);
    int len = 0;
    std::uint32_t cp = 0;
    if ((c >> 5) == 0x6) {
      len = 2;
      cp = c & 0x1f;
    } else if ((c >> 4) == 0xe) {
      len = 3;
      cp = c & 0x0f;
    } else if ((c >> 3) == 0x1e) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (end_ - p_ < len) return false;
    for (int i = 1; i < len; ++i) {
      const unsigned char cc = static_cast<unsigned char>(p_[i]);
      if ((cc >> 6) != 0x2) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    out->append(p_, static_cast<std::size_t>(len));
    p_ += len;
    return true;
  }

  const char* p_;
  const char* end_;
};

// One element of "changes".
bool change(Lexer& lex, Change* c) {
  if (!lex.take('{')) return false;
  bool has_table = false, has_op = false, has_key = false, has_row = false;
  std::string op, name;
  json row;
  if (lex.take('}')) return false;  // table, op and key are required
  do {
    if (!lex.string(&name) || !lex.take(':')) return false;
    if (name == "table") {
      if (has_table || !lex.string(&c->table)) return false;
      has_table = true;
    } else if (name == "op") {
      if (has_op || !lex.string(&op)) return false;
      has_op = true;
    } else if (name == "key") {
      if (has_key || lex.peek() != '{' || !lex.object(&c->key, 1)) return false;
      has_key = true;
    } else if (name == "row") {
      if (has_row || lex.peek() != '{' || !lex.object(&row, 1)) return false;
      has_row = true;
    } else {
      return false;  // unknown: the full reader names it
    }
  } while (lex.take(','));
  if (!lex.take('}')) return false;
  if (!has_table || !has_op || !has_key) return false;
  if (c->table.empty() || c->table.size() > kMaxTable || op.empty() || op.size() > kMaxOp) {
    return false;
  }
  if (op == "upsert") {
    if (!has_row) return false;
    c->is_delete = false;
    c->row = std::move(row);
    return true;
  }
  if (op == "delete") {
    if (has_row) return false;  // a delete carries no row: the full reader says so
    c->is_delete = true;
    c->row = json();
    return true;
  }
  return false;
}

}  // namespace

bool read_pull_response_fast(std::string_view body, PullResponse* out) {
  Lexer lex(body);
  *out = PullResponse{};
  bool has_changes = false, has_cursor = false, has_more = false;
  std::string name;
  if (!lex.take('{') || lex.take('}')) return false;
  do {
    if (!lex.string(&name) || !lex.take(':')) return false;
    if (name == "changes") {
      if (has_changes || !lex.take('[')) return false;
      has_changes = true;
      if (!lex.take(']')) {
        do {
          if (out->changes.size() >= kMaxChanges) return false;
          Change c;
          if (!change(lex, &c)) return false;
          out->changes.push_back(std::move(c));
        } while (lex.take(','));
        if (!lex.take(']')) return false;
      }
    } else if (name == "cursor") {
      if (has_cursor || !lex.string(&out->cursor)) return false;
      has_cursor = true;
    } else if (name == "more") {
      if (has_more) return false;
      has_more = true;
      json v;
      if (!lex.value(&v, 1) || !v.is_boolean()) return false;
      out->more = v.get<bool>();
    } else {
      return false;
    }
  } while (lex.take(','));
  if (!lex.take('}') || !lex.at_end()) return false;
  if (!has_changes || !has_cursor || !has_more) return false;
  return !out->cursor.empty() && out->cursor.size() <= kMaxCursorLength;
}

}  // namespace larder::sync
