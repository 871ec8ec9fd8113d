#include "storage/replica_apply.h"

#include "storage/replica_tables.h"
#include "storage/transaction.h"

namespace larder::storage {
namespace {

using nlohmann::json;

std::string describe(const ReplicaChange& c) {
  return "feed row " + c.table + " " + c.key.dump();
}

Status bind_value(Statement& stmt, int index, const ReplicaColumn& col, const json& v,
                  const ReplicaChange& c) {
  auto bad = [&](const char* want) {
    return invalid_argument(describe(c) + ": " + col.name + " must be " + want + ", got " + v.dump());
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

Status upsert(Database& db, const std::string& target, const ReplicaTable& t,
              const ReplicaChange& c) {
  if (!c.row.is_object()) return invalid_argument(describe(c) + ": row must be an object");
  std::vector<const ReplicaColumn*> present;
  std::vector<const json*> values;
  for (const ReplicaColumn& col : t.columns) {
    bool is_key = false;
    for (const ReplicaColumn& k : t.key) is_key = is_key || std::string_view(k.name) == col.name;
    const json* v = nullptr;
    auto it = c.row.find(col.name);
    if (it != c.row.end()) v = &*it;
    if (is_key) v = &c.key.at(col.name);  // the key is authoritative
    if (v == nullptr || (v->is_null() && !col.nullable)) {
      if (col.required) {
        return invalid_argument(describe(c) + ": " + col.name + " is required");
      }
      continue;
    }
    present.push_back(&col);
    values.push_back(v);
  }
  std::string sql = "INSERT INTO " + target + " (";
  std::string placeholders, updates, conflict;
  for (std::size_t i = 0; i < present.size(); ++i) {
    if (i > 0) {
      sql += ", ";
      placeholders += ", ";
    }
    sql += present[i]->name;
    placeholders += "?";
    bool is_key = false;
    for (const ReplicaColumn& k : t.key) is_key = is_key || std::string_view(k.name) == present[i]->name;
    if (!is_key) {
      if (!updates.empty()) updates += ", ";
      updates += std::string(present[i]->name) + " = excluded." + present[i]->name;
    }
  }
  for (const ReplicaColumn& k : t.key) {
    if (!conflict.empty()) conflict += ", ";
    conflict += k.name;
  }
  sql += ") VALUES (" + placeholders + ") ON CONFLICT (" + conflict + ") DO ";
  sql += updates.empty() ? "NOTHING" : "UPDATE SET " + updates;
  LARDER_ASSIGN_OR_RETURN(StatementLease stmt, db.prepare(sql));
  for (std::size_t i = 0; i < present.size(); ++i) {
    LARDER_RETURN_IF_ERROR(bind_value(*stmt, static_cast<int>(i + 1), *present[i], *values[i], c));
  }
  return stmt->run().with_context(describe(c));
}

Status remove(Database& db, const std::string& target, const ReplicaTable& t,
              const ReplicaChange& c) {
  std::string sql = "DELETE FROM " + target + " WHERE ";
  for (std::size_t i = 0; i < t.key.size(); ++i) {
    if (i > 0) sql += " AND ";
    sql += std::string(t.key[i].name) + " = ?";
  }
  LARDER_ASSIGN_OR_RETURN(StatementLease stmt, db.prepare(sql));
  for (std::size_t i = 0; i < t.key.size(); ++i) {
    stmt->bind(static_cast<int>(i + 1), c.key.at(t.key[i].name).get<std::string>());
  }
  return stmt->run();
}

// Returns true when the order's status moved forward.
Result<bool> merge_order_status(Database& db, const ReplicaChange& c) {
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
      db.prepare("UPDATE orders SET status = ?1, updated_at = ?2 WHERE id = ?3 AND"
                 " (CASE status WHEN 'placed' THEN 0 WHEN 'accepted' THEN 1 WHEN 'in_progress'"
                 " THEN 2 WHEN 'ready' THEN 3 WHEN 'completed' THEN 4 WHEN 'cancelled' THEN 5"
                 " END) < ?4"));
  auto updated = c.row.find("updated_at");
  std::string updated_at = (updated != c.row.end() && updated->is_string())
                               ? updated->get<std::string>()
                               : std::string();
  stmt->bind_all(status->get<std::string>(), updated_at, id->get<std::string>(), rank);
  LARDER_RETURN_IF_ERROR(stmt->run());
  return db.changes() > 0;
}

Status apply_into(Database& db, const std::vector<ReplicaChange>& changes, const char* prefix,
                  ApplyResult* out) {
  for (const ReplicaChange& c : changes) {
    if (c.table == "orders") {
      LARDER_ASSIGN_OR_RETURN(bool moved, merge_order_status(db, c));
      if (moved) {
        out->orders_changed.push_back(c.key.at("id").get<std::string>());
      } else {
        ++out->ignored;
      }
      continue;
    }
    const ReplicaTable* t = find_replica_table(c.table);
    if (t == nullptr) {
      ++out->ignored;
      continue;
    }
    LARDER_RETURN_IF_ERROR(check_key(*t, c));
    std::string target = std::string(prefix) + t->name;
    if (c.is_delete) {
      LARDER_RETURN_IF_ERROR(remove(db, target, *t, c));
      ++out->deletes;
    } else {
      LARDER_RETURN_IF_ERROR(upsert(db, target, *t, c));
      ++out->upserts;
    }
    out->menu_changed = true;
  }
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
  static constexpr std::string_view kOrder[] = {"placed",    "accepted",  "in_progress",
                                                "ready",     "completed", "cancelled"};
  for (int i = 0; i < 6; ++i) {
    if (s == kOrder[i]) return i;
  }
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

Status begin_resync(Database& db) {
  LARDER_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(db));
  for (const ReplicaTable& t : replica_tables()) {
    std::string name = t.name;
    LARDER_RETURN_IF_ERROR(db.exec("DROP TABLE IF EXISTS staging_" + name));
    // Same columns, types and constraints: copy the table's own definition.
    LARDER_ASSIGN_OR_RETURN(
        std::string ddl,
        db.query_text("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = '" + name + "'"));
    if (ddl.empty()) return internal_error("replica table " + name + " is missing");
    auto open = ddl.find('(');
    LARDER_RETURN_IF_ERROR(db.exec("CREATE TABLE staging_" + name + " " + ddl.substr(open)));
  }
  return tx.commit();
}

Result<ApplyResult> apply_staging_changes(Database& db, const std::vector<ReplicaChange>& changes) {
  ApplyResult result;
  LARDER_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(db));
  LARDER_RETURN_IF_ERROR(apply_into(db, changes, "staging_", &result));
  LARDER_RETURN_IF_ERROR(tx.commit());
  return result;
}

Status finish_resync(Database& db, const std::string& cursor_after) {
  LARDER_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(db));
  for (const ReplicaTable& t : replica_tables()) {
    std::string name = t.name;
    LARDER_RETURN_IF_ERROR(db.exec("DELETE FROM " + name));
    LARDER_RETURN_IF_ERROR(db.exec("INSERT INTO " + name + " SELECT * FROM staging_" + name)
                               .with_context("swapping in the resynced " + name));
    LARDER_RETURN_IF_ERROR(db.exec("DROP TABLE staging_" + name));
  }
  LARDER_RETURN_IF_ERROR(set_cursor(db, cursor_after));
  LARDER_RETURN_IF_ERROR(db.exec("UPDATE sync_state SET replica_ready = 1 WHERE id = 1"));
  return tx.commit();
}

}  // namespace larder::storage
