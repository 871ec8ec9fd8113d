#include "sync/client/backoff.h"

#include <algorithm>
#include <cstdint>

namespace larder::sync {

std::chrono::milliseconds Backoff::next() {
  std::int64_t step = initial_.count();
  for (int i = 0; i < attempt_ && step < max_.count(); ++i) step *= 2;
  step = std::min<std::int64_t>(step, max_.count());
  if (attempt_ < 62) ++attempt_;
  std::uint8_t r[4];
  env_.random_bytes(r, sizeof r);
  std::uint32_t x = static_cast<std::uint32_t>(r[0]) << 24 | static_cast<std::uint32_t>(r[1]) << 16 |
                    static_cast<std::uint32_t>(r[2]) << 8 | r[3];
  std::int64_t half = step / 2;
  std::int64_t jitter = half == 0 ? 0 : static_cast<std::int64_t>(x % static_cast<std::uint64_t>(half + 1));
  return std::chrono::milliseconds(half + jitter);
}

}  // namespace larder::sync
