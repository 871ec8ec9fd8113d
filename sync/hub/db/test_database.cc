#include "sync/hub/db/test_database.h"

#include "sync/hub/db/migrations.h"
#include "sync/hub/db/roles.h"

namespace larder::hub::db {

Result<HubTestDatabase> HubTestDatabase::create(const testing::PgServer& server,
                                                const std::string& prefix, bool migrate) {
  HubTestDatabase db;
  db.name = testing::unique_database_name(prefix);
  {
    LARDER_ASSIGN_OR_RETURN(PgConnection super, PgConnection::connect(server.conninfo()));
    // Two test processes may bootstrap at once; CREATE ROLE races are benign.
    Status s = bootstrap_roles(super);
    if (!s.is_ok() && s.code() != Code::kAlreadyExists) return s;
    LARDER_RETURN_IF_ERROR(
        super.exec("CREATE DATABASE " + db.name + " OWNER " + kOwnerRole).status());
  }
  db.superuser_conninfo = server.conninfo(db.name);
  db.owner_conninfo = server.conninfo(db.name, kOwnerRole);
  db.hub_conninfo = server.conninfo(db.name, kHubRole);
  if (migrate) {
    LARDER_ASSIGN_OR_RETURN(PgConnection owner, PgConnection::connect(db.owner_conninfo));
    LARDER_RETURN_IF_ERROR(migrate_up(owner).status());
  }
  return db;
}

}  // namespace larder::hub::db
