#include "storage/secret_key.h"

#include <openssl/crypto.h>

#include "base/hex.h"

namespace larder::storage {

SecretKey::~SecretKey() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

bool SecretKey::operator==(const SecretKey& other) const {
  return CRYPTO_memcmp(bytes_.data(), other.bytes_.data(), kSize) == 0;
}

std::string SecretKey::sqlcipher_raw_key() const {
  return "x'" + to_hex(bytes_.data(), bytes_.size()) + "'";
}

void wipe(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
  s.clear();
}

}  // namespace larder::storage
