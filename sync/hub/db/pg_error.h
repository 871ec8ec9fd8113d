// Turning libpq failures into Status (base/status.h).
//
// A PostgreSQL error becomes a Status whose message holds PostgreSQL's own
// text, its DETAIL when there is one, and "[SQLSTATE xxxxx]", and whose code
// says what the caller may do about it:
//   23505 unique_violation                  -> kAlreadyExists
//   other 23xxx integrity, 22xxx data       -> kInvalidArgument
//   42501 insufficient privilege / RLS      -> kPermissionDenied
//   40001, 40P01, 55P03, 57014, 08xxx, 57P0x -> kUnavailable (retry may work)
//   LD001..LD999 (raised by our own SQL)    -> see below
//   anything else (syntax errors, ...)      -> kInternal
// Our SQL raises SQLSTATEs of class "LD": LD400 bad input (kInvalidArgument),
// LD409 conflict (kConflict), LD412 refused state change (kFailedPrecondition).
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

struct pg_conn;
struct pg_result;

namespace larder::hub::db {

// The Status for a failed result (or, when result is null, for the
// connection's last error). context is prefixed, e.g. "reading the feed".
Status status_from_pg(const pg_conn* conn, const pg_result* result, const std::string& context);

// The SQLSTATE that status_from_pg put in a message, or "" when none.
std::string sqlstate_of(const Status& status);

// The Code for a SQLSTATE (exposed for tests).
Code code_for_sqlstate(std::string_view sqlstate);

}  // namespace larder::hub::db
