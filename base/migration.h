// Migration: one numbered schema step, shared by the node's replica
// (storage/) and the central database (sync/hub/db/). Generated tables of
// these come from numbered .sql files (cmake/EmbedMigrations.cmake).
#pragma once

#include <cstddef>

namespace larder {

struct Migration {
  int version;       // 1, 2, 3 ... in order, no gaps
  const char* name;  // the file name without .sql, e.g. "002_orders"
  const char* sql;   // the statements, run in one transaction
};

}  // namespace larder
