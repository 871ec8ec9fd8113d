// Database: an open SQLCipher database file (RAII; closed on destruction).
//
// open() applies the key before anything is read, proves the key by reading
// the schema, and only then sets WAL mode, foreign keys and the busy timeout.
// A wrong key is kPermissionDenied and the file is left byte-for-byte
// unchanged, its WAL too if a crash left one (nothing is written before the
// key is proven, and a refused connection closes without checkpointing). An empty key opens
// a plain, unencrypted SQLite database: only the benchmarks' reference uses it.
//
// Page size (storage/FORMAT.md): a new encrypted file gets
// OpenOptions::page_size (kPageSize, 1 KiB: every page a commit touches is
// written whole to the WAL, so small pages mean few bytes per order on the SD
// card). SQLCipher cannot read the page size from an encrypted file, so an
// existing file is opened with each known size in turn (the configured one,
// then kLegacyPageSize, SQLCipher's default that files made before schema v4
// have): the wrong size fails the page-1 HMAC check, like a wrong key, and
// writes nothing. A plain file gets the same page size when it is created.
//
// Durability (DESIGN.md decision 3): the connection runs synchronous=NORMAL
// in WAL mode (a commit is atomic, and durable at the next sync); a
// Transaction begun with Durability::kFull sets synchronous=FULL for its
// commit, so the WAL is fsynced before commit() returns. Orders use kFull.
//
// Errors carry the database's label (the tenant id), the operation, the SQL
// and SQLite's own message. SQLite result codes map to Status codes:
// BUSY/LOCKED/IOERR -> kUnavailable, NOTADB -> kPermissionDenied,
// CORRUPT -> kDataLoss, FULL -> kResourceExhausted, CONSTRAINT -> kConflict
// for UNIQUE/PRIMARY KEY and kInvalidArgument otherwise.
//
// Thread safety: none. One Database is used by one thread or strand at a
// time; open one Database per thread that needs the file.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/status.h"
#include "storage/secret_key.h"
#include "storage/statement.h"

struct sqlite3;

namespace larder::storage {

enum class Durability {
  kNormal,  // atomic; may be lost in a power cut until the next sync
  kFull,    // fsynced before commit returns
};

// The page size of new files, and the one files made before it have.
inline constexpr int kPageSize = 1024;
inline constexpr int kLegacyPageSize = 4096;

struct OpenOptions {
  std::string label;           // who this database is for, in every error ("tenant acme")
  std::string vfs;             // SQLite VFS name; empty = the default VFS
  bool create = true;          // create the file when it does not exist
  int busy_timeout_ms = 5000;  // how long to wait for another connection's lock
  bool encrypted = true;       // false only for the plain-SQLite benchmark reference
  int cache_kib = 8192;        // page cache per connection; a hit needs no decryption
  int spill_kib = 32768;       // dirty pages one transaction keeps before writing them early
  int page_size = kPageSize;   // of a new file (a power of two, 512..65536); see above
};

class Database {
 public:
  static Result<std::unique_ptr<Database>> open(const std::string& path, const SecretKey& key,
                                                const OpenOptions& options);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements that return no rows.
  Status exec(std::string_view sql);
  // A cached prepared statement, reset and with cleared bindings.
  Result<StatementLease> prepare(std::string_view sql);
  // A single integer from a query such as "SELECT count(*) FROM t" or "PRAGMA user_version".
  Result<std::int64_t> query_int(std::string_view sql);
  // A single text value (first column of the first row); empty when NULL or no row.
  Result<std::string> query_text(std::string_view sql);

  // Re-encrypts every page under the new key (one transaction; atomic).
  Status rekey(const SecretKey& new_key);
  // "ok" checks: PRAGMA integrity_check and (encrypted) PRAGMA cipher_integrity_check.
  Status check_integrity();
  // Sets synchronous for the next transactions (outside a transaction only).
  Status set_durability(Durability d);
  // The file's page size in bytes.
  Result<int> page_size();

  std::int64_t last_insert_rowid() const;
  int changes() const;
  bool in_transaction() const;
  const std::string& label() const { return options_.label; }
  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_; }

  // A Status for a failed SQLite call: "<label>: <op>: <sqlite message> (<code name>)".
  Status error(int rc, std::string_view op) const;

 private:
  Database(sqlite3* db, std::string path, OpenOptions options);
  // One attempt to open an encrypted file (or create it) with this page size;
  // kPermissionDenied when page 1 does not decrypt.
  static Result<std::unique_ptr<Database>> open_encrypted(const std::string& path,
                                                          const SecretKey& key,
                                                          const OpenOptions& options,
                                                          int page_size);
  static Result<std::unique_ptr<Database>> open_connection(const std::string& path,
                                                           const OpenOptions& options);
  Status configure();

  sqlite3* db_;
  std::string path_;
  OpenOptions options_;
  Durability durability_ = Durability::kNormal;
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
};

}  // namespace larder::storage
