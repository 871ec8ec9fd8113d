#include "sync/hub/db/pg_error.h"

#include <libpq-fe.h>

namespace larder::hub::db {

Code code_for_sqlstate(std::string_view s) {
  if (s.size() != 5) return Code::kUnavailable;  // no SQLSTATE: the connection failed
  if (s == "23505") return Code::kAlreadyExists;
  if (s.substr(0, 2) == "23" || s.substr(0, 2) == "22") return Code::kInvalidArgument;
  if (s == "42501") return Code::kPermissionDenied;
  if (s == "40001" || s == "40P01" || s == "55P03" || s == "57014") return Code::kUnavailable;
  if (s.substr(0, 2) == "08" || s.substr(0, 3) == "57P" || s.substr(0, 2) == "53") {
    return Code::kUnavailable;
  }
  if (s == "LD400") return Code::kInvalidArgument;
  if (s == "LD409") return Code::kConflict;
  if (s == "LD412") return Code::kFailedPrecondition;
  return Code::kInternal;
}

Status status_from_pg(const pg_conn* conn, const pg_result* result, const std::string& context) {
  std::string message;
  std::string sqlstate;
  if (result != nullptr) {
    const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL);
    const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    if (primary != nullptr) message = primary;
    if (detail != nullptr) message += std::string(" (") + detail + ")";
    if (state != nullptr) sqlstate = state;
    if (message.empty()) message = PQresultErrorMessage(result);
  }
  if (message.empty() && conn != nullptr) message = PQerrorMessage(conn);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  if (message.empty()) message = "unknown PostgreSQL error";
  if (!sqlstate.empty()) message += " [SQLSTATE " + sqlstate + "]";
  if (conn != nullptr && PQstatus(conn) != CONNECTION_OK && sqlstate.empty()) {
    message += " [connection lost]";
  }
  return Status(code_for_sqlstate(sqlstate), context.empty() ? message : context + ": " + message);
}

std::string sqlstate_of(const Status& status) {
  const std::string& m = status.message();
  auto at = m.rfind("[SQLSTATE ");
  if (at == std::string::npos || at + 15 > m.size()) return "";
  return m.substr(at + 10, 5);
}

}  // namespace larder::hub::db
