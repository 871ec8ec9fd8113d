#include "sync/protocol/cursor.h"

#include <doctest/doctest.h>

namespace larder::sync {

namespace {
FeedPosition position(std::int64_t t, std::int64_t l, std::int64_t tse, std::int64_t lse) {
  FeedPosition p;
  p.tenant_version = t;
  p.location_version = l;
  p.tenant_snapshot_end = tse;
  p.location_snapshot_end = lse;
  return p;
}
}  // namespace

TEST_CASE("cursor round trip, zero spellings, and refusals") {
  FeedPosition p = position(123, 45, 200, 0);
  CHECK(encode_cursor(p) == "v1.123.45.200.0");
  CHECK(*decode_cursor("v1.123.45.200.0") == p);
  CHECK(*decode_cursor("") == FeedPosition{});
  CHECK(*decode_cursor("0") == FeedPosition{});
  CHECK(*decode_cursor("v1.0.0.0.0") == FeedPosition{});
  for (const char* bad :
       {"v1.", "v1.1", "v1.1.1.1", "v1.1.1.1.", "v1..1.1.1", "v3.1.1.1.1", "v1.-1.0.0.0",
        "v1.01.0.0.0", "v1.1.1.1.1.1", "v1.1.x.1.1", "v1.9999999999999999999.0.0.0", "garbage"}) {
    CAPTURE(bad);
    auto r = decode_cursor(bad);
    CHECK(r.status().code() == Code::kInvalidArgument);
  }
  CHECK(decode_cursor("nope").status().message() == "cursor \"nope\" is not one this hub issued");
}

TEST_CASE("cursors issued before staged snapshots decode as they always did") {
  // The spellings hubs have handed out (and nodes stored) so far.
  CHECK(*decode_cursor("v1.2.1.2.0") == position(2, 1, 2, 0));
  CHECK(*decode_cursor("v1.0.0.7.3") == position(0, 0, 7, 3));
  CHECK(encode_cursor(position(2, 1, 2, 0)) == "v1.2.1.2.0");
}

TEST_CASE("a position inside a staged snapshot round-trips as v2") {
  FeedPosition p = position(0, 4, 17, 0);
  p.tenant_snapshot_key =
      SnapshotKey{"item_modifiers", R"({"item_id": "0190b3c5-0003-7000-8000-000000000001", )"
                                    R"("modifier_id": "0190b3c5-0004-7000-8000-000000000001"})"};
  std::string c = encode_cursor(p);
  CHECK(c.rfind("v2.0.4.17.0.", 0) == 0);
  CHECK(c.size() < 200);
  CHECK(c.size() <= kMaxCursorLength);
  CHECK(c.find_first_not_of("v0123456789.ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_") ==
        std::string::npos);
  CHECK(c.substr(c.size() - 2) == ".-");
  CHECK(*decode_cursor(c) == p);

  // Before the first row; in the location scope; both; non-ASCII keys.
  FeedPosition start = position(0, 0, 9, 0);
  start.tenant_snapshot_key = SnapshotKey{};
  CHECK(encode_cursor(start) == "v2.0.0.9.0.AA.-");
  CHECK(*decode_cursor("v2.0.0.9.0.AA.-") == start);
  FeedPosition loc = position(12, 0, 0, 5);
  loc.location_snapshot_key = SnapshotKey{"orders", R"({"id": "x"})"};
  CHECK(*decode_cursor(encode_cursor(loc)) == loc);
  FeedPosition both = position(0, 0, 3, 5);
  both.tenant_snapshot_key = SnapshotKey{"items", "{\"id\": \"caf\xc3\xa9\"}"};
  both.location_snapshot_key = SnapshotKey{"locations", ""};
  CHECK(*decode_cursor(encode_cursor(both)) == both);
  for (std::size_t n = 0; n < 7; ++n) {  // every base64 tail length
    FeedPosition q = position(0, 0, 1, 0);
    q.tenant_snapshot_key = SnapshotKey{std::string(n, 't'), std::string(n * 2, 'k')};
    CAPTURE(n);
    CHECK(*decode_cursor(encode_cursor(q)) == q);
  }
}

TEST_CASE("v2 cursors that no hub issues are refused") {
  for (const char* bad : {
           "v2.0.0.9.0.-.-",        // no key: that position is spelt v1
           "v2.0.0.9.0.AA",         // a field short
           "v2.0.0.9.0.AA.-.-",     // a field too many
           "v2.3.0.9.0.AA.-",       // a key while the scope already has a version
           "v2.0.0.0.0.AA.-",       // a key outside a snapshot
           "v2.0.0.9.0.AB.-",       // non-canonical base64 (unused bits set)
           "v2.0.0.9.0.AA==.-",     // padding
           "v2.0.0.9.0.A.-",        // impossible length
           "v2.0.0.9.0.aXRlbXM.-",  // "items" without the NUL separator
           "v2.0.0.9.0.AAA.-",      // two NULs
           "v2.0.0.9.0.AP8.-",      // not UTF-8
           "v2.0.0.9.0..-",         // empty key
           "v2.0.0.9.0.A+A.-",      // not base64url
       }) {
    CAPTURE(bad);
    CHECK(decode_cursor(bad).status().code() == Code::kInvalidArgument);
  }
  std::string huge = "v2.0.0.9.0." + std::string(kMaxCursorLength, 'A') + ".-";
  CHECK(decode_cursor(huge).status().code() == Code::kInvalidArgument);
}

}  // namespace larder::sync
