// A migrated, encrypted replica database in a temporary directory, for tests.
#pragma once

#include <memory>

#include "storage/database.h"
#include "storage/testing/temp_dir.h"

namespace larder::storage::testing {

struct ReplicaDb {
  TempDir dir;
  std::unique_ptr<Database> db;
  ReplicaDb();
  Database& operator*() { return *db; }
  Database* operator->() { return db.get(); }
};

}  // namespace larder::storage::testing
