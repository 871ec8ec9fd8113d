// Env: the seams for time and randomness (STYLE.md: leveldb's Env).
//
// Production code takes an Env& instead of calling the system clock or RNG
// directly, so tests can freeze time, step it, or make "random" ids
// repeatable. system_env() is the real thing; FakeEnv is for tests.
//
// Thread safety: system_env() is safe from any thread. FakeEnv is guarded by
// its own mutex.
#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

namespace larder {

class Env {
 public:
  virtual ~Env() = default;
  // Wall-clock time in milliseconds since the Unix epoch (timestamps, UUIDv7).
  virtual std::int64_t now_unix_ms() = 0;
  // Monotonic time in milliseconds (timeouts, backoff); unrelated to the wall clock.
  virtual std::int64_t monotonic_ms() = 0;
  // Cryptographically strong random bytes. Aborts if the system RNG fails,
  // because continuing with weak keys or ids would be worse than stopping.
  virtual void random_bytes(std::uint8_t* out, std::size_t size) = 0;
};

// The process-wide real Env (system clocks, OpenSSL RAND_bytes).
Env& system_env();

// A deterministic Env for tests: time moves only when told, randomness is a
// seeded xorshift stream (not for keys outside tests).
class FakeEnv : public Env {
 public:
  explicit FakeEnv(std::int64_t start_unix_ms = 1'700'000'000'000, std::uint64_t seed = 42)
      : now_(start_unix_ms), mono_(0), state_(seed ? seed : 1) {}
  std::int64_t now_unix_ms() override;
  std::int64_t monotonic_ms() override;
  void random_bytes(std::uint8_t* out, std::size_t size) override;
  void advance_ms(std::int64_t ms);

 private:
  std::mutex mu_;
  std::int64_t now_;
  std::int64_t mono_;
  std::uint64_t state_;
};

}  // namespace larder
