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
}

}  // namespace larder
