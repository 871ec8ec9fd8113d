// The synced tables of the replica and their columns: the one place that
// says how a row from the centre's change feed is stored on the node.
//
// Columns are typed so a feed row (JSON from PostgreSQL) lands in SQLite the
// same way every time: text stays text, booleans become 0/1, JSON columns
// (opening hours, dayparts) are stored as their compact JSON text. Columns
// the centre sends that are not listed here are ignored, so the centre can add
// a column before every node knows it.
#pragma once

#include <span>
#include <string_view>

namespace larder::storage {

enum class ColumnType { kText, kInteger, kBool, kJson };

struct ReplicaColumn {
  const char* name;
  ColumnType type;
  bool required;  // must be present and not null in an upsert
  bool nullable;  // null clears it; otherwise null (or absence) keeps the stored value or default
};

struct ReplicaTable {
  const char* name;                      // as in the feed and in SQLite
  std::span<const ReplicaColumn> key;    // primary key columns, in order
  std::span<const ReplicaColumn> columns;  // every stored column, key included
};

std::span<const ReplicaTable> replica_tables();
// nullptr when the table is not synced to the node.
const ReplicaTable* find_replica_table(std::string_view name);

}  // namespace larder::storage
