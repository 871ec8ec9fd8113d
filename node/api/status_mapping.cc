// error_for_status() and valid_identifier(): how NodeService answers and path
// ids become HTTP, shared by every route handler.
#include <algorithm>

#include "node/api/route_handlers.h"
#include "node/pricing/field_error.h"

namespace larder::node::api {

bool valid_identifier(std::string_view id) {
  return !id.empty() && id.size() <= 64 &&
         std::all_of(id.begin(), id.end(), [](char c) { return c >= 0x21 && c <= 0x7e; });
}

ApiResponse error_for_status(const Status& status, const std::string& tenant, const Logger& log) {
  // Messages are written here, not copied from the Status: those name files,
  // SQLite errors and keys, which are the operator's business, not the screen's.
  switch (status.code()) {
    case Code::kNotFound:
      return error_response(404, "unknown_tenant",
                            "no tenant " + pricing::quoted(tenant) + " is served by this node");
    case Code::kFailedPrecondition:
      return error_response(503, "not_ready",
                            "tenant " + pricing::quoted(tenant) +
                                " has no menu on this node yet; it is still syncing")
          .set_header("Retry-After", "5");
    case Code::kUnavailable:
    case Code::kResourceExhausted:
      if (log) log("local API: tenant " + tenant + ": " + status.to_string());
      return error_response(503, "unavailable",
                            "the node is busy or its storage is failing; try again shortly")
          .set_header("Retry-After", "2");
    case Code::kConflict:
      return error_response(409, "idempotency_key_reused",
                            "this Idempotency-Key was already used for a different order;"
                            " use a new key for a new order");
    default:
      if (log) log("local API: tenant " + tenant + ": internal error: " + status.to_string());
      return error_response(500, "internal",
                            "the node could not complete the request; the error is in its log");
  }
}

}  // namespace larder::node::api
