#include "storage/testing/replica_db.h"

#include <stdexcept>

#include "storage/migrations.h"

namespace larder::storage::testing {

ReplicaDb::ReplicaDb() {
  std::array<std::uint8_t, 32> k{};
  k.fill(0x11);
  OpenOptions o;
  o.label = "tenant test";
  auto opened = Database::open(dir.file("replica.db"), SecretKey(k), o);
  if (!opened.is_ok()) throw std::runtime_error(opened.status().to_string());
  db = std::move(opened).value();
  Status s = migrate(*db, replica_migrations());
  if (!s.is_ok()) throw std::runtime_error(s.to_string());
}

}  // namespace larder::storage::testing
