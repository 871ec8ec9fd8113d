// MenuView: what can be ordered now at this device's location, built from the
// tenant's replica: the rendered JSON for GET /menu (with its ETag) and the
// pricing snapshot that POST /orders validates against — one source, so the
// screen and the price never disagree.
//
// Active menus are those with active = 1, for this location or every
// location, whose dayparts cover the local time (location timezone). The
// rendering lists their categories in order and, in each, the available items
// with their modifier groups and available options. The snapshot holds every
// item of those menus, an item marked unavailable when it is switched off, so
// ordering it gets "not available" rather than "unknown". valid_until is the
// next daypart boundary: the cache holding a view must rebuild it then, or when
// sync changes the menu.
//
// build_menu_view() fails with kFailedPrecondition while the replica has no
// tenant or location row yet (not ready), and kDataLoss for rows it cannot read
// (bad dayparts JSON), naming them.
//
// Thread safety: a MenuView is immutable once built; share it freely.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "node/menu/daypart.h"
#include "node/pricing/menu_snapshot.h"
#include "storage/database.h"

namespace larder::menu {

struct MenuView {
  std::string body;  // application/json
  std::string etag;  // quoted, strong
  pricing::MenuSnapshot snapshot;
  std::string location_id;
  std::string timezone;
  std::optional<SysTime> valid_until;
  int item_count = 0;  // items shown
};

Result<std::shared_ptr<const MenuView>> build_menu_view(storage::Database& db,
                                                        const std::string& location_id,
                                                        SysTime now);

}  // namespace larder::menu
