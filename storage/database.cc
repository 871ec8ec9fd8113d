#include "storage/database.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <vector>

#include "storage/page_crypto.h"

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

bool valid_page_size(int n) { return n >= 512 && n <= 65536 && (n & (n - 1)) == 0; }

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

Result<std::unique_ptr<Database>> Database::open_connection(const std::string& path,
                                                            const OpenOptions& options) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  if (options.create) flags |= SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags,
                           options.vfs.empty() ? nullptr : options.vfs.c_str());
  std::unique_ptr<Database> db(new Database(raw, path, options));
  if (rc != SQLITE_OK) return db->error(rc, "opening " + path);
  // Until the key is proven, closing must not checkpoint: the last
  // connection to close a WAL database copies the WAL into it and deletes
  // the WAL, which would change the files of a refused open. open() turns
  // checkpoint-on-close back on once the key has read page 1.
  rc = sqlite3_db_config(raw, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  if (rc != SQLITE_OK) return db->error(rc, "configuring " + path);
  return db;
}

Result<std::unique_ptr<Database>> Database::open_encrypted(const std::string& path,
                                                           const SecretKey& key,
                                                           const OpenOptions& options,
                                                           int page_size) {
  const std::string who = options.label.empty() ? path : options.label;
  install_page_crypto();  // before the first key: SQLCipher binds a provider at keying
  LARDER_ASSIGN_OR_RETURN(auto db, open_connection(path, options));
  // The key goes in before any page is read; SQLCipher then decrypts every
  // page it reads and encrypts every page it writes.
  std::string raw_key = key.sqlcipher_raw_key();
  int rc = sqlite3_key_v2(db->db_, "main", raw_key.data(), static_cast<int>(raw_key.size()));
  wipe(raw_key);
  if (rc != SQLITE_OK) return db->error(rc, "applying the key to " + path);
  // Part of the file format (storage/FORMAT.md): page HMACs use SHA-256,
  // which x86 (SHA-NI) and ARMv8 crypto extensions accelerate; SQLCipher 4's
  // default SHA-512 is not accelerated on ARMv8.0 boards and costs twice as
  // much per page here.
  LARDER_RETURN_IF_ERROR(db->exec("PRAGMA cipher_hmac_algorithm = HMAC_SHA256"));
  LARDER_RETURN_IF_ERROR(db->exec("PRAGMA cipher_page_size = " + std::to_string(page_size)));
  // A build without SQLITE_HAS_CODEC ignores keys silently: refuse it.
  LARDER_ASSIGN_OR_RETURN(std::string cipher, db->query_text("PRAGMA cipher_version"));
  if (cipher.empty()) {
    return internal_error(who +
                          ": SQLCipher's codec is missing from this build; refusing to "
                          "store data unencrypted");
  }
  // Proves the key and the page size: the first read of page 1 fails with
  // NOTADB when either is wrong, before anything is written.
  rc = sqlite3_exec(db->db_, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr);
  if (rc == SQLITE_NOTADB) return permission_denied(who + ": page 1 does not decrypt");
  if (rc != SQLITE_OK) return db->error(rc, "reading the schema of " + path);
  return db;
}

Result<std::unique_ptr<Database>> Database::open(const std::string& path, const SecretKey& key,
                                                 const OpenOptions& options) {
  const std::string who = options.label.empty() ? path : options.label;
  if (!options.create && !file_exists(path)) {
    return not_found(who + ": database file " + path + " does not exist");
  }
  if (!valid_page_size(options.page_size)) {
    return invalid_argument(who + ": page size " + std::to_string(options.page_size) +
                            " is not a power of two from 512 to 65536");
  }
  std::unique_ptr<Database> db;
  if (options.encrypted) {
    // A new file takes the first size; an existing one opens with the size it
    // has (FORMAT.md: 1 KiB since schema v4, 4 KiB before).
    std::vector<int> sizes = {options.page_size};
    for (int size : {kPageSize, kLegacyPageSize}) {
      if (size != options.page_size) sizes.push_back(size);
    }
    for (int size : sizes) {
      auto attempt = open_encrypted(path, key, options, size);
      if (attempt.is_ok()) {
        db = std::move(attempt).value();
        break;
      }
      if (attempt.status().code() != Code::kPermissionDenied) return attempt.status();
    }
    if (db == nullptr) {
      return permission_denied(who + ": the key does not open " + path +
                               " (wrong key, or not a Larder database); the file was not changed");
    }
  } else {
    LARDER_ASSIGN_OR_RETURN(db, open_connection(path, options));
    // Takes effect only on a file not written yet, which is what it is for.
    LARDER_RETURN_IF_ERROR(db->exec("PRAGMA page_size = " + std::to_string(options.page_size)));
    int probe =
        sqlite3_exec(db->db_, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr);
    if (probe == SQLITE_NOTADB) {
      return permission_denied(who + ": " + path + " is not a plain SQLite database (encrypted?)" +
                               "; the file was not changed");
    }
    if (probe != SQLITE_OK) return db->error(probe, "reading the schema of " + path);
  }
  int rc = sqlite3_db_config(db->db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, nullptr);
  if (rc != SQLITE_OK) return db->error(rc, "configuring " + path);
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
  LARDER_RETURN_IF_ERROR(exec("PRAGMA cache_spill=-" + std::to_string(options_.spill_kib)));
  // Checkpoint at about 4 MiB of WAL whatever the page size (SQLite's default
  // of 1000 pages was 4 MiB with 4 KiB pages): each checkpoint copies every
  // page the WAL holds, so the pages most commits touch (page 1, the top of
  // each b-tree) are copied once per 4 MiB instead of once per 1 MiB.
  LARDER_ASSIGN_OR_RETURN(int size, page_size());
  LARDER_RETURN_IF_ERROR(exec("PRAGMA wal_autocheckpoint=" + std::to_string((4 << 20) / size)));
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

Result<int> Database::page_size() {
  LARDER_ASSIGN_OR_RETURN(std::int64_t n, query_int("PRAGMA page_size"));
  return static_cast<int>(n);
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
