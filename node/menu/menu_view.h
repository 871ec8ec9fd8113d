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
// `open` says whether the location's opening hours cover the local time (true
// when it has none); while closed, `opens_at` is when it next opens (within 8
// days). The node refuses orders while `open` is false.
//
// Bad location data. The centre does not check a location's timezone against
// the zone database nor the shape of its opening_hours, and one bad row must
// not stop a store from selling, so neither fails the build:
//   - opening_hours that do not parse (daypart.h): the hours are unknown:
//     `open` is nullopt (null in the body) and the location counts as open,
//     so no order is refused for being closed. Dayparts work as usual.
//   - a timezone the zone database does not know: the local time is unknown,
//     so the hours are unknown as above, and menus with dayparts are neither
//     shown nor sold (nothing is sold outside its daypart); menus without
//     dayparts are served. valid_until is null: fixing the row through sync
//     rebuilds the view.
// Each such field is listed in `problems`, for the caller to log (this
// module does not log).
//
// build_menu_view() fails with kFailedPrecondition while the replica has no
// tenant or location row yet (not ready), and kDataLoss for menu rows it
// cannot read (bad dayparts JSON), naming them.
//
// Thread safety: a MenuView is immutable once built; share it freely.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

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
  int item_count = 0;               // items shown
  std::optional<bool> open;         // nullopt: the hours are unknown (bad location data)
  std::optional<SysTime> opens_at;  // when `open` is false: the next opening, if within 8 days
  // One sentence per location field that could not be read, naming the
  // tenant (the database's label), the location and the field.
  std::vector<std::string> problems;
};

Result<std::shared_ptr<const MenuView>> build_menu_view(storage::Database& db,
                                                        const std::string& location_id,
                                                        SysTime now);

}  // namespace larder::menu
