// Device master key and per-tenant database keys (DESIGN.md decision 2).
//
// The master key is 32 random bytes in a file of mode 0600 (or a systemd
// credential). It never touches a database. A tenant's database key is
//   HKDF-SHA256(ikm = master key, salt = the tenant's 32-byte salt,
//               info = "larder/tenant-db/v1/" + tenant id)
// and is given to SQLCipher as a raw key, so opening costs no PBKDF2. The
// per-tenant salt (random, stored beside the tenant's database) exists so one
// tenant can be crypto-shredded: destroying its salt destroys its key while
// the master key and every other tenant stay as they are.
//
// Thread safety: pure functions; file functions are safe for distinct paths.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/env.h"
#include "base/status.h"
#include "storage/secret_key.h"

namespace larder::storage {

// Reads a master key file: exactly 32 bytes, or 64 hex digits (with an
// optional trailing newline, as an operator may write one). A file that
// others can read (group or world permission bits) is refused, unless it is
// a systemd credential (read-only, under $CREDENTIALS_DIRECTORY), which
// systemd protects.
Result<SecretKey> load_master_key(const std::string& path);

// Loads the key, or creates one (random, 0600, written atomically) when the
// file does not exist. `encrypted_files` are the files already encrypted under
// keys derived from it (the tenant databases): when any exists, a missing key
// is not replaced but refused with kFailedPrecondition naming the key and the
// files, since a new key could never open them.
Result<SecretKey> load_or_create_master_key(const std::string& path, Env& env,
                                            const std::vector<std::string>& encrypted_files);

// Writes a key file atomically (0600, 64 hex digits and a newline).
Status write_key_file(const std::string& path, const SecretKey& key);

SecretKey random_key(Env& env);

// The tenant's database key. Deterministic for (master, salt, tenant).
Result<SecretKey> derive_tenant_key(const SecretKey& master, const SecretKey& salt,
                                    std::string_view tenant_id);

}  // namespace larder::storage
