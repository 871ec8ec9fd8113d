#include "storage/replica_apply.h"

#include <cstdint>
#include <map>
#include <optional>
#include <utility>

#include "storage/replica_tables.h"
#include "storage/transaction.h"

namespace larder::storage {
namespace {

using nlohmann::json;

std::string describe(const ReplicaChange& c) { return "feed row " + c.table + " " + c.key.dump(); }

Status bind_value(Statement& stmt, int index, const ReplicaColumn& col, const json& v,
                  const ReplicaChange& c) {
  auto bad = [&](const char* want) {
    return invalid_argument(describe(c) + ": " + col.name + " must be " + want + ", got " +
                            v.dump());
  };
  if (v.is_null()) {
    stmt.bind(index, nullptr);
    return Status::ok();
  }
  switch (col.type) {
    case ColumnType::kText:
      if (!v.is_string()) return bad("a string");
      stmt.bind(index, v.get_ref<const std::string&>());
      return Status::ok();
    case ColumnType::kInteger:
      if (!v.is_number_integer()) return bad("an integer");
      stmt.bind(index, v.get<std::int64_t>());
      return Status::ok();
    case ColumnType::kBool:
      if (v.is_boolean()) {
        stmt.bind(index, v.get<bool>());
        return Status::ok();
      }
      if (v.is_number_integer() && (v.get<std::int64_t>() == 0 || v.get<std::int64_t>() == 1)) {
        stmt.bind(index, v.get<std::int64_t>());
        return Status::ok();
      }
      return bad("true or false");
    case ColumnType::kJson:
      stmt.bind(index, v.is_string() ? v.get<std::string>() : v.dump());
      return Status::ok();
  }
  return internal_error("unknown column type");
}

Status check_key(const ReplicaTable& t, const ReplicaChange& c) {
  if (!c.key.is_object()) return invalid_argument(describe(c) + ": key must be an object");
  for (const ReplicaColumn& k : t.key) {
    auto it = c.key.find(k.name);
    if (it == c.key.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
      return invalid_argument(describe(c) + ": key column " + k.name + " is missing");
    }
  }
  return Status::ok();
}

bool is_key_column(const ReplicaTable& t, const ReplicaColumn& col) {
  for (const ReplicaColumn& k : t.key) {
    if (std::string_view(k.name) == col.name) return true;
  }
  return false;
}

// Writes changes into one set of tables ("" the live ones, "staging_" a
// resync's). A row's statement depends only on its table and which of its
// columns it carries, so the SQL is built once per such shape and the
// prepared statement comes from the Database's cache from then on.
class Applier {
 public:
  Applier(Database& db, const char* prefix) : db_(db), prefix_(prefix) {}

  Status apply(const ReplicaChange& c, ApplyResult* out) {
    if (c.table == "orders") {
      LARDER_ASSIGN_OR_RETURN(bool moved, merge_order_status(c));
      if (moved) {
        out->orders_changed.push_back(c.key.at("id").get<std::string>());
      } else {
        ++out->ignored;
      }
      return Status::ok();
    }
    const ReplicaTable* t = find_replica_table(c.table);
    if (t == nullptr) {
      ++out->ignored;
      return Status::ok();
    }
    LARDER_RETURN_IF_ERROR(check_key(*t, c));
    if (c.is_delete) {
      LARDER_RETURN_IF_ERROR(remove(*t, c));
      ++out->deletes;
    } else {
      LARDER_RETURN_IF_ERROR(upsert(*t, c));
      ++out->upserts;
    }
    out->menu_changed = true;
    return Status::ok();
  }

 private:
  static constexpr std::size_t kMaxColumns = 32;  // bits of a shape

  Status upsert(const ReplicaTable& t, const ReplicaChange& c) {
    if (!c.row.is_object()) return invalid_argument(describe(c) + ": row must be an object");
    if (t.columns.size() > kMaxColumns) return internal_error("replica table has too many columns");
    const json* values[kMaxColumns] = {};
    std::uint32_t shape = 0;
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
      const ReplicaColumn& col = t.columns[i];
      const json* v = nullptr;
      if (is_key_column(t, col)) {
        v = &c.key.at(col.name);  // the key is authoritative
      } else {
        auto it = c.row.find(col.name);
        if (it != c.row.end()) v = &*it;
      }
      if (v == nullptr || (v->is_null() && !col.nullable)) {
        if (col.required) return invalid_argument(describe(c) + ": " + col.name + " is required");
        continue;
      }
      shape |= 1u << i;
      values[i] = v;
    }
    LARDER_ASSIGN_OR_RETURN(StatementLease stmt, db_.prepare(upsert_sql(t, shape)));
    int index = 0;
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
      if ((shape & (1u << i)) == 0) continue;
      LARDER_RETURN_IF_ERROR(bind_value(*stmt, ++index, t.columns[i], *values[i], c));
    }
    Status s = stmt->run();
    if (!s.is_ok()) return s.with_context(describe(c));
    return Status::ok();
  }

  const std::string& upsert_sql(const ReplicaTable& t, std::uint32_t shape) {
    auto [it, fresh] = upsert_sql_.try_emplace({&t, shape});
    if (!fresh) return it->second;
    std::string columns, placeholders, updates, conflict;
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
      if ((shape & (1u << i)) == 0) continue;
      const ReplicaColumn& col = t.columns[i];
      if (!columns.empty()) {
        columns += ", ";
        placeholders += ", ";
      }
      columns += col.name;
      placeholders += "?";
      if (!is_key_column(t, col)) {
        if (!updates.empty()) updates += ", ";
        updates += std::string(col.name) + " = excluded." + col.name;
      }
    }
    for (const ReplicaColumn& k : t.key) {
      if (!conflict.empty()) conflict += ", ";
      conflict += k.name;
    }
    it->second = "INSERT INTO " + prefix_ + t.name + " (" + columns + ") VALUES (" + placeholders +
                 ") ON CONFLICT (" + conflict + ") DO " +
                 (updates.empty() ? std::string("NOTHING") : "UPDATE SET " + updates);
    return it->second;
  }

  Status remove(const ReplicaTable& t, const ReplicaChange& c) {
    std::string& sql = delete_sql_[&t];
    if (sql.empty()) {
      sql = "DELETE FROM " + prefix_ + t.name + " WHERE ";
      for (std::size_t i = 0; i < t.key.size(); ++i) {
        if (i > 0) sql += " AND ";
        sql += std::string(t.key[i].name) + " = ?";
      }
    }
    LARDER_ASSIGN_OR_RETURN(StatementLease stmt, db_.prepare(sql));
    for (std::size_t i = 0; i < t.key.size(); ++i) {
      stmt->bind(static_cast<int>(i + 1), c.key.at(t.key[i].name).get_ref<const std::string&>());
    }
    return stmt->run();
  }

  // Returns true when the order's status moved forward.
  Result<bool> merge_order_status(const ReplicaChange& c) {
    if (c.is_delete) return false;
    auto id = c.key.find("id");
    auto status = c.row.find("status");
    if (id == c.key.end() || !id->is_string() || status == c.row.end() || !status->is_string()) {
      return invalid_argument(describe(c) + ": an order status row needs id and status");
    }
    int rank = order_status_rank(status->get<std::string>());
    if (rank < 0) {
      return invalid_argument(describe(c) + ": unknown order status " + status->dump());
    }
    LARDER_ASSIGN_OR_RETURN(
        StatementLease stmt,
        db_.prepare("UPDATE orders SET status = ?1, updated_at = ?2 WHERE id = ?3 AND"
                    " (CASE status WHEN 'placed' THEN 0 WHEN 'accepted' THEN 1 WHEN 'in_progress'"
                    " THEN 2 WHEN 'ready' THEN 3 WHEN 'completed' THEN 4 WHEN 'cancelled' THEN 4"
                    " END) < ?4"));
    auto updated = c.row.find("updated_at");
    std::string updated_at = (updated != c.row.end() && updated->is_string())
                                 ? updated->get<std::string>()
                                 : std::string();
    stmt->bind_all(status->get<std::string>(), updated_at, id->get<std::string>(), rank);
    LARDER_RETURN_IF_ERROR(stmt->run());
    return db_.changes() > 0;
  }

  Database& db_;
  const std::string prefix_;
  std::map<std::pair<const ReplicaTable*, std::uint32_t>, std::string> upsert_sql_;
  std::map<const ReplicaTable*, std::string> delete_sql_;
};

Status apply_into(Database& db, const std::vector<ReplicaChange>& changes, const char* prefix,
                  ApplyResult* out) {
  Applier applier(db, prefix);
  for (const ReplicaChange& c : changes) LARDER_RETURN_IF_ERROR(applier.apply(c, out));
  return Status::ok();
}

Status set_cursor(Database& db, const std::string& cursor) {
  LARDER_ASSIGN_OR_RETURN(
      StatementLease stmt,
      db.prepare("UPDATE sync_state SET cursor = ?, last_pull_at ="
                 " strftime('%Y-%m-%dT%H:%M:%fZ','now'), last_error = NULL WHERE id = 1"));
  return stmt->bind(1, cursor).run();
}

}  // namespace

int order_status_rank(std::string_view s) {
  static constexpr std::string_view kOrder[] = {"placed", "accepted", "in_progress", "ready"};
  for (int i = 0; i < 4; ++i) {
    if (s == kOrder[i]) return i;
  }
  // Both final, so of equal rank: whichever arrives first stays (the SQL
  // in merge_order_status ranks them the same way).
  if (s == "completed" || s == "cancelled") return 4;
  return -1;
}

Result<ApplyResult> apply_changes(Database& db, const std::vector<ReplicaChange>& changes,
                                  const std::string& cursor_after) {
  ApplyResult result;
  LARDER_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(db));
  LARDER_RETURN_IF_ERROR(apply_into(db, changes, "", &result));
  LARDER_RETURN_IF_ERROR(set_cursor(db, cursor_after));
  LARDER_RETURN_IF_ERROR(db.exec("UPDATE sync_state SET replica_ready = 1 WHERE id = 1"));
  LARDER_RETURN_IF_ERROR(tx.commit());
  return result;
}

namespace {

// Present exactly while a staged build is in progress: created last by
// begin_resync() (with every staging table, in one transaction), updated by
// every staged page, dropped by finish_resync().
constexpr const char* kProgressTable = "staging_progress";

Result<bool> table_exists(Database& db, const std::string& name) {
  LARDER_ASSIGN_OR_RETURN(StatementLease q,
                          db.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND"
                                     " name = ?"));
  q->bind(1, name);
  LARDER_ASSIGN_OR_RETURN(bool row, q->step());
  return row && q->column_int(0) > 0;
}

// Columns as SQLite knows them: name, type, not-null, default, key.
Result<std::string> column_signature(Database& db, const std::string& table) {
  LARDER_ASSIGN_OR_RETURN(
      StatementLease q,
      db.prepare("SELECT group_concat(name || ' ' || type || ' ' || \"notnull\" || ' ' ||"
                 " coalesce(dflt_value, '') || ' ' || pk, ', ') FROM pragma_table_info(?)"));
  q->bind(1, table);
  LARDER_ASSIGN_OR_RETURN(bool row, q->step());
  return row ? q->column_text(0) : std::string();
}

Status require_staging(Database& db) {
  LARDER_ASSIGN_OR_RETURN(bool staging, table_exists(db, kProgressTable));
  if (!staging) {
    return failed_precondition(db.label() + ": no staged replica build is in progress");
  }
  return Status::ok();
}

}  // namespace

Status begin_resync(Database& db) {
  LARDER_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(db));
  LARDER_RETURN_IF_ERROR(db.exec(std::string("DROP TABLE IF EXISTS ") + kProgressTable));
  for (const ReplicaTable& t : replica_tables()) {
    std::string name = t.name;
    LARDER_RETURN_IF_ERROR(db.exec("DROP TABLE IF EXISTS staging_" + name));
    // Same columns, types and constraints: copy the table's own definition.
    LARDER_ASSIGN_OR_RETURN(
        std::string ddl,
        db.query_text("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = '" + name +
                      "'"));
    if (ddl.empty()) return internal_error("replica table " + name + " is missing");
    auto open = ddl.find('(');
    LARDER_RETURN_IF_ERROR(db.exec("CREATE TABLE staging_" + name + " " + ddl.substr(open)));
  }
  LARDER_RETURN_IF_ERROR(db.exec(std::string("CREATE TABLE ") + kProgressTable +
                                 " (id INTEGER PRIMARY KEY CHECK (id = 1), cursor TEXT NOT NULL,"
                                 " started_at TEXT NOT NULL) STRICT"));
  LARDER_RETURN_IF_ERROR(db.exec(std::string("INSERT INTO ") + kProgressTable +
                                 " VALUES (1, '', strftime('%Y-%m-%dT%H:%M:%fZ','now'))"));
  return tx.commit();
}

Result<std::optional<std::string>> staging_cursor(Database& db) {
  LARDER_ASSIGN_OR_RETURN(bool staging, table_exists(db, kProgressTable));
  if (!staging) return std::optional<std::string>();
  // Staging made before a schema upgrade cannot be swapped in: start over.
  for (const ReplicaTable& t : replica_tables()) {
    LARDER_ASSIGN_OR_RETURN(std::string live, column_signature(db, t.name));
    LARDER_ASSIGN_OR_RETURN(std::string staged,
                            column_signature(db, std::string("staging_") + t.name));
    if (live != staged) return std::optional<std::string>();
  }
  LARDER_ASSIGN_OR_RETURN(std::string cursor, db.query_text(std::string("SELECT cursor FROM ") +
                                                            kProgressTable + " WHERE id = 1"));
  return std::optional<std::string>(std::move(cursor));
}

Result<ApplyResult> apply_staging_changes(Database& db, const std::vector<ReplicaChange>& changes,
                                          const std::string& cursor_after) {
  ApplyResult result;
  LARDER_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(db));
  LARDER_RETURN_IF_ERROR(require_staging(db));
  LARDER_RETURN_IF_ERROR(apply_into(db, changes, "staging_", &result));
  LARDER_ASSIGN_OR_RETURN(StatementLease stmt, db.prepare(std::string("UPDATE ") + kProgressTable +
                                                          " SET cursor = ? WHERE id = 1"));
  LARDER_RETURN_IF_ERROR(stmt->bind(1, cursor_after).run());
  LARDER_RETURN_IF_ERROR(tx.commit());
  return result;
}

Status finish_resync(Database& db, const std::string& cursor_after) {
  LARDER_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(db));
  LARDER_RETURN_IF_ERROR(require_staging(db));
  for (const ReplicaTable& t : replica_tables()) {
    const std::string name = t.name;
    // The staging table becomes the live one: renaming it writes no row
    // (copying 10,000 items into the live table cost a second encrypted write
    // of every page, and most of a bootstrap's time). Its definition is the
    // live table's own (begin_resync), so only the live table's indexes are
    // to be made again, from their own definitions.
    std::vector<std::string> indexes;
    {
      LARDER_ASSIGN_OR_RETURN(StatementLease q,
                              db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'index' AND"
                                         " tbl_name = ? AND sql IS NOT NULL ORDER BY name"));
      q->bind(1, name);
      for (;;) {
        LARDER_ASSIGN_OR_RETURN(bool row, q->step());
        if (!row) break;
        indexes.push_back(q->column_text(0));
      }
    }
    LARDER_RETURN_IF_ERROR(db.exec("DROP TABLE " + name));
    LARDER_RETURN_IF_ERROR(db.exec("ALTER TABLE staging_" + name + " RENAME TO " + name)
                               .with_context("swapping in the resynced " + name));
    for (const std::string& index : indexes) LARDER_RETURN_IF_ERROR(db.exec(index));
  }
  LARDER_RETURN_IF_ERROR(db.exec(std::string("DROP TABLE ") + kProgressTable));
  LARDER_RETURN_IF_ERROR(set_cursor(db, cursor_after));
  LARDER_RETURN_IF_ERROR(db.exec("UPDATE sync_state SET replica_ready = 1 WHERE id = 1"));
  return tx.commit();
}

}  // namespace larder::storage
