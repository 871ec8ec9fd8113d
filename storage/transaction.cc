#include "storage/transaction.h"

namespace larder::storage {

Result<Transaction> Transaction::begin(Database& db, Durability durability) {
  LARDER_RETURN_IF_ERROR(db.set_durability(durability));
  LARDER_RETURN_IF_ERROR(db.exec("BEGIN IMMEDIATE"));
  return Transaction(&db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }

Transaction::~Transaction() { rollback(); }

Status Transaction::commit() {
  if (db_ == nullptr) return failed_precondition("commit of a transaction that already ended");
  Database* db = db_;
  Status s = db->exec("COMMIT");
  if (!s.is_ok()) {
    // A failed COMMIT may leave the transaction open (e.g. SQLITE_BUSY); end it.
    rollback();
    return s;
  }
  db_ = nullptr;
  return Status::ok();
}

void Transaction::rollback() {
  if (db_ == nullptr) return;
  if (db_->in_transaction()) {
    // ROLLBACK can only fail when no transaction is open, which we checked.
    (void)db_->exec("ROLLBACK");
  }
  db_ = nullptr;
}

}  // namespace larder::storage
