// The sync cursor: where a device stands in its feed (DESIGN.md decision 4).
//
// A device's feed merges two scopes, each with its own version counter: the
// tenant's (menu rows) and its location's (the location row and order
// statuses). The cursor carries both, and for each the end of the snapshot a
// read from zero is paging through (sync/hub/db/FEED.md). On the wire it is
// opaque text; the node stores and returns it unchanged and must not parse
// it. Two spellings, in decimal:
//
//   v1.<tenant>.<location>.<tenant_snapshot_end>.<location_snapshot_end>
//   v2.<tenant>.<location>.<tenant_snapshot_end>.<location_snapshot_end>.<tenant_key>.<location_key>
//
// v2 is used only while a snapshot is paged by key (a staged bootstrap or
// resync, FEED.md "Staged snapshots"); each key is "-" when that scope is
// not in such a snapshot, else the base64url (no padding) of the table name,
// a NUL byte and the row key of the last row delivered (just the NUL before
// the first row). Every other position is spelt v1, as it always was, so
// cursors issued before v2 existed decode unchanged. "" and "0" both mean
// cursor zero: the full current state. decode_cursor() refuses anything else
// (other versions, non-canonical spellings, a key outside a snapshot, more
// than kMaxCursorLength characters) with kInvalidArgument (a 400
// "bad_cursor" on the wire).
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace larder::sync {

// The longest cursor a hub issues (a v2 cursor with two long row keys stays
// far below it); a node accepts cursors up to this length.
constexpr std::size_t kMaxCursorLength = 1024;

// How far a snapshot paged by key has got in one scope: the primary key of
// the last row delivered; both empty before the first row.
struct SnapshotKey {
  std::string table;
  std::string row_key;
  bool operator==(const SnapshotKey&) const = default;
};

struct FeedPosition {
  std::int64_t tenant_version = 0;
  std::int64_t location_version = 0;
  std::int64_t tenant_snapshot_end = 0;
  std::int64_t location_snapshot_end = 0;
  // Set only while that scope's snapshot is paged by key (its version is
  // then 0 and its snapshot_end positive).
  std::optional<SnapshotKey> tenant_snapshot_key;
  std::optional<SnapshotKey> location_snapshot_key;
  bool operator==(const FeedPosition&) const = default;
};

std::string encode_cursor(const FeedPosition& position);
Result<FeedPosition> decode_cursor(std::string_view cursor);

}  // namespace larder::sync
