// Menus whose dayparts larder-node cannot read (node/menu/daypart.h): the
// rule is migration 008's SQL function larder_dayparts_problem(), which its
// trigger applies to every write from then on; this finds the rows written
// before it, for `larder-hub migrate` to name (docs/PROTOCOL.md "Locations").
//
// Every tenant the connected role can list is read in its own RLS-scoped
// transaction: the schema owner lists all of them, the hub role none (then
// the answer is empty). The connection must not be inside a transaction.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "sync/hub/db/pg_connection.h"

namespace larder::hub::db {

struct MenuProblem {
  std::string tenant_id;
  std::string menu_id;
  std::string problem;
};
Result<std::vector<MenuProblem>> find_menu_problems(PgConnection& conn);

}  // namespace larder::hub::db
