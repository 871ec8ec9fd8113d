#include "node/pricing/field_error.h"

#include <cstdio>

namespace larder::pricing {
namespace {

// Longest key echoed in a path: enough to recognise it, bounded so a
// megabyte-long key does not come back in the answer.
constexpr std::size_t kMaxKeyEcho = 40;

bool is_identifier(std::string_view key) {
  if (key.empty() || key.size() > kMaxKeyEcho) return false;
  for (std::size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (!alpha && !(digit && i > 0)) return false;
  }
  return true;
}

// Cuts at most `limit` bytes without splitting a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

}  // namespace

std::string describe(const std::vector<FieldError>& errors) {
  std::string out;
  for (const FieldError& e : errors) {
    if (!out.empty()) out += "; ";
    out += e.path.empty() ? "(body)" : e.path;
    out += ": ";
    out += e.message;
  }
  return out;
}

void ErrorList::add(std::string path, std::string message) {
  ++found_;
  if (kept_.size() < kMaxErrors) kept_.push_back({std::move(path), std::move(message)});
}

std::vector<FieldError> ErrorList::take() && {
  if (found_ > kept_.size()) {
    kept_.push_back({"", "and " + std::to_string(found_ - kept_.size()) +
                             " more errors not listed (fix the ones above first)"});
  }
  return std::move(kept_);
}

std::string member_path(std::string_view parent, std::string_view key) {
  std::string out(parent);
  if (is_identifier(key)) {
    if (!out.empty()) out += '.';
    out += key;
    return out;
  }
  std::string_view shown = utf8_prefix(key, kMaxKeyEcho);
  std::string inner = quoted(shown);
  if (shown.size() < key.size()) inner.insert(inner.size() - 1, "...");
  out += '[';
  out += inner;
  out += ']';
  return out;
}

std::string index_path(std::string_view parent, std::size_t index) {
  std::string out(parent);
  out += '[';
  out += std::to_string(index);
  out += ']';
  return out;
}

std::string quoted(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(u));
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

}  // namespace larder::pricing
