#include "storage/tenant_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include "base/atomic_file.h"
#include "storage/migrations.h"

namespace larder::storage {
namespace fs = std::filesystem;

bool is_valid_tenant_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

static Status check_tenant_id(const std::string& id) {
  if (is_valid_tenant_id(id)) return Status::ok();
  return invalid_argument("tenant id \"" + id.substr(0, 80) +
                          "\" must be 1-64 characters of A-Z, a-z, 0-9, '-' and '_'");
}

static Status make_private_dir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return unavailable("creating directory " + dir + ": " + ec.message());
  if (::chmod(dir.c_str(), 0700) != 0) {
    return unavailable("chmod 700 " + dir + ": " + errno_text(errno));
  }
  return Status::ok();
}

// The tenants with a database and a salt under data_dir, sorted.
static Result<std::vector<std::string>> list_tenants(const std::string& data_dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(data_dir + "/tenants", ec)) {
    const fs::path& p = entry.path();
    if (p.extension() != ".db") continue;
    std::string id = p.stem().string();
    // A database without its salt is a shred that a crash interrupted: not a tenant.
    if (is_valid_tenant_id(id) && fs::exists(data_dir + "/tenants/" + id + ".salt")) {
      out.push_back(id);
    }
  }
  if (ec) return unavailable("listing " + data_dir + "/tenants: " + ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

// SQLite creates a database 0644 (less the umask) and gives its -wal and -shm
// the database's mode. Creating the file 0600 first, empty (which SQLite takes
// as a new database), keeps all three private whatever the umask; files made
// by an older version are tightened when they open.
static Status make_private_database(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
    return Status::ok();
  }
  if (errno != EEXIST) return unavailable("creating " + path + ": " + errno_text(errno));
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::string file = path + suffix;
    struct stat st {};
    if (::stat(file.c_str(), &st) == 0 && (st.st_mode & 077) != 0 &&
        ::chmod(file.c_str(), 0600) != 0) {
      return unavailable("chmod 600 " + file + ": " + errno_text(errno));
    }
  }
  return Status::ok();
}

TenantStore::TenantStore(TenantStoreOptions options, std::string master_key_path, SecretKey master,
                         Env& env)
    : options_(std::move(options)),
      master_key_path_(std::move(master_key_path)),
      master_(master),
      env_(env) {}

Result<std::unique_ptr<TenantStore>> TenantStore::open(const TenantStoreOptions& options,
                                                       Env& env) {
  if (options.data_dir.empty()) return invalid_argument("the data directory is not set");
  LARDER_RETURN_IF_ERROR(make_private_dir(options.data_dir));
  LARDER_RETURN_IF_ERROR(make_private_dir(options.data_dir + "/tenants"));
  std::string key_path =
      options.master_key_path.empty() ? options.data_dir + "/master.key" : options.master_key_path;
  LARDER_ASSIGN_OR_RETURN(std::vector<std::string> ids, list_tenants(options.data_dir));
  std::vector<std::string> databases;
  for (const std::string& id : ids)
    databases.push_back(options.data_dir + "/tenants/" + id + ".db");
  LARDER_ASSIGN_OR_RETURN(SecretKey master, load_or_create_master_key(key_path, env, databases));
  std::unique_ptr<TenantStore> store(new TenantStore(options, key_path, master, env));
  if (fs::exists(key_path + ".next")) {
    LARDER_RETURN_IF_ERROR(store->finish_rekey().with_context("finishing an interrupted rekey"));
  }
  return store;
}

std::string TenantStore::database_path(const std::string& id) const {
  return options_.data_dir + "/tenants/" + id + ".db";
}

std::string TenantStore::salt_path(const std::string& id) const {
  return options_.data_dir + "/tenants/" + id + ".salt";
}

OpenOptions TenantStore::open_options(const std::string& id, bool create) const {
  OpenOptions o;
  o.label = "tenant " + id;
  o.vfs = options_.vfs;
  o.create = create;
  o.busy_timeout_ms = options_.busy_timeout_ms;
  return o;
}

Result<SecretKey> TenantStore::tenant_key(const SecretKey& master, const std::string& id,
                                          bool create) {
  auto salt = load_master_key(salt_path(id));  // same format and mode rules as a key file
  if (!salt.is_ok() && salt.status().code() == Code::kNotFound && create) {
    SecretKey fresh = random_key(env_);
    LARDER_RETURN_IF_ERROR(write_key_file(salt_path(id), fresh));
    salt = fresh;
  }
  if (!salt.is_ok()) {
    if (salt.status().code() == Code::kNotFound) {
      return not_found("tenant " + id + " has no key salt (never created, or shredded)");
    }
    return salt.status().with_context("tenant " + id);
  }
  return derive_tenant_key(master, *salt, id);
}

Result<std::unique_ptr<Database>> TenantStore::open_tenant(const std::string& id, bool create) {
  LARDER_RETURN_IF_ERROR(check_tenant_id(id));
  if (!create && !has_tenant(id)) return not_found("tenant " + id + " is not on this device");
  LARDER_ASSIGN_OR_RETURN(SecretKey key, tenant_key(master_, id, create));
  LARDER_RETURN_IF_ERROR(make_private_database(database_path(id)));
  LARDER_ASSIGN_OR_RETURN(auto db,
                          Database::open(database_path(id), key, open_options(id, create)));
  LARDER_RETURN_IF_ERROR(migrate(*db, replica_migrations()));
  return db;
}

bool TenantStore::has_tenant(const std::string& id) const {
  return is_valid_tenant_id(id) && fs::exists(database_path(id)) && fs::exists(salt_path(id));
}

Result<std::vector<std::string>> TenantStore::tenants() const {
  return list_tenants(options_.data_dir);
}

Status TenantStore::rekey_all() {
  std::string next_path = master_key_path_ + ".next";
  if (!fs::exists(next_path)) {
    LARDER_RETURN_IF_ERROR(write_key_file(next_path, random_key(env_)));
  }
  return finish_rekey();
}

// Re-encrypts every tenant still under the old master key, then makes the new
// key current. Safe to run again after a crash at any point: a tenant already
// on the new key is recognised and skipped.
Status TenantStore::finish_rekey() {
  std::string next_path = master_key_path_ + ".next";
  LARDER_ASSIGN_OR_RETURN(SecretKey next, load_master_key(next_path));
  LARDER_ASSIGN_OR_RETURN(std::vector<std::string> ids, tenants());
  for (const std::string& id : ids) {
    LARDER_ASSIGN_OR_RETURN(SecretKey old_key, tenant_key(master_, id, false));
    LARDER_ASSIGN_OR_RETURN(SecretKey new_key, tenant_key(next, id, false));
    auto db = Database::open(database_path(id), old_key, open_options(id, false));
    if (!db.is_ok() && db.status().code() == Code::kPermissionDenied) {
      // Not under the old key: it must already be under the new one.
      LARDER_ASSIGN_OR_RETURN(auto done,
                              Database::open(database_path(id), new_key, open_options(id, false)));
      continue;
    }
    if (!db.is_ok()) return db.status();
    LARDER_RETURN_IF_ERROR((*db)->rekey(new_key));
  }
  if (::rename(next_path.c_str(), master_key_path_.c_str()) != 0) {
    return unavailable("renaming " + next_path + " to " + master_key_path_ + ": " +
                       errno_text(errno));
  }
  LARDER_RETURN_IF_ERROR(fsync_directory(fs::path(master_key_path_).parent_path().string()));
  master_ = next;
  return Status::ok();
}

static Status overwrite_in_place(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return unavailable("opening " + path + " to overwrite it: " + errno_text(errno));
  struct stat st {};
  Status s;
  if (::fstat(fd, &st) == 0 && st.st_size > 0) {
    std::string zeros(static_cast<std::size_t>(st.st_size), '\0');
    if (::pwrite(fd, zeros.data(), zeros.size(), 0) != static_cast<ssize_t>(zeros.size()) ||
        ::fsync(fd) != 0) {
      s = unavailable("overwriting " + path + ": " + errno_text(errno));
    }
  }
  ::close(fd);
  return s;
}

static Status destroy_file(const std::string& path, bool overwrite) {
  if (!fs::exists(path)) return Status::ok();
  if (overwrite) LARDER_RETURN_IF_ERROR(overwrite_in_place(path));
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return unavailable("deleting " + path + ": " + errno_text(errno));
  }
  return Status::ok();
}

Status TenantStore::shred(const std::string& id) {
  LARDER_RETURN_IF_ERROR(check_tenant_id(id));
  if (!fs::exists(salt_path(id)) && !fs::exists(database_path(id))) {
    return not_found("tenant " + id + " is not on this device");
  }
  // The salt goes first: once it is gone the database can never be decrypted,
  // even if a crash stops us before the files are deleted.
  LARDER_RETURN_IF_ERROR(destroy_file(salt_path(id), true));
  LARDER_RETURN_IF_ERROR(fsync_directory(options_.data_dir + "/tenants"));
  for (const char* suffix : {"-wal", "-shm", ""}) {
    LARDER_RETURN_IF_ERROR(destroy_file(database_path(id) + suffix, false));
  }
  return fsync_directory(options_.data_dir + "/tenants");
}

}  // namespace larder::storage
