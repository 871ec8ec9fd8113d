// Transaction: BEGIN ... COMMIT on a PgConnection, rolled back unless
// committed (RAII), optionally scoped to one tenant.
//
// Tenant scoping (DESIGN.md decision 9): begin_for_tenant() runs
// set_config('larder.tenant_id', <tenant>, true) as the first statement, so
// the setting lives exactly as long as the transaction. That is what makes
// the hub correct behind PgBouncer in transaction mode: a session-level SET
// would leak to whichever client gets the server connection next. The RLS
// policies read this setting; without it every table shows 0 rows.
//
// On failure of any statement PostgreSQL aborts the transaction; the
// destructor's ROLLBACK then ends it. If the connection broke, the
// rollback fails quietly and the pool discards the connection.
//
// Thread safety: as PgConnection (one thread at a time). The Transaction
// borrows the connection, which must outlive it.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "sync/hub/db/pg_connection.h"

namespace larder::hub::db {

enum class Isolation { kReadCommitted, kRepeatableRead };

struct TransactionOptions {
  Isolation isolation = Isolation::kReadCommitted;
  bool read_only = false;
};

class Transaction {
 public:
  // BEGIN without a tenant (admin work; RLS then shows no tenant rows).
  static Result<Transaction> begin(PgConnection& conn, TransactionOptions options = {});
  // BEGIN, then scope to tenant_id (must be a UUID: kInvalidArgument if not).
  static Result<Transaction> begin_for_tenant(PgConnection& conn, std::string_view tenant_id,
                                              TransactionOptions options = {});

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  Result<PgResult> exec(std::string_view sql, const PgParams& params = {}) {
    return conn_->exec(sql, params);
  }
  // COMMIT. After it (success or not) the transaction is finished.
  Status commit();
  // ROLLBACK now (the destructor does it otherwise).
  Status rollback();

  PgConnection& connection() { return *conn_; }

 private:
  explicit Transaction(PgConnection& conn) : conn_(&conn) {}
  PgConnection* conn_;
  bool open_ = true;
};

}  // namespace larder::hub::db
