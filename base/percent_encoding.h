// Percent-encoding of a URI component (RFC 3986): every byte but the
// unreserved characters A-Z a-z 0-9 - _ . ~ becomes %XX (upper-case hex).
#pragma once

#include <string>
#include <string_view>

namespace larder {

std::string percent_encode(std::string_view component);

}  // namespace larder
