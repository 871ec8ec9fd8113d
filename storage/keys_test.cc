#include "storage/keys.h"

#include <doctest/doctest.h>
#include <openssl/hmac.h>
#include <sys/stat.h>

#include "base/atomic_file.h"
#include "base/hex.h"
#include "storage/testing/temp_dir.h"

namespace larder::storage {
using testing::TempDir;

namespace {

// HKDF-SHA256 written out from RFC 5869 with plain HMAC, as an independent
// reference for the OpenSSL KDF the product uses.
std::vector<std::uint8_t> reference_hkdf(const SecretKey& ikm, const SecretKey& salt,
                                         const std::string& info) {
  unsigned char prk[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), salt.data(), 32, ikm.data(), 32, prk, &len);
  std::vector<std::uint8_t> msg(info.begin(), info.end());
  msg.push_back(0x01);
  unsigned char okm[32];
  HMAC(EVP_sha256(), prk, 32, msg.data(), msg.size(), okm, &len);
  return std::vector<std::uint8_t>(okm, okm + 32);
}

SecretKey filled(std::uint8_t v) {
  std::array<std::uint8_t, 32> b{};
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::uint8_t>(v + i);
  return SecretKey(b);
}

}  // namespace

TEST_CASE("the master key is created once, 0600, and loads back the same") {
  TempDir dir;
  std::string path = dir.file("master.key");
  FakeEnv env;
  auto created = load_or_create_master_key(path, env, {});
  REQUIRE(created.is_ok());
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto again = load_or_create_master_key(path, env, {});
  REQUIRE(again.is_ok());
  CHECK(*again == *created);
  auto loaded = load_master_key(path);
  REQUIRE(loaded.is_ok());
  CHECK(*loaded == *created);
}

TEST_CASE("a missing master key is not replaced while databases encrypted under it exist") {
  TempDir dir;
  std::string path = dir.file("master.key");
  std::string db = dir.file("acme.db");
  REQUIRE(write_file_atomically(db, "encrypted pages", 0600).is_ok());
  FakeEnv env;
  auto refused = load_or_create_master_key(path, env, {db});
  CHECK(refused.status().code() == Code::kFailedPrecondition);
  CHECK(refused.status().message().find("master key " + path +
                                        " does not exist, but 1 "
                                        "database(s) encrypted under it do (" +
                                        db + ")") == 0);
  struct stat st {};
  CHECK(::stat(path.c_str(), &st) != 0);  // nothing was written
  // An existing key loads whatever else exists.
  auto created = load_or_create_master_key(path, env, {});
  REQUIRE(created.is_ok());
  auto loaded = load_or_create_master_key(path, env, {db});
  REQUIRE(loaded.is_ok());
  CHECK(*loaded == *created);
}

TEST_CASE("a master key readable by others, or of the wrong size, is refused") {
  TempDir dir;
  std::string path = dir.file("master.key");
  REQUIRE(write_file_atomically(path, std::string(64, 'a') + "\n", 0644).is_ok());
  auto open = load_master_key(path);
  CHECK(open.status().code() == Code::kPermissionDenied);
  CHECK(open.status().message() ==
        "master key " + path + " is readable by others (mode 0644); run: chmod 600 " + path);
  REQUIRE(write_file_atomically(path, "short", 0600).is_ok());
  CHECK(load_master_key(path).status().code() == Code::kInvalidArgument);
  REQUIRE(write_file_atomically(path, std::string(64, 'z'), 0600).is_ok());
  CHECK(load_master_key(path).status().code() == Code::kInvalidArgument);
  REQUIRE(write_file_atomically(path, std::string(32, '\x01'), 0600).is_ok());
  CHECK(load_master_key(path).is_ok());  // 32 raw bytes are accepted too
}

TEST_CASE("tenant keys: HKDF-SHA256 as RFC 5869 defines it, distinct per tenant and salt") {
  SecretKey master = filled(1);
  SecretKey salt = filled(100);
  auto k1 = derive_tenant_key(master, salt, "acme");
  REQUIRE(k1.is_ok());
  auto want = reference_hkdf(master, salt, "larder/tenant-db/v1/acme");
  CHECK(to_hex(k1->data(), 32) == to_hex(want));
  CHECK(*derive_tenant_key(master, salt, "acme") == *k1);
  CHECK_FALSE(*derive_tenant_key(master, salt, "acme2") == *k1);
  CHECK_FALSE(*derive_tenant_key(master, filled(101), "acme") == *k1);
  CHECK_FALSE(*derive_tenant_key(filled(2), salt, "acme") == *k1);
}

}  // namespace larder::storage
