#include "storage/database.h"

#include <sqlite3.h>
#include <sys/stat.h>

namespace larder::storage {
namespace {

Code code_for(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
      return Code::kUnavailable;
    case SQLITE_NOTADB:
      return Code::kPermissionDenied;
    case SQLITE_CORRUPT:
      return Code::kDataLoss;
    case SQLITE_FULL:
      return Code::kResourceExhausted;
    case SQLITE_CANTOPEN:
      return Code::kNotFound;
    case SQLITE_CONSTRAINT:
      return (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
                 ? Code::kConflict
                 : Code::kInvalidArgument;
    case SQLITE_MISUSE:
      return Code::kInternal;
    default:
      return Code::kInternal;
  }
}

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

Database::Database(sqlite3* db, std::string path, OpenOptions options)
    : db_(db), path_(std::move(path)), options_(std::move(options)) {}

Database::~Database() {
  cache_.clear();  // statements must be finalized before the connection closes
  sqlite3_close_v2(db_);
}

Status Database::error(int rc, std::string_view op) const {
  std::string msg = options_.label.empty() ? path_ : options_.label;
  msg += ": ";
  msg += op;
  msg += ": ";
  msg += (db_ != nullptr) ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  msg += " (";
  msg += sqlite3_errstr(rc);
  msg += ")";
  return Status(code_for(rc), msg);
}

Result<std::unique_ptr<Database>> Database::open(const std::string& path, const SecretKey& key,
                                                 const OpenOptions& options) {
  const std::string who = options.label.empty() ? path : options.label;
  if (!options.create && !file_exists(path)) {
    return not_found(who + ": database file " + path + " does not exist");
  }
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  if (options.create) flags |= SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags,
                           options.vfs.empty() ? nullptr : options.vfs.c_str());
  std::unique_ptr<Database> db(new Database(raw, path, options));
  if (rc != SQLITE_OK) return db->error(rc, "opening " + path);

  if (options.encrypted) {
    // The key goes in before any page is read; SQLCipher then decrypts every
    // page it reads and encrypts every page it writes.
    std::string raw_key = key.sqlcipher_raw_key();
    rc = sqlite3_key_v2(raw, "main", raw_key.data(), static_cast<int>(raw_key.size()));
    wipe(raw_key);
    if (rc != SQLITE_OK) return db->error(rc, "applying the key to " + path);
    // Part of the file format (storage/FORMAT.md): page HMACs use SHA-256,
    // which x86 (SHA-NI) and ARMv8 crypto extensions accelerate; SQLCipher 4's
    // default SHA-512 is not accelerated on ARMv8.0 boards and costs twice as
    // much per page here.
    LARDER_RETURN_IF_ERROR(db->exec("PRAGMA cipher_hmac_algorithm = HMAC_SHA256"));
    // A build without SQLITE_HAS_CODEC ignores keys silently: refuse it.
    LARDER_ASSIGN_OR_RETURN(std::string cipher, db->query_text("PRAGMA cipher_version"));
    if (cipher.empty()) {
      return internal_error(who + ": SQLCipher's codec is missing from this build; refusing to "
                                  "store data unencrypted");
    }
  }
  // Proves the key: the first read of page 1 fails with NOTADB when it is wrong.
  rc = sqlite3_exec(raw, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr);
  if (rc == SQLITE_NOTADB) {
    return permission_denied(who + ": the key does not open " + path +
                             " (wrong key, or not a Larder database); the file was not changed");
  }
  if (rc != SQLITE_OK) return db->error(rc, "reading the schema of " + path);
  LARDER_RETURN_IF_ERROR(db->configure());
  return db;
}

Status Database::configure() {
  sqlite3_busy_timeout(db_, options_.busy_timeout_ms);
  LARDER_ASSIGN_OR_RETURN(std::string mode, query_text("PRAGMA journal_mode=WAL"));
  if (mode != "wal") {
    return failed_precondition(label() + ": could not switch " + path_ +
                               " to WAL mode (journal_mode is " + mode + ")");
  }
  LARDER_RETURN_IF_ERROR(exec("PRAGMA foreign_keys=ON"));
  LARDER_RETURN_IF_ERROR(exec("PRAGMA cache_size=-" + std::to_string(options_.cache_kib)));
  LARDER_RETURN_IF_ERROR(exec("PRAGMA synchronous=NORMAL"));
  durability_ = Durability::kNormal;
  return Status::ok();
}

Status Database::exec(std::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (err != nullptr) sqlite3_free(err);
  if (rc != SQLITE_OK) return error(rc, text.size() > 200 ? text.substr(0, 200) + "..." : text);
  return Status::ok();
}

Result<StatementLease> Database::prepare(std::string_view sql) {
  std::string key(sql);
  auto it = cache_.find(key);
  if (it != cache_.end() && !it->second->busy()) {
    it->second->reset();
    return StatementLease(it->second.get(), nullptr);
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, key.c_str(), static_cast<int>(key.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return error(rc, "preparing " + key);
  auto owned = std::make_unique<Statement>(this, stmt, key);
  if (it != cache_.end()) {
    // The cached one is in use (nested use of the same SQL): lend a fresh one.
    return StatementLease(nullptr, std::move(owned));
  }
  Statement* cached = owned.get();
  cache_.emplace(std::move(key), std::move(owned));
  return StatementLease(cached, nullptr);
}

Result<std::int64_t> Database::query_int(std::string_view sql) {
  LARDER_ASSIGN_OR_RETURN(StatementLease stmt, prepare(sql));
  LARDER_ASSIGN_OR_RETURN(bool row, stmt->step());
  if (!row) return not_found(label() + ": no row from " + std::string(sql));
  return stmt->column_int(0);
}

Result<std::string> Database::query_text(std::string_view sql) {
  LARDER_ASSIGN_OR_RETURN(StatementLease stmt, prepare(sql));
  LARDER_ASSIGN_OR_RETURN(bool row, stmt->step());
  if (!row) return std::string();
  return stmt->column_text(0);
}

Status Database::rekey(const SecretKey& new_key) {
  if (!options_.encrypted) return failed_precondition(label() + ": rekey of a plain database");
  cache_.clear();
  std::string raw_key = new_key.sqlcipher_raw_key();
  int rc = sqlite3_rekey_v2(db_, "main", raw_key.data(), static_cast<int>(raw_key.size()));
  wipe(raw_key);
  if (rc != SQLITE_OK) return error(rc, "rekeying " + path_);
  return Status::ok();
}

Status Database::check_integrity() {
  LARDER_ASSIGN_OR_RETURN(std::string ok, query_text("PRAGMA integrity_check"));
  if (ok != "ok") return data_loss(label() + ": integrity_check of " + path_ + ": " + ok);
  if (options_.encrypted) {
    // cipher_integrity_check returns one row per bad page, and none when all HMACs verify.
    LARDER_ASSIGN_OR_RETURN(StatementLease stmt, prepare("PRAGMA cipher_integrity_check"));
    LARDER_ASSIGN_OR_RETURN(bool row, stmt->step());
    if (row) {
      return data_loss(label() + ": cipher_integrity_check of " + path_ + ": " +
                       stmt->column_text(0));
    }
  }
  return Status::ok();
}

Status Database::set_durability(Durability d) {
  if (d == durability_) return Status::ok();
  LARDER_RETURN_IF_ERROR(
      exec(d == Durability::kFull ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL"));
  durability_ = d;
  return Status::ok();
}

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
int Database::changes() const { return sqlite3_changes(db_); }
bool Database::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

}  // namespace larder::storage
