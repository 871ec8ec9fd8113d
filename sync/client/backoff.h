// Backoff: how long to wait before retrying the hub after a failure.
//
// Exponential from `initial` to `max`, with "equal jitter": the delay is half
// the exponential step plus a random half, so a fleet of devices that lost
// the same hub at once does not come back at the same instant. reset() after a
// success. Randomness comes from the Env seam, so tests are repeatable.
//
// Thread safety: one owner.
#pragma once

#include <chrono>

#include "base/env.h"

namespace larder::sync {

class Backoff {
 public:
  Backoff(Env& env, std::chrono::milliseconds initial, std::chrono::milliseconds max)
      : env_(env), initial_(initial), max_(max) {}
  std::chrono::milliseconds next();
  void reset() { attempt_ = 0; }
  int attempt() const { return attempt_; }

 private:
  Env& env_;
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds max_;
  int attempt_ = 0;
};

}  // namespace larder::sync
