// PgResult: the rows of one query, owned (RAII over PGresult).
//
// Values are text (the hub uses libpq's text format throughout); NULL is
// distinct from "". Row and column indexes are checked: out of range reads
// give "" / true-for-null rather than undefined behaviour, and column(name)
// returns -1 for an unknown name.
//
// Thread safety: a PgResult is a value; it may be read from several threads
// at once, and moved between threads. It does not refer to its connection.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct pg_result;

namespace larder::hub::db {

class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(pg_result* result);

  int rows() const;
  int columns() const;
  // Index of a column by name, -1 when absent.
  int column(const char* name) const;
  bool is_null(int row, int col) const;
  std::string_view get(int row, int col) const;
  std::string_view get(int row, const char* name) const { return get(row, column(name)); }
  std::optional<std::string> get_opt(int row, const char* name) const;
  // A bigint/int column; 0 for NULL or unparsable text.
  std::int64_t get_int(int row, const char* name) const;
  // "t" -> true.
  bool get_bool(int row, const char* name) const { return get(row, name) == "t"; }
  // Rows inserted/updated/deleted by an INSERT/UPDATE/DELETE (0 otherwise).
  std::int64_t affected_rows() const;
  // The command tag, e.g. "INSERT 0 1", "COMMIT", "ROLLBACK".
  std::string_view command_tag() const;

 private:
  struct Free {
    void operator()(pg_result* r) const;
  };
  std::shared_ptr<pg_result> result_;
};

}  // namespace larder::hub::db
