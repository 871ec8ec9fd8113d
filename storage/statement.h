// Statement: one prepared SQLite statement with typed binding and reading.
//
// Parameters are 1-based (SQLite's convention); columns are 0-based. A
// Statement belongs to one Database and must not outlive it. Not thread-safe:
// a Database and its statements are used by one thread (or strand) at a time.
//
// step() returns true when a row is ready, false when the statement is done,
// or a Status carrying SQLite's message, the SQL, and the database's label.
// run() steps a statement that returns no rows. reset() makes it reusable
// and clears the bindings.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

struct sqlite3_stmt;

namespace larder::storage {

class Database;

class Statement {
 public:
  Statement(Database* db, sqlite3_stmt* stmt, std::string sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, bool value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, std::nullptr_t);
  Statement& bind_blob(int index, const void* data, std::size_t size);
  template <typename T>
  Statement& bind(int index, const std::optional<T>& value) {
    if (value) return bind(index, *value);
    return bind(index, nullptr);
  }
  // Binds arguments to parameters 1..N in order.
  template <typename... Args>
  Statement& bind_all(const Args&... args) {
    int i = 0;
    (bind(++i, args), ...);
    return *this;
  }

  Result<bool> step();
  Status run();
  void reset();

  int column_count() const;
  bool column_is_null(int col) const;
  std::int64_t column_int(int col) const;
  double column_double(int col) const;
  std::string column_text(int col) const;
  std::optional<std::string> column_optional_text(int col) const;
  std::vector<std::uint8_t> column_blob(int col) const;

  const std::string& sql() const { return sql_; }
  bool busy() const;

 private:
  Database* db_;
  sqlite3_stmt* stmt_;
  std::string sql_;
  // A binding error is reported by the next step(), so call chains stay fluent.
  Status bind_error_;
};

// A statement borrowed from the Database's cache: reset and returned when the
// lease dies. Movable, not copyable.
class StatementLease {
 public:
  StatementLease(Statement* cached, std::unique_ptr<Statement> owned);
  StatementLease(StatementLease&& other) noexcept;
  StatementLease& operator=(StatementLease&&) = delete;
  ~StatementLease();
  Statement* operator->() const { return stmt_; }
  Statement& operator*() const { return *stmt_; }

 private:
  Statement* stmt_;
  std::unique_ptr<Statement> owned_;  // set when the cached one was busy
};

}  // namespace larder::storage
