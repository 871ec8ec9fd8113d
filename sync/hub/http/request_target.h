// Splitting an HTTP request target into a decoded path and query parameters.
//
// Pure functions over strings (no sockets, no Boost): the fuzz targets build
// this file alone. Percent-decoding is strict, because a lenient decoder
// would let "%zz" or a stray "%" reach a handler as something it did not
// send: malformed escapes are an error, which the server answers with 400.
//
// Thread safety: none needed (pure functions).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace larder::hub::http {

// Query parameters in the order they appeared; a name may repeat.
using QueryParams = std::vector<std::pair<std::string, std::string>>;

struct RequestTarget {
  std::string path;   // percent-decoded; always starts with '/'
  QueryParams query;  // names and values percent-decoded, '+' read as a space
};

// Decodes %XX escapes. When `plus_is_space`, '+' becomes ' ' (the
// application/x-www-form-urlencoded rule used in query strings, not in paths).
// Fails with kInvalidArgument on a truncated or non-hex escape, and on an
// escape that decodes to NUL (no handler wants one; C APIs would truncate).
Result<std::string> percent_decode(std::string_view in, bool plus_is_space);

// Parses an origin-form target ("/v1/pull?cursor=abc&wait=30"). Fails with
// kInvalidArgument when the target does not start with '/' (absolute-form
// and authority-form are not served), when the decoded path holds a "/../"
// or "/./" segment (no handler wants them and they confuse prefix checks),
// or when an escape is malformed. "a&&b=" yields {"a",""} and {"b",""};
// empty pieces between '&' are skipped. A fragment ('#...') is dropped.
Result<RequestTarget> parse_request_target(std::string_view target);

}  // namespace larder::hub::http
