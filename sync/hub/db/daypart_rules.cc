#include "sync/hub/db/daypart_rules.h"

#include "sync/hub/db/tenant_transaction.h"

namespace larder::hub::db {

Result<std::vector<MenuProblem>> find_menu_problems(PgConnection& conn) {
  std::vector<MenuProblem> out;
  LARDER_RETURN_IF_ERROR(
      for_each_listed_tenant(conn, [&](const std::string& tenant, Transaction& tx) -> Status {
        LARDER_ASSIGN_OR_RETURN(
            PgResult r,
            tx.exec("SELECT id::text, problem FROM (SELECT id, larder_dayparts_problem(dayparts)"
                    " AS problem FROM menus WHERE tenant_id = $1) m"
                    " WHERE problem IS NOT NULL ORDER BY id",
                    {tenant}));
        for (int i = 0; i < r.rows(); ++i) {
          out.push_back({tenant, std::string(r.get(i, 0)), std::string(r.get(i, 1))});
        }
        return Status::ok();
      }));
  return out;
}

}  // namespace larder::hub::db
