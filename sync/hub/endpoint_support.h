// Pieces every sync endpoint shares (docs/PROTOCOL.md): the JSON error
// answers, the mapping from a db-layer Status to an HTTP answer, reading the
// bearer token and authenticating it, bounded integer query parameters, and
// the conversion between the wire and db forms of a feed position.
//
// Thread safety: plain functions over their arguments.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "sync/hub/db/feed.h"
#include "sync/hub/db/pg_connection.h"
#include "sync/hub/db/provisioning.h"
#include "sync/hub/http/request.h"
#include "sync/hub/http/response.h"
#include "sync/protocol/cursor.h"

namespace larder::hub {

// {"error": {"code": code, "message": message}} with the status.
http::Response error(int status, std::string_view code, std::string_view message);

// 400 for kInvalidArgument, 401 for kPermissionDenied, 503 for kUnavailable
// and kResourceExhausted, else 500 (the message is not leaked).
http::Response from_status(const Status& s);

// The token after "Bearer ", or empty.
std::string bearer_token(const http::Request& req);

// The device the token belongs to; kPermissionDenied when empty, unknown or revoked.
Result<db::DeviceIdentity> authenticate(db::PgConnection& conn, const std::string& token);

// An optional integer query parameter: *out = fallback when absent or empty;
// false when it is not an integer in [min, max].
bool parse_int(const std::string* text, int min, int max, int fallback, int* out);

sync::FeedPosition to_wire(const db::FeedPosition& p);
db::FeedPosition from_wire(const sync::FeedPosition& p);

}  // namespace larder::hub
