// PgConnection: one libpq connection (RAII over PGconn), for the hub.
//
// exec() runs one statement with the extended protocol and text parameters
// ($1, $2, ...; std::nullopt is SQL NULL), so values never need quoting.
// exec_script() runs several statements with the simple protocol (no
// parameters), for migrations. Both return PostgreSQL's error as a Status
// (sync/hub/db/pg_error.h: message, DETAIL, SQLSTATE).
//
// Thread safety: a PgConnection is used by one thread at a time (libpq's
// rule); it may be moved between threads. The pool (pg_pool.h) hands out
// connections so that this holds.
// Ownership: the object owns the PGconn and closes it on destruction.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "sync/hub/db/pg_result.h"

struct pg_conn;

namespace larder::hub::db {

using PgParam = std::optional<std::string>;
using PgParams = std::vector<PgParam>;

class PgConnection {
 public:
  // Connects (blocking). The error names the host/port from conninfo's
  // failure text, never a password (libpq does not echo it).
  static Result<PgConnection> connect(const std::string& conninfo);

  PgConnection(PgConnection&& other) noexcept;
  PgConnection& operator=(PgConnection&& other) noexcept;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;
  ~PgConnection();

  // One statement, text parameters, text results.
  Result<PgResult> exec(std::string_view sql, const PgParams& params = {});
  // Several statements, no parameters; stops at the first error.
  Status exec_script(const std::string& sql);

  // The connection is up and not inside a transaction: safe to reuse.
  bool is_reusable() const;
  // The connection is up (it may be inside a transaction).
  bool is_connected() const;

  // For the change listener (socket, notifications). Not owned by the caller.
  pg_conn* raw() { return conn_; }

 private:
  explicit PgConnection(pg_conn* conn) : conn_(conn) {}
  pg_conn* conn_ = nullptr;
};

}  // namespace larder::hub::db
