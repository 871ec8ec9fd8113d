#include "sync/hub/db/pg_result.h"

#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>

namespace larder::hub::db {

void PgResult::Free::operator()(pg_result* r) const { PQclear(r); }

PgResult::PgResult(pg_result* result) : result_(result, Free()) {}

int PgResult::rows() const { return result_ ? PQntuples(result_.get()) : 0; }
int PgResult::columns() const { return result_ ? PQnfields(result_.get()) : 0; }

int PgResult::column(const char* name) const {
  return result_ ? PQfnumber(result_.get(), name) : -1;
}

bool PgResult::is_null(int row, int col) const {
  if (row < 0 || row >= rows() || col < 0 || col >= columns()) return true;
  return PQgetisnull(result_.get(), row, col) == 1;
}

std::string_view PgResult::get(int row, int col) const {
  if (row < 0 || row >= rows() || col < 0 || col >= columns()) return {};
  return {PQgetvalue(result_.get(), row, col),
          static_cast<std::size_t>(PQgetlength(result_.get(), row, col))};
}

std::optional<std::string> PgResult::get_opt(int row, const char* name) const {
  int col = column(name);
  if (is_null(row, col)) return std::nullopt;
  return std::string(get(row, col));
}

std::int64_t PgResult::get_int(int row, const char* name) const {
  std::string_view text = get(row, name);
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

std::int64_t PgResult::affected_rows() const {
  if (!result_) return 0;
  return std::strtoll(PQcmdTuples(result_.get()), nullptr, 10);
}

std::string_view PgResult::command_tag() const {
  return result_ ? PQcmdStatus(result_.get()) : "";
}

}  // namespace larder::hub::db
