// Transaction: BEGIN IMMEDIATE on construction, ROLLBACK on destruction
// unless commit() succeeded (RAII; an early return or error never leaves a
// transaction open).
//
// begin() takes the write lock at once (IMMEDIATE), so a transaction never
// fails half-way with SQLITE_BUSY on its first write. With Durability::kFull
// the commit is fsynced before commit() returns (DESIGN.md decision 3).
//
// Thread safety: as the Database it runs on.
#pragma once

#include "storage/database.h"

namespace larder::storage {

class Transaction {
 public:
  static Result<Transaction> begin(Database& db, Durability durability = Durability::kNormal);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();

  // On failure the transaction is rolled back; the Status says why.
  Status commit();
  // Explicit rollback; later commit() is an error.
  void rollback();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;  // null once finished
};

}  // namespace larder::storage
