// What a location's opening_hours and timezone must be for larder-node to
// read them (its parser: node/menu/daypart.h). A location the node cannot
// parse makes its menu and order endpoints fail, so the hub refuses it when
// the location is written, with a message naming the field and the value.
//
//   opening_hours  a JSON object keyed by mon, tue, wed, thu, fri, sat, sun;
//                  each day an array (empty: closed that day) of
//                  ["HH:MM", "HH:MM"] spans: two digits, a colon, two
//                  digits; opening 00:00..23:59, closing 00:00..24:00 (at
//                  or before the opening: the span runs past midnight).
//                  {} means always open.
//   timezone       an IANA zone name in PostgreSQL's pg_timezone_names,
//                  exactly as listed (case-sensitive), except posix/...,
//                  right/..., posixrules and Factory (the node's tz
//                  database does not load them) and localtime (the
//                  device's own zone, not the location's).
//
// The same rules are SQL in migrations/006_location_node_format.sql (a
// trigger on locations, for every writer); location_rules_test.cc checks
// that both agree with each other and with the node's parser.
//
// Thread safety: functions; the ones taking a connection or transaction use
// it from the calling thread.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "sync/hub/db/pg_connection.h"
#include "sync/hub/db/transaction.h"

namespace larder::hub::db {

// "" when larder-node parses this opening_hours JSON text, else the first
// problem, e.g. `opening_hours.mon[0][0] is "25:00"; an opening time is
// "HH:MM" from 00:00 to 23:59`.
std::string opening_hours_problem(const std::string& json_text);

// "" when the name is not one of the refused families (posix/, right/,
// posixrules, Factory, localtime), else why. Says nothing about whether the
// zone exists: timezone_problem() asks PostgreSQL.
std::string timezone_name_problem(const std::string& timezone);

// "" when the zone is acceptable (the name rules, then pg_timezone_names),
// else why; an error Status only when the query fails.
Result<std::string> timezone_problem(Transaction& tx, const std::string& timezone);

// Stored locations that break these rules: rows written before migration
// 006 added the trigger (it checks only what is written from then on).
// Every tenant the connected role can list is read in its own RLS-scoped
// transaction: the schema owner lists all of them, the hub role none (then
// the answer is empty). The connection must not be inside a transaction.
struct LocationProblem {
  std::string tenant_id;
  std::string location_id;
  std::string problem;
};
Result<std::vector<LocationProblem>> find_location_problems(PgConnection& conn);

}  // namespace larder::hub::db
