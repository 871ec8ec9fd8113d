// The sync cursor: where a device stands in its feed (DESIGN.md decision 4).
//
// A device's feed merges two scopes, each with its own version counter: the
// tenant's (menu rows) and its location's (the location row and order
// statuses). The cursor carries both, and for each the end of the snapshot a
// read from zero is paging through (sync/hub/db/FEED.md). On the wire it is
// opaque text, "v1.<tenant>.<location>.<tenant_snapshot_end>.<location_snapshot_end>"
// in decimal; the node stores and returns it unchanged and must not parse it. "" and "0" both mean cursor
// zero: the full current state. decode_cursor() refuses anything else with
// kInvalidArgument (a 400 "bad_cursor" on the wire).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace larder::sync {

struct FeedPosition {
  std::int64_t tenant_version = 0;
  std::int64_t location_version = 0;
  std::int64_t tenant_snapshot_end = 0;
  std::int64_t location_snapshot_end = 0;
  bool operator==(const FeedPosition&) const = default;
};

std::string encode_cursor(const FeedPosition& position);
Result<FeedPosition> decode_cursor(std::string_view cursor);

}  // namespace larder::sync
