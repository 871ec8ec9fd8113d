#include "base/uuid.h"

#include <doctest/doctest.h>

#include <set>

namespace larder {

TEST_CASE("uuid v7 has version, variant and the time prefix, and sorts by time") {
  FakeEnv env(0x0190'0000'0000, 7);
  std::string a = new_uuid_v7(env);
  CHECK(is_uuid(a));
  CHECK(a.substr(0, 13) == "01900000-0000");
  CHECK(a[14] == '7');
  CHECK(std::string("89ab").find(a[19]) != std::string::npos);
  env.advance_ms(1);
  std::string b = new_uuid_v7(env);
  CHECK(a < b);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(new_uuid_v7(system_env()));
  CHECK(seen.size() == 1000);
}

TEST_CASE("is_uuid refuses near misses") {
  CHECK(is_uuid("01900000-0000-7000-8000-000000000000"));
  CHECK_FALSE(is_uuid("01900000-0000-7000-8000-00000000000"));
  CHECK_FALSE(is_uuid("01900000_0000-7000-8000-000000000000"));
  CHECK_FALSE(is_uuid("0190000g-0000-7000-8000-000000000000"));
  CHECK_FALSE(is_uuid(""));
}

}  // namespace larder
