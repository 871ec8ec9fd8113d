#include "base/hex.h"

#include <doctest/doctest.h>

namespace larder {

TEST_CASE("hex round trip and strict decoding") {
  std::vector<std::uint8_t> bytes{0x00, 0x7f, 0x80, 0xff, 0x1a};
  CHECK(to_hex(bytes) == "007f80ff1a");
  auto back = from_hex("007F80ff1A");
  REQUIRE(back.is_ok());
  CHECK(*back == bytes);
  CHECK(from_hex("abc").status().code() == Code::kInvalidArgument);
  CHECK(from_hex("zz").status().code() == Code::kInvalidArgument);
  CHECK(from_hex("").is_ok());
}

}  // namespace larder

#include "base/percent_encoding.h"

namespace larder {

TEST_CASE("percent encoding keeps unreserved characters only") {
  CHECK(percent_encode("v1.2.3.0.0") == "v1.2.3.0.0");
  CHECK(percent_encode("a b/c?d=é~_-") == "a%20b%2Fc%3Fd%3D%C3%A9~_-");
  CHECK(percent_encode("") == "");
  CHECK(*percent_decode("a%20b+c", true) == "a b c");
  CHECK(*percent_decode("a+b", false) == "a+b");
  CHECK_FALSE(percent_decode("%2", true).has_value());
  CHECK_FALSE(percent_decode("%zz", true).has_value());
  auto q = parse_query("cursor=v1.2&wait=&tenant=a%2Fb&&flag");
  REQUIRE(q.has_value());
  CHECK(q->size() == 4);
  CHECK((*q)[2].second == "a/b");
  CHECK((*q)[3].first == "flag");
  CHECK_FALSE(parse_query("x=%G1").has_value());
}

}  // namespace larder
