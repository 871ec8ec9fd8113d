#include "sync/client/backoff.h"

#include <doctest/doctest.h>

namespace larder::sync {
using std::chrono::milliseconds;

TEST_CASE("backoff doubles with equal jitter up to the cap, and resets") {
  FakeEnv env;
  Backoff b(env, milliseconds(100), milliseconds(1000));
  std::int64_t steps[] = {100, 200, 400, 800, 1000, 1000, 1000};
  for (std::int64_t step : steps) {
    auto d = b.next().count();
    CAPTURE(step);
    CHECK(d >= step / 2);
    CHECK(d <= step);
  }
  b.reset();
  CHECK(b.next().count() <= 100);
  // Jitter: two devices with different randomness do not wait the same.
  FakeEnv other(0, 99);
  Backoff c(other, milliseconds(100), milliseconds(100000));
  Backoff d(env, milliseconds(100), milliseconds(100000));
  bool differ = false;
  for (int i = 0; i < 8; ++i) differ = differ || c.next() != d.next();
  CHECK(differ);
}

}  // namespace larder::sync
