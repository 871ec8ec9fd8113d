// SecretKey: 32 bytes of key material that is wiped from memory when it dies.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace larder::storage {

class SecretKey {
 public:
  static constexpr std::size_t kSize = 32;
  SecretKey() { bytes_.fill(0); }
  explicit SecretKey(const std::array<std::uint8_t, kSize>& bytes) : bytes_(bytes) {}
  SecretKey(const SecretKey&) = default;
  SecretKey& operator=(const SecretKey&) = default;
  ~SecretKey();

  const std::uint8_t* data() const { return bytes_.data(); }
  std::uint8_t* data() { return bytes_.data(); }
  static constexpr std::size_t size() { return kSize; }
  bool operator==(const SecretKey& other) const;

  // The SQLCipher raw-key form: x'<64 hex digits>'. Callers wipe the string.
  std::string sqlcipher_raw_key() const;

 private:
  std::array<std::uint8_t, kSize> bytes_;
};

// Overwrite a string that held a secret before it is freed.
void wipe(std::string& s);

}  // namespace larder::storage
