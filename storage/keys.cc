#include "storage/keys.h"

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "base/atomic_file.h"
#include "base/hex.h"

namespace larder::storage {
namespace {

bool is_systemd_credential(const std::string& path) {
  const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
  if (dir == nullptr || *dir == '\0') return false;
  std::string prefix = std::string(dir) + "/";
  return path.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

Result<SecretKey> load_master_key(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return not_found("master key " + path + " does not exist");
    return unavailable("master key " + path + ": " + errno_text(errno));
  }
  if ((st.st_mode & 077) != 0 && !is_systemd_credential(path)) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 0777));
    return permission_denied("master key " + path + " is readable by others (mode " + mode +
                             "); run: chmod 600 " + path);
  }
  LARDER_ASSIGN_OR_RETURN(std::string content, read_file(path));
  SecretKey key;
  if (content.size() == SecretKey::kSize) {
    std::copy(content.begin(), content.end(), key.data());
    wipe(content);
    return key;
  }
  std::string hex = content;
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) hex.pop_back();
  wipe(content);
  if (hex.size() != 2 * SecretKey::kSize) {
    wipe(hex);
    return invalid_argument("master key " + path +
                            " must hold 32 bytes or 64 hex digits; it holds something else");
  }
  auto bytes = from_hex(hex);
  wipe(hex);
  if (!bytes.is_ok())
    return invalid_argument("master key " + path + ": " + bytes.status().message());
  std::copy(bytes->begin(), bytes->end(), key.data());
  std::fill(bytes->begin(), bytes->end(), 0);
  return key;
}

SecretKey random_key(Env& env) {
  SecretKey key;
  env.random_bytes(key.data(), SecretKey::kSize);
  return key;
}

Status write_key_file(const std::string& path, const SecretKey& key) {
  std::string content = to_hex(key.data(), SecretKey::kSize) + "\n";
  Status s = write_file_atomically(path, content, 0600);
  wipe(content);
  return s;
}

Result<SecretKey> load_or_create_master_key(const std::string& path, Env& env,
                                            const std::vector<std::string>& encrypted_files) {
  auto loaded = load_master_key(path);
  if (loaded.is_ok() || loaded.status().code() != Code::kNotFound) return loaded;
  if (!encrypted_files.empty()) {
    std::string files;
    for (const std::string& f : encrypted_files) files += (files.empty() ? "" : ", ") + f;
    return failed_precondition(
        "master key " + path + " does not exist, but " + std::to_string(encrypted_files.size()) +
        " database(s) encrypted under it do (" + files +
        "): a new key could not open them, so none is made. Restore the key file (or the "
        "systemd credential) from where it was; to start afresh instead, move the databases away");
  }
  SecretKey key = random_key(env);
  LARDER_RETURN_IF_ERROR(write_key_file(path, key).with_context("creating the master key"));
  return key;
}

Result<SecretKey> derive_tenant_key(const SecretKey& master, const SecretKey& salt,
                                    std::string_view tenant_id) {
  std::string info = "larder/tenant-db/v1/" + std::string(tenant_id);
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  if (kdf == nullptr) return internal_error("OpenSSL has no HKDF");
  EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(kdf);
  EVP_KDF_free(kdf);
  if (ctx == nullptr) return internal_error("OpenSSL could not allocate an HKDF context");
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
                                        const_cast<std::uint8_t*>(master.data()), SecretKey::kSize),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<std::uint8_t*>(salt.data()),
                                        SecretKey::kSize),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info.data(), info.size()),
      OSSL_PARAM_construct_end(),
  };
  SecretKey out;
  int rc = EVP_KDF_derive(ctx, out.data(), SecretKey::kSize, params);
  EVP_KDF_CTX_free(ctx);
  if (rc != 1) return internal_error("HKDF-SHA256 derivation failed");
  return out;
}

}  // namespace larder::storage
