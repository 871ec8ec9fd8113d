#include "sync/hub/db/credentials.h"

#include <openssl/sha.h>

#include <vector>

#include "base/hex.h"
#include "base/uuid.h"

namespace larder::hub::db {
namespace {

std::string make(Env& env, const char* prefix, std::string_view tenant, std::size_t bytes) {
  std::vector<std::uint8_t> secret(bytes);
  env.random_bytes(secret.data(), secret.size());
  return std::string(prefix) + "." + std::string(tenant) + "." + to_hex(secret);
}

Result<ParsedCredential> parse(std::string_view text, std::string_view prefix, std::size_t hex_len,
                               const char* what) {
  // prefix "." uuid(36) "." hex
  const std::size_t expected = prefix.size() + 1 + 36 + 1 + hex_len;
  if (text.size() != expected || text.substr(0, prefix.size()) != prefix ||
      text[prefix.size()] != '.' || text[prefix.size() + 37] != '.') {
    return permission_denied(std::string("malformed ") + what);
  }
  std::string_view tenant = text.substr(prefix.size() + 1, 36);
  if (!is_uuid(tenant) || !from_hex(text.substr(prefix.size() + 38)).is_ok()) {
    return permission_denied(std::string("malformed ") + what);
  }
  return ParsedCredential{std::string(tenant), sha256_hex(text)};
}

}  // namespace

std::string sha256_hex(std::string_view text) {
  std::uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return to_hex(digest, sizeof(digest));
}

std::string make_enrollment_code(Env& env, std::string_view tenant_id) {
  return make(env, "lde1", tenant_id, 16);
}

std::string make_device_token(Env& env, std::string_view tenant_id) {
  return make(env, "ldt1", tenant_id, 32);
}

Result<ParsedCredential> parse_enrollment_code(std::string_view code) {
  return parse(code, "lde1", 32, "enrollment code");
}

Result<ParsedCredential> parse_device_token(std::string_view token) {
  return parse(token, "ldt1", 64, "device token");
}

}  // namespace larder::hub::db
