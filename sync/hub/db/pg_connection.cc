#include "sync/hub/db/pg_connection.h"

#include <libpq-fe.h>

#include <utility>

#include "sync/hub/db/pg_error.h"

namespace larder::hub::db {
namespace {

// The first words of a statement, for error context (never its parameters).
std::string describe(std::string_view sql) {
  std::string head;
  for (char c : sql.substr(0, 60)) head += (c == '\n' || c == '\t') ? ' ' : c;
  return "query `" + head + (sql.size() > 60 ? "...`" : "`");
}

void ignore_notice(void*, const PGresult*) {}

}  // namespace

Result<PgConnection> PgConnection::connect(const std::string& conninfo) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (conn == nullptr) return unavailable("connecting to PostgreSQL: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    Status s = status_from_pg(conn, nullptr, "connecting to PostgreSQL");
    PQfinish(conn);
    return Status(Code::kUnavailable, s.message());
  }
  // NOTICEs (e.g. "relation already exists, skipping") are not errors and
  // would otherwise go to stderr.
  PQsetNoticeReceiver(conn, ignore_notice, nullptr);
  return PgConnection(conn);
}

PgConnection::PgConnection(PgConnection&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)) {}

PgConnection& PgConnection::operator=(PgConnection&& other) noexcept {
  if (this != &other) {
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = std::exchange(other.conn_, nullptr);
  }
  return *this;
}

PgConnection::~PgConnection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

Result<PgResult> PgConnection::exec(std::string_view sql, const PgParams& params) {
  if (conn_ == nullptr) return failed_precondition("exec on a moved-from PgConnection");
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  std::string text(sql);
  PGresult* raw = PQexecParams(conn_, text.c_str(), static_cast<int>(values.size()), nullptr,
                               values.data(), nullptr, nullptr, 0);
  ExecStatusType st = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    Status s = status_from_pg(conn_, raw, describe(sql));
    PQclear(raw);
    return s;
  }
  return PgResult(raw);
}

Status PgConnection::exec_script(const std::string& sql) {
  if (conn_ == nullptr) return failed_precondition("exec on a moved-from PgConnection");
  // PQexec returns only the last result; an error stops the script there.
  PGresult* raw = PQexec(conn_, sql.c_str());
  ExecStatusType st = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  Status s;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
    s = status_from_pg(conn_, raw, "running SQL script");
  }
  PQclear(raw);
  return s;
}

bool PgConnection::is_connected() const {
  return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK;
}

bool PgConnection::is_reusable() const {
  return is_connected() && PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

}  // namespace larder::hub::db
