#include "storage/statement.h"

#include <sqlite3.h>

#include "storage/database.h"

namespace larder::storage {

Statement::Statement(Database* db, sqlite3_stmt* stmt, std::string sql)
    : db_(db), stmt_(stmt), sql_(std::move(sql)) {}

Statement::~Statement() { sqlite3_finalize(stmt_); }

static Status bind_status(Database* db, int rc, const std::string& sql, int index) {
  if (rc == SQLITE_OK) return Status::ok();
  return db->error(rc, "binding parameter " + std::to_string(index) + " of " + sql);
}

Statement& Statement::bind(int index, std::int64_t value) {
  if (bind_error_.is_ok()) {
    bind_error_ = bind_status(db_, sqlite3_bind_int64(stmt_, index, value), sql_, index);
  }
  return *this;
}

Statement& Statement::bind(int index, double value) {
  if (bind_error_.is_ok()) {
    bind_error_ = bind_status(db_, sqlite3_bind_double(stmt_, index, value), sql_, index);
  }
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  if (bind_error_.is_ok()) {
    int rc = sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT,
                                 SQLITE_UTF8);
    bind_error_ = bind_status(db_, rc, sql_, index);
  }
  return *this;
}

Statement& Statement::bind(int index, std::nullptr_t) {
  if (bind_error_.is_ok()) {
    bind_error_ = bind_status(db_, sqlite3_bind_null(stmt_, index), sql_, index);
  }
  return *this;
}

Statement& Statement::bind_blob(int index, const void* data, std::size_t size) {
  if (bind_error_.is_ok()) {
    int rc = sqlite3_bind_blob64(stmt_, index, data, size, SQLITE_TRANSIENT);
    bind_error_ = bind_status(db_, rc, sql_, index);
  }
  return *this;
}

Result<bool> Statement::step() {
  if (!bind_error_.is_ok()) return bind_error_;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Status s = db_->error(rc, sql_);
  sqlite3_reset(stmt_);
  return s;
}

Status Statement::run() {
  LARDER_ASSIGN_OR_RETURN(bool row, step());
  while (row) {
    LARDER_ASSIGN_OR_RETURN(row, step());
  }
  return Status::ok();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = Status::ok();
}

int Statement::column_count() const { return sqlite3_column_count(stmt_); }
bool Statement::column_is_null(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}
std::int64_t Statement::column_int(int col) const { return sqlite3_column_int64(stmt_, col); }
double Statement::column_double(int col) const { return sqlite3_column_double(stmt_, col); }

std::string Statement::column_text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  if (p == nullptr) return std::string();
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
}

std::optional<std::string> Statement::column_optional_text(int col) const {
  if (column_is_null(col)) return std::nullopt;
  return column_text(col);
}

std::vector<std::uint8_t> Statement::column_blob(int col) const {
  const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, col));
  int n = sqlite3_column_bytes(stmt_, col);
  if (p == nullptr || n <= 0) return {};
  return std::vector<std::uint8_t>(p, p + n);
}

bool Statement::busy() const { return sqlite3_stmt_busy(stmt_) != 0; }

StatementLease::StatementLease(Statement* cached, std::unique_ptr<Statement> owned)
    : stmt_(owned ? owned.get() : cached), owned_(std::move(owned)) {}

StatementLease::StatementLease(StatementLease&& other) noexcept
    : stmt_(other.stmt_), owned_(std::move(other.owned_)) {
  other.stmt_ = nullptr;
}

StatementLease::~StatementLease() {
  if (stmt_ != nullptr) stmt_->reset();
}

}  // namespace larder::storage
