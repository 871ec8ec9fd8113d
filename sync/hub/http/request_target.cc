#include "sync/hub/http/request_target.h"

namespace larder::hub::http {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// True when `path` has a "." or ".." segment.
bool has_dot_segment(std::string_view path) {
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    if (segment == "." || segment == "..") return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

Result<std::string> percent_decode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= in.size()) {
        return invalid_argument("truncated percent escape at offset " + std::to_string(i));
      }
      int hi = hex_value(in[i + 1]);
      int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) {
        return invalid_argument("bad percent escape at offset " + std::to_string(i));
      }
      char decoded = static_cast<char>(hi * 16 + lo);
      if (decoded == '\0') {
        return invalid_argument("percent escape decodes to NUL at offset " + std::to_string(i));
      }
      out.push_back(decoded);
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<RequestTarget> parse_request_target(std::string_view target) {
  if (target.empty() || target.front() != '/') {
    return invalid_argument("request target must start with '/'");
  }
  if (std::size_t hash = target.find('#'); hash != std::string_view::npos) {
    target = target.substr(0, hash);
  }
  std::string_view raw_path = target;
  std::string_view raw_query;
  if (std::size_t q = target.find('?'); q != std::string_view::npos) {
    raw_path = target.substr(0, q);
    raw_query = target.substr(q + 1);
  }

  RequestTarget out;
  auto path = percent_decode(raw_path, /*plus_is_space=*/false);
  if (!path.is_ok()) return path.status().with_context("in the request path");
  out.path = std::move(path).value();
  if (has_dot_segment(out.path)) {
    return invalid_argument("request path must not hold '.' or '..' segments");
  }

  std::size_t start = 0;
  while (start < raw_query.size()) {
    std::size_t end = raw_query.find('&', start);
    if (end == std::string_view::npos) end = raw_query.size();
    std::string_view piece = raw_query.substr(start, end - start);
    start = end + 1;
    if (piece.empty()) continue;
    std::string_view raw_name = piece;
    std::string_view raw_value;
    if (std::size_t eq = piece.find('='); eq != std::string_view::npos) {
      raw_name = piece.substr(0, eq);
      raw_value = piece.substr(eq + 1);
    }
    auto name = percent_decode(raw_name, /*plus_is_space=*/true);
    if (!name.is_ok()) return name.status().with_context("in a query parameter name");
    auto value = percent_decode(raw_value, /*plus_is_space=*/true);
    if (!value.is_ok()) {
      return value.status().with_context("in query parameter '" + name.value() + "'");
    }
    out.query.emplace_back(std::move(name).value(), std::move(value).value());
  }
  return out;
}

}  // namespace larder::hub::http
