#include "sync/hub/http/request.h"

#include <strings.h>

namespace larder::hub::http {

const std::string* Request::query_param(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return &v;
  }
  return nullptr;
}

namespace {
bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}
}  // namespace

const std::string* Request::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (same_name(k, name)) return &v;
  }
  return nullptr;
}

std::size_t Request::header_count(std::string_view name) const {
  std::size_t n = 0;
  for (const auto& [k, v] : headers) n += same_name(k, name) ? 1 : 0;
  return n;
}

std::string Request::bearer_token() const {
  const std::string* h = header("Authorization");
  constexpr std::string_view kScheme = "bearer";
  if (h == nullptr || h->size() <= kScheme.size() ||
      !same_name(std::string_view(*h).substr(0, kScheme.size()), kScheme) ||
      (*h)[kScheme.size()] != ' ') {
    return {};
  }
  std::size_t begin = h->find_first_not_of(' ', kScheme.size());
  if (begin == std::string::npos) return {};
  std::size_t end = h->find_last_not_of(' ');
  return h->substr(begin, end + 1 - begin);
}

}  // namespace larder::hub::http
