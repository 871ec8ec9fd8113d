// Percent-encoding and decoding of a URI component (RFC 3986): every byte but the
// unreserved characters A-Z a-z 0-9 - _ . ~ becomes %XX (upper-case hex).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace larder {

std::string percent_encode(std::string_view component);

// Decodes %XX escapes (and '+' as a space when `plus_is_space`, as in a query
// string). nullopt for a malformed escape.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

// "a=1&b=x%20y" -> {{"a","1"},{"b","x y"}}; nullopt when an escape is malformed.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_query(std::string_view query);

}  // namespace larder
