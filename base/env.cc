#include "base/env.h"

#include <openssl/rand.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace larder {
namespace {

class SystemEnv : public Env {
 public:
  std::int64_t now_unix_ms() override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
  std::int64_t monotonic_ms() override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
  }
  void random_bytes(std::uint8_t* out, std::size_t size) override {
    if (RAND_bytes(out, static_cast<int>(size)) != 1) {
      std::fprintf(stderr, "larder: the system random number generator failed\n");
      std::abort();
    }
  }
};

}  // namespace

Env& system_env() {
  static SystemEnv env;
  return env;
}

std::int64_t FakeEnv::now_unix_ms() {
  std::lock_guard<std::mutex> lock(mu_);
  return now_;
}

std::int64_t FakeEnv::monotonic_ms() {
  std::lock_guard<std::mutex> lock(mu_);
  return mono_;
}

void FakeEnv::random_bytes(std::uint8_t* out, std::size_t size) {
  std::lock_guard<std::mutex> lock(mu_);
  for (std::size_t i = 0; i < size; ++i) {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    out[i] = static_cast<std::uint8_t>(state_ >> 24);
  }
}

void FakeEnv::advance_ms(std::int64_t ms) {
  std::lock_guard<std::mutex> lock(mu_);
  now_ += ms;
  mono_ += ms;
}

}  // namespace larder
