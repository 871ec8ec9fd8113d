#include "sync/hub/db/transaction.h"

#include "base/uuid.h"

namespace larder::hub::db {

Result<Transaction> Transaction::begin(PgConnection& conn, TransactionOptions options) {
  std::string sql = "BEGIN ISOLATION LEVEL ";
  sql += options.isolation == Isolation::kRepeatableRead ? "REPEATABLE READ" : "READ COMMITTED";
  if (options.read_only) sql += " READ ONLY";
  LARDER_RETURN_IF_ERROR(conn.exec(sql).status());
  return Transaction(conn);
}

Result<Transaction> Transaction::begin_for_tenant(PgConnection& conn, std::string_view tenant_id,
                                                  TransactionOptions options) {
  if (!is_uuid(tenant_id)) {
    return invalid_argument("tenant id '" + std::string(tenant_id) + "' is not a UUID");
  }
  LARDER_ASSIGN_OR_RETURN(Transaction tx, begin(conn, options));
  LARDER_RETURN_IF_ERROR(
      tx.exec("SELECT set_config('larder.tenant_id', $1, true)", {std::string(tenant_id)})
          .status());
  return tx;
}

Transaction::Transaction(Transaction&& other) noexcept
    : conn_(other.conn_), open_(other.open_) {
  other.open_ = false;
}

Transaction::~Transaction() {
  if (open_) (void)rollback();
}

Status Transaction::commit() {
  if (!open_) return failed_precondition("commit of a finished transaction");
  open_ = false;
  LARDER_ASSIGN_OR_RETURN(PgResult result, conn_->exec("COMMIT"));
  // COMMIT of a transaction that an earlier error aborted "succeeds" with
  // the tag ROLLBACK; that must not look like a commit to the caller.
  if (result.command_tag() != "COMMIT") {
    return failed_precondition("COMMIT rolled back: an earlier statement failed");
  }
  return Status::ok();
}

Status Transaction::rollback() {
  if (!open_) return Status::ok();
  open_ = false;
  return conn_->exec("ROLLBACK").status();
}

}  // namespace larder::hub::db
