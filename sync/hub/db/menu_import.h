// Menu import: a tenant's whole menu from one JSON document, in ONE
// transaction (format: MENU_IMPORT.md).
//
// The document replaces the tenant's menu: rows it contains are inserted or
// updated, menu rows it does not contain are deleted. Rows that did not
// change are not touched, so they do not reach the change feed again.
// Validation happens before any write; the first problem is returned as
// kInvalidArgument naming its path, e.g. "items[3].price_minor must be >= 0",
// and nothing is stored. A location_id naming no location of the tenant is
// reported the same way ("menus[0].location_id ...").
//
// Thread safety: function; the connection is used by the calling thread.
#pragma once

#include <string>

#include "base/status.h"
#include "sync/hub/db/pg_connection.h"

namespace larder::hub::db {

struct MenuImportStats {
  int menus = 0, categories = 0, items = 0, modifiers = 0, options = 0, item_modifiers = 0;
};

Result<MenuImportStats> import_menu(PgConnection& conn, const std::string& tenant_id,
                                    const std::string& document);

}  // namespace larder::hub::db
