#include "storage/page_crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sqlite3.h>

#include <array>
#include <cstring>
#include <mutex>
#include <new>

// SQLCipher's provider interface (sqlcipher.h inside the 4.14.0 amalgamation;
// the symbols have external linkage but no public header). Checked against
// the linked library's version before use.
extern "C" {
struct sqlcipher_provider {
  int (*init)(void);
  void (*shutdown)(void);
  const char* (*get_provider_name)(void* ctx);
  int (*add_random)(void* ctx, const void* buffer, int length);
  int (*random)(void* ctx, void* buffer, int length);
  int (*hmac)(void* ctx, int algorithm, const unsigned char* hmac_key, int key_sz,
              const unsigned char* in, int in_sz, const unsigned char* in2, int in2_sz,
              unsigned char* out);
  int (*kdf)(void* ctx, int algorithm, const unsigned char* pass, int pass_sz,
             const unsigned char* salt, int salt_sz, int workfactor, int key_sz,
             unsigned char* key);
  int (*cipher)(void* ctx, int mode, const unsigned char* key, int key_sz, const unsigned char* iv,
                const unsigned char* in, int in_sz, unsigned char* out);
  const char* (*get_cipher)(void* ctx);
  int (*get_key_sz)(void* ctx);
  int (*get_iv_sz)(void* ctx);
  int (*get_block_sz)(void* ctx);
  int (*get_hmac_sz)(void* ctx, int algorithm);
  int (*ctx_init)(void** ctx);
  int (*ctx_free)(void** ctx);
  int (*fips_status)(void* ctx);
  const char* (*get_provider_version)(void* ctx);
  sqlcipher_provider* next;
};
#ifdef LARDER_PINNED_SQLCIPHER
int sqlcipher_register_provider(sqlcipher_provider* p);
sqlcipher_provider* sqlcipher_get_provider(void);
int sqlcipher_openssl_setup(sqlcipher_provider* p);
void* sqlcipher_malloc(sqlite3_uint64 size);
char* sqlcipher_version(void);
#endif
}

namespace larder::storage {
namespace {

#ifdef LARDER_PINNED_SQLCIPHER
// The version whose struct sqlcipher_provider is mirrored above.
constexpr const char* kProviderAbiVersion = "4.14.0";

constexpr int kEncrypt = 1;       // SQLCIPHER_ENCRYPT
constexpr int kHmacSha1 = 0;      // SQLCIPHER_HMAC_SHA1
constexpr int kHmacSha256 = 1;    // SQLCIPHER_HMAC_SHA256
constexpr int kHmacSha512 = 2;    // SQLCIPHER_HMAC_SHA512
constexpr int kMaxKeyBytes = 64;  // SQLCipher passes its 32-byte keys
constexpr int kOk = SQLITE_OK;
constexpr int kError = SQLITE_ERROR;

// Fetched once by install (never freed: a process-lifetime table, like
// OpenSSL's own).
EVP_MAC* g_hmac = nullptr;
EVP_CIPHER* g_aes = nullptr;

const char* digest_name(int algorithm) {
  switch (algorithm) {
    case kHmacSha1:
      return "SHA1";
    case kHmacSha256:
      return "SHA256";
    case kHmacSha512:
      return "SHA512";
    default:
      return nullptr;
  }
}

// A key remembered to tell whether a context is already keyed with it.
struct KeyCopy {
  std::array<unsigned char, kMaxKeyBytes> bytes{};
  int size = -1;  // -1: not keyed
  int tag = -1;   // the HMAC algorithm, or the cipher direction

  bool matches(const unsigned char* key, int key_sz, int t) const {
    return size == key_sz && tag == t &&
           CRYPTO_memcmp(bytes.data(), key, static_cast<std::size_t>(key_sz)) == 0;
  }
  void remember(const unsigned char* key, int key_sz, int t) {
    std::memcpy(bytes.data(), key, static_cast<std::size_t>(key_sz));
    size = key_sz;
    tag = t;
  }
  void forget() {
    OPENSSL_cleanse(bytes.data(), bytes.size());
    size = -1;
    tag = -1;
  }
};

// Random bytes drawn from OpenSSL in blocks: RAND_bytes costs about as much
// per call for 48 bytes (one page's IV and reserve) as for 4 KiB. They are IVs,
// written to disk in the clear; what matters is that they are unpredictable
// and never reused, which a block of DRBG output, handed out once, keeps.
class RandomPool {
 public:
  ~RandomPool() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }
  bool take(unsigned char* out, int length) {
    if (length < 0) return false;
    auto n = static_cast<std::size_t>(length);
    if (n > bytes_.size()) return RAND_bytes(out, length) == 1;
    if (n > bytes_.size() - used_) {
      if (RAND_bytes(bytes_.data(), static_cast<int>(bytes_.size())) != 1) return false;
      used_ = 0;
    }
    std::memcpy(out, bytes_.data() + used_, n);
    OPENSSL_cleanse(bytes_.data() + used_, n);  // handed out once
    used_ += n;
    return true;
  }

 private:
  std::array<unsigned char, 4096> bytes_{};
  std::size_t used_ = 4096;  // empty
};

// One per SQLCipher codec context (one per open database).
struct ProviderContext {
  RandomPool random;
  EVP_MAC_CTX* mac = nullptr;
  KeyCopy mac_key;
  EVP_CIPHER_CTX* cipher[2] = {nullptr, nullptr};  // [decrypt, encrypt]
  KeyCopy cipher_key[2];

  ~ProviderContext() {
    mac_key.forget();
    cipher_key[0].forget();
    cipher_key[1].forget();
    EVP_MAC_CTX_free(mac);
    EVP_CIPHER_CTX_free(cipher[0]);
    EVP_CIPHER_CTX_free(cipher[1]);
  }
};

int larder_ctx_init(void** ctx) {
  *ctx = new (std::nothrow) ProviderContext();
  return *ctx != nullptr ? kOk : SQLITE_NOMEM;
}

int larder_ctx_free(void** ctx) {
  delete static_cast<ProviderContext*>(*ctx);
  *ctx = nullptr;
  return kOk;
}

const char* larder_provider_name(void*) { return kLarderProviderName; }

int larder_random(void* vctx, void* buffer, int length) {
  auto* out = static_cast<unsigned char*>(buffer);
  auto* ctx = static_cast<ProviderContext*>(vctx);
  if (ctx == nullptr) return RAND_bytes(out, length) == 1 ? kOk : kError;
  return ctx->random.take(out, length) ? kOk : kError;
}

int larder_hmac(void* vctx, int algorithm, const unsigned char* key, int key_sz,
                const unsigned char* in, int in_sz, const unsigned char* in2, int in2_sz,
                unsigned char* out) {
  auto* ctx = static_cast<ProviderContext*>(vctx);
  const char* digest = digest_name(algorithm);
  if (ctx == nullptr || in == nullptr || digest == nullptr || key_sz <= 0 ||
      key_sz > kMaxKeyBytes) {
    return kError;
  }
  if (ctx->mac == nullptr && (ctx->mac = EVP_MAC_CTX_new(g_hmac)) == nullptr) return kError;
  if (ctx->mac_key.matches(key, key_sz, algorithm)) {
    // Same key: restart from the keyed state (no key schedule, no lookup).
    if (EVP_MAC_init(ctx->mac, nullptr, 0, nullptr) != 1) return kError;
  } else {
    ctx->mac_key.forget();
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", const_cast<char*>(digest), 0),
                           OSSL_PARAM_construct_end()};
    if (EVP_MAC_init(ctx->mac, key, static_cast<std::size_t>(key_sz), params) != 1) {
      return kError;
    }
    ctx->mac_key.remember(key, key_sz, algorithm);
  }
  if (EVP_MAC_update(ctx->mac, in, static_cast<std::size_t>(in_sz)) != 1) return kError;
  if (in2 != nullptr && EVP_MAC_update(ctx->mac, in2, static_cast<std::size_t>(in2_sz)) != 1) {
    return kError;
  }
  std::size_t size = EVP_MAC_CTX_get_mac_size(ctx->mac);
  std::size_t written = 0;
  if (EVP_MAC_final(ctx->mac, out, &written, size) != 1 || written != size) return kError;
  return kOk;
}

int larder_cipher(void* vctx, int mode, const unsigned char* key, int key_sz,
                  const unsigned char* iv, const unsigned char* in, int in_sz, unsigned char* out) {
  auto* ctx = static_cast<ProviderContext*>(vctx);
  if (ctx == nullptr || key_sz <= 0 || key_sz > kMaxKeyBytes ||
      key_sz != EVP_CIPHER_get_key_length(g_aes) || in_sz % EVP_CIPHER_get_block_size(g_aes) != 0) {
    return kError;
  }
  const int dir = mode == kEncrypt ? 1 : 0;
  EVP_CIPHER_CTX*& c = ctx->cipher[dir];
  if (c == nullptr && (c = EVP_CIPHER_CTX_new()) == nullptr) return kError;
  if (ctx->cipher_key[dir].matches(key, key_sz, dir)) {
    // Same key: only the IV changes; the expanded key is kept.
    if (EVP_CipherInit_ex2(c, nullptr, nullptr, iv, dir, nullptr) != 1) return kError;
  } else {
    ctx->cipher_key[dir].forget();
    // Pages are whole blocks: no padding. The setting stays with the context
    // across the IV-only restarts above.
    if (EVP_CipherInit_ex2(c, g_aes, key, iv, dir, nullptr) != 1 ||
        EVP_CIPHER_CTX_set_padding(c, 0) != 1) {
      return kError;
    }
    ctx->cipher_key[dir].remember(key, key_sz, dir);
  }
  // Without padding, Update encrypts or decrypts every whole block it is given
  // and holds nothing back, so no Final is needed; n checks that it did.
  int n = 0;
  if (EVP_CipherUpdate(c, out, &n, in, in_sz) != 1 || n != in_sz) return kError;
  return kOk;
}

// HMAC restarted with a NULL key must equal a fresh one; OpenSSL 3.0.0-3.0.x
// releases before the fix skipped the restart. Checked once before install.
bool hmac_restart_works() {
  ProviderContext ctx;
  const std::array<unsigned char, 32> key{1, 2, 3, 4, 5, 6, 7, 8};
  const unsigned char msg1[] = "first page";
  const unsigned char msg2[] = "second page";
  std::array<unsigned char, 32> restarted{}, fresh{};
  if (larder_hmac(&ctx, kHmacSha256, key.data(), 32, msg1, sizeof msg1, nullptr, 0,
                  restarted.data()) != kOk ||
      larder_hmac(&ctx, kHmacSha256, key.data(), 32, msg2, sizeof msg2, nullptr, 0,
                  restarted.data()) != kOk) {
    return false;
  }
  std::size_t n = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(), msg2,
                sizeof msg2, fresh.data(), fresh.size(), &n) == nullptr) {
    return false;
  }
  return n == fresh.size() && restarted == fresh;
}

sqlcipher_provider* g_larder = nullptr;  // owned by SQLCipher once registered
sqlcipher_provider* g_stock = nullptr;   // the default SQLCipher registered at init

bool version_matches() {
  char* v = sqlcipher_version();  // "4.14.0 community", say
  const std::size_t n = std::strlen(kProviderAbiVersion);
  bool ok =
      v != nullptr && std::strncmp(v, kProviderAbiVersion, n) == 0 && (v[n] == ' ' || v[n] == '\0');
  sqlite3_free(v);
  return ok;
}

PageCrypto install_once() {
  if (sqlite3_initialize() != SQLITE_OK || !version_matches()) return PageCrypto::kStock;
  g_stock = sqlcipher_get_provider();
  if (g_stock == nullptr) return PageCrypto::kStock;
  g_hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  g_aes = EVP_CIPHER_fetch(nullptr, "AES-256-CBC", nullptr);
  if (g_hmac == nullptr || g_aes == nullptr || !hmac_restart_works()) return PageCrypto::kStock;
  // SQLCipher frees registered providers with sqlcipher_free at shutdown, so
  // ours comes from its allocator.
  auto* p = static_cast<sqlcipher_provider*>(sqlcipher_malloc(sizeof(sqlcipher_provider)));
  if (p == nullptr) return PageCrypto::kStock;
  sqlcipher_openssl_setup(p);  // key derivation, names and sizes stay the stock ones
  p->get_provider_name = larder_provider_name;
  p->random = larder_random;
  p->hmac = larder_hmac;
  p->cipher = larder_cipher;
  p->ctx_init = larder_ctx_init;
  p->ctx_free = larder_ctx_free;
  p->next = nullptr;
  if (sqlcipher_register_provider(p) != SQLITE_OK) return PageCrypto::kStock;
  g_larder = p;
  return PageCrypto::kLarder;
}
#endif

}  // namespace

PageCrypto install_page_crypto() {
#ifdef LARDER_PINNED_SQLCIPHER
  static std::once_flag once;
  static PageCrypto result = PageCrypto::kStock;
  std::call_once(once, [] { result = install_once(); });
  return result;
#else
  return PageCrypto::kStock;
#endif
}

Status use_page_crypto_for_testing(PageCrypto which) {
  // First, so that the stock provider is known before switching back to it.
  if (install_page_crypto() != PageCrypto::kLarder && which == PageCrypto::kLarder) {
    return failed_precondition(
        "Larder's page crypto provider is not available in this build (it needs the pinned "
        "SQLCipher 4.14.0)");
  }
#ifdef LARDER_PINNED_SQLCIPHER
  sqlcipher_provider* p = which == PageCrypto::kLarder ? g_larder : g_stock;
  if (p != nullptr && sqlcipher_register_provider(p) != SQLITE_OK) {
    return internal_error("SQLCipher refused to switch crypto providers");
  }
#endif
  return Status::ok();
}

}  // namespace larder::storage
