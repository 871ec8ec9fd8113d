#include "sync/protocol/cursor.h"

#include <doctest/doctest.h>

namespace larder::sync {

TEST_CASE("cursor round trip, zero spellings, and refusals") {
  FeedPosition p{123, 45, 200, 0};
  CHECK(encode_cursor(p) == "v1.123.45.200.0");
  CHECK(*decode_cursor("v1.123.45.200.0") == p);
  CHECK(*decode_cursor("") == FeedPosition{});
  CHECK(*decode_cursor("0") == FeedPosition{});
  CHECK(*decode_cursor("v1.0.0.0.0") == FeedPosition{});
  for (const char* bad : {"v1.", "v1.1", "v1.1.1.1", "v1.1.1.1.", "v1..1.1.1", "v2.1.1.1.1",
                          "v1.-1.0.0.0", "v1.01.0.0.0", "v1.1.1.1.1.1", "v1.1.x.1.1",
                          "v1.9999999999999999999.0.0.0", "garbage"}) {
    CAPTURE(bad);
    auto r = decode_cursor(bad);
    CHECK(r.status().code() == Code::kInvalidArgument);
  }
  CHECK(decode_cursor("nope").status().message() == "cursor \"nope\" is not one this hub issued");
}

}  // namespace larder::sync
