// Pieces every sync endpoint shares (docs/PROTOCOL.md): the JSON error
// answers, the mapping from a db-layer Status to an HTTP answer, reading the
// bearer token and authenticating it, bounded integer query parameters, and
// the conversion between the wire and db forms of a feed position.
//
// Thread safety: plain functions over their arguments.
#pragma once

#include <optional>
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
// and kResourceExhausted, else 500. Only a 400's message is sent, and only
// when it is the hub's own words: a Status carrying PostgreSQL's text (a
// SQLSTATE) is answered with a fixed message instead. `context` (what was
// being done, for which tenant: "push for tenant T") and the Status go into
// the answer's log_cause, which the server logs for every 5xx; a 400 with
// PostgreSQL's text is logged here.
http::Response from_status(const Status& s, std::string_view context);

// The token of "Authorization: Bearer <token>" (scheme in any case), or empty.
std::string bearer_token(const http::Request& req);

// 415 unless the request has exactly one Content-Type, application/json
// with at most a charset=utf-8 parameter (any case, quoted or not): the
// bodies are read as UTF-8 JSON. nullopt when acceptable.
std::optional<http::Response> refuse_non_json(const http::Request& req);

// The device the token belongs to; kPermissionDenied when empty, unknown or revoked.
Result<db::DeviceIdentity> authenticate(db::PgConnection& conn, const std::string& token);

// "device of tenant T" for the tenant a token names (its prefix), or "device
// of an unknown tenant": what a log line says before the token is checked.
std::string token_owner(const std::string& token);

// An optional integer query parameter: *out = fallback when absent or empty;
// false when it is not an integer in [min, max].
bool parse_int(const std::string* text, int min, int max, int fallback, int* out);

sync::FeedPosition to_wire(const db::FeedPosition& p);
db::FeedPosition from_wire(const sync::FeedPosition& p);

}  // namespace larder::hub
