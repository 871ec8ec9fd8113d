// TenantStore: the data directory of one device; one encrypted database per tenant.
//
// Layout (storage/FORMAT.md):
//   <data_dir>/master.key            the device master key (unless a path is given)
//   <data_dir>/master.key.next       only while a rekey is in progress
//   <data_dir>/tenants/<id>.db       the tenant's SQLCipher database (+ -wal, -shm), 0600
//   <data_dir>/tenants/<id>.salt     the tenant's 32-byte key salt (0600)
// The directories are 0700; open_tenant() creates a database 0600 (its -wal
// and -shm take that mode) and tightens one an older version made looser.
//
// open() creates the master key on first start, but refuses
// (kFailedPrecondition, naming the key and the databases) when the key is
// missing while tenant databases exist: a new key could not open them. It
// finishes a rekey that a crash interrupted. open_tenant() derives the tenant's key, opens the file
// and brings its schema up to date; a wrong key or a newer schema is an
// error and leaves the file unchanged. rekey_all() moves every tenant to a new
// master key, crash-safely: the new key is written to master.key.next first,
// each database is re-encrypted in one transaction, and the rename of
// master.key.next over master.key is the commit point. shred() destroys a
// tenant's salt, and with it the only way to derive its key, then deletes its
// files (crypto-shredding: leftover blocks on flash stay unreadable).
//
// Tenant ids are 1-64 characters of [A-Za-z0-9_-]; anything else is
// kInvalidArgument (they become file names).
//
// Thread safety: open_tenant() may be called from several threads; each call
// returns its own connection. rekey_all() and shred() need every connection to
// the affected tenants closed.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/env.h"
#include "base/status.h"
#include "storage/database.h"
#include "storage/keys.h"

namespace larder::storage {

struct TenantStoreOptions {
  std::string data_dir;
  std::string master_key_path;  // empty: <data_dir>/master.key
  std::string vfs;              // SQLite VFS for every database; empty = default
  int busy_timeout_ms = 5000;
};

class TenantStore {
 public:
  static Result<std::unique_ptr<TenantStore>> open(const TenantStoreOptions& options, Env& env);

  // Opens (create = true: creates) the tenant's database, migrated to the latest schema.
  Result<std::unique_ptr<Database>> open_tenant(const std::string& tenant_id, bool create);
  // Tenants with a database in this store, sorted.
  Result<std::vector<std::string>> tenants() const;
  bool has_tenant(const std::string& tenant_id) const;

  Status rekey_all();
  Status shred(const std::string& tenant_id);

  std::string database_path(const std::string& tenant_id) const;
  std::string salt_path(const std::string& tenant_id) const;
  const std::string& master_key_path() const { return master_key_path_; }

 private:
  TenantStore(TenantStoreOptions options, std::string master_key_path, SecretKey master, Env& env);
  Result<SecretKey> tenant_key(const SecretKey& master, const std::string& tenant_id, bool create);
  Status finish_rekey();
  OpenOptions open_options(const std::string& tenant_id, bool create) const;

  TenantStoreOptions options_;
  std::string master_key_path_;
  SecretKey master_;
  Env& env_;
};

// True for a valid tenant id (see above).
bool is_valid_tenant_id(const std::string& tenant_id);

}  // namespace larder::storage
