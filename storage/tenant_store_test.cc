#include "storage/tenant_store.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>

#include "storage/migrations.h"
#include "storage/testing/order_fixture.h"
#include "storage/testing/temp_dir.h"

namespace larder::storage {
using testing::TempDir;
namespace fs = std::filesystem;

namespace {

std::unique_ptr<TenantStore> open_store(const std::string& dir, Env& env) {
  TenantStoreOptions o;
  o.data_dir = dir;
  auto store = TenantStore::open(o, env);
  REQUIRE_MESSAGE(store.is_ok(), store.status().to_string());
  return std::move(store).value();
}

void put_order(TenantStore& store, const std::string& tenant, const std::string& order) {
  auto db = store.open_tenant(tenant, true);
  REQUIRE_MESSAGE(db.is_ok(), db.status().to_string());
  REQUIRE(testing::write_test_order(**db, order, 1).is_ok());
}

int order_rows(TenantStore& store, const std::string& tenant, const std::string& order) {
  auto db = store.open_tenant(tenant, false);
  REQUIRE_MESSAGE(db.is_ok(), db.status().to_string());
  return *testing::count_test_order_rows(**db, order);
}

}  // namespace

TEST_CASE("one encrypted, migrated database per tenant under a private data directory") {
  TempDir dir;
  FakeEnv env;
  auto store = open_store(dir.path() + "/data", env);
  put_order(*store, "acme", "o-acme");
  put_order(*store, "globex", "o-globex");
  CHECK(*store->tenants() == std::vector<std::string>{"acme", "globex"});
  CHECK(fs::exists(dir.path() + "/data/tenants/acme.db"));
  CHECK((fs::status(dir.path() + "/data").permissions() & fs::perms::others_all) ==
        fs::perms::none);
  CHECK(order_rows(*store, "acme", "o-acme") == testing::kTestOrderRows);
  CHECK(order_rows(*store, "acme", "o-globex") == 0);  // separate files
  // Each tenant's file opens only with its own key.
  auto keyless = Database::open(store->database_path("acme"), SecretKey(), OpenOptions{});
  CHECK(keyless.status().code() == Code::kPermissionDenied);
  CHECK(store->open_tenant("nobody", false).status().code() == Code::kNotFound);
  for (const char* bad : {"", "../etc", "a/b", "x y", "ü"}) {
    CAPTURE(bad);
    CHECK(store->open_tenant(bad, true).status().code() == Code::kInvalidArgument);
  }
  CHECK(store->open_tenant(std::string(65, 'a'), true).status().code() == Code::kInvalidArgument);
}

TEST_CASE("tenant databases, their WAL and index are private (0600) whatever the umask") {
  TempDir dir;
  FakeEnv env;
  mode_t old_umask = ::umask(022);
  auto store = open_store(dir.path(), env);
  put_order(*store, "acme", "o1");
  auto db = store->open_tenant("acme", false);  // holds the -wal and -shm open
  REQUIRE(db.is_ok());
  auto mode = [](const std::string& path) {
    struct stat st {};
    REQUIRE_MESSAGE(::stat(path.c_str(), &st) == 0, path);
    return st.st_mode & 0777;
  };
  for (const char* suffix : {"", "-wal", "-shm"}) {
    CAPTURE(suffix);
    CHECK(mode(store->database_path("acme") + suffix) == 0600);
  }
  CHECK(mode(store->salt_path("acme")) == 0600);
  // A database an older version left 0644 is tightened when it opens.
  db->reset();
  REQUIRE(::chmod(store->database_path("acme").c_str(), 0644) == 0);
  REQUIRE(store->open_tenant("acme", false).is_ok());
  CHECK(mode(store->database_path("acme")) == 0600);
  ::umask(old_umask);
}

TEST_CASE("a lost master key is not silently replaced while tenant databases exist") {
  TempDir dir;
  FakeEnv env;
  std::string key_path;
  {
    auto store = open_store(dir.path(), env);
    put_order(*store, "acme", "o1");
    key_path = store->master_key_path();
  }
  REQUIRE(fs::remove(key_path));
  TenantStoreOptions o;
  o.data_dir = dir.path();
  auto refused = TenantStore::open(o, env);
  CHECK(refused.status().code() == Code::kFailedPrecondition);
  CHECK(refused.status().message().find(dir.path() + "/tenants/acme.db") != std::string::npos);
  CHECK_FALSE(fs::exists(key_path));
  // With no tenant database left, a first start makes a key as before.
  REQUIRE(fs::remove(dir.path() + "/tenants/acme.db"));
  auto fresh = TenantStore::open(o, env);
  REQUIRE_MESSAGE(fresh.is_ok(), fresh.status().to_string());
  CHECK(fs::exists(key_path));
}

TEST_CASE("the same data directory reopens with the same master key") {
  TempDir dir;
  FakeEnv env;
  {
    auto store = open_store(dir.path(), env);
    put_order(*store, "acme", "o1");
  }
  auto store = open_store(dir.path(), env);
  CHECK(order_rows(*store, "acme", "o1") == testing::kTestOrderRows);
}

TEST_CASE("rekey_all moves every tenant to a new master key") {
  TempDir dir;
  FakeEnv env;
  auto store = open_store(dir.path(), env);
  put_order(*store, "acme", "o1");
  put_order(*store, "globex", "o2");
  std::string old_key = testing::slurp(store->master_key_path());
  std::string acme_before = testing::sha256_file(store->database_path("acme"));
  REQUIRE(store->rekey_all().is_ok());
  CHECK(testing::slurp(store->master_key_path()) != old_key);
  CHECK_FALSE(fs::exists(store->master_key_path() + ".next"));
  CHECK(testing::sha256_file(store->database_path("acme")) != acme_before);
  CHECK(order_rows(*store, "acme", "o1") == testing::kTestOrderRows);
  store.reset();
  auto reopened = open_store(dir.path(), env);
  CHECK(order_rows(*reopened, "globex", "o2") == testing::kTestOrderRows);
}

TEST_CASE("a rekey interrupted half-way is finished at the next open") {
  TempDir dir;
  FakeEnv env;
  std::string key_path;
  {
    auto store = open_store(dir.path(), env);
    put_order(*store, "acme", "o1");
    put_order(*store, "globex", "o2");
    key_path = store->master_key_path();
  }
  // Simulate the crash: the new key is written and only "acme" got re-encrypted.
  auto old_master = load_master_key(key_path);
  SecretKey next = random_key(env);
  REQUIRE(write_key_file(key_path + ".next", next).is_ok());
  {
    auto salt = load_master_key(dir.path() + "/tenants/acme.salt");
    auto old_k = derive_tenant_key(*old_master, *salt, "acme");
    auto new_k = derive_tenant_key(next, *salt, "acme");
    auto db = Database::open(dir.path() + "/tenants/acme.db", *old_k, OpenOptions{});
    REQUIRE(db.is_ok());
    REQUIRE((*db)->rekey(*new_k).is_ok());
  }
  auto store = open_store(dir.path(), env);
  CHECK_FALSE(fs::exists(key_path + ".next"));
  CHECK(*load_master_key(key_path) == next);
  CHECK(order_rows(*store, "acme", "o1") == testing::kTestOrderRows);
  CHECK(order_rows(*store, "globex", "o2") == testing::kTestOrderRows);
}

TEST_CASE("crypto-shredding one tenant destroys its key and files, and no other tenant's") {
  TempDir dir;
  FakeEnv env;
  auto store = open_store(dir.path(), env);
  put_order(*store, "acme", "o1");
  put_order(*store, "globex", "o2");
  // Keep a copy of acme's database bytes, as a worn-out flash block might.
  std::string remnant = dir.file("remnant.db");
  {
    auto db = store->open_tenant("acme", false);
    REQUIRE((*db)->exec("PRAGMA wal_checkpoint(TRUNCATE)").is_ok());
  }
  testing::copy_file(store->database_path("acme"), remnant);
  REQUIRE(store->shred("acme").is_ok());
  CHECK_FALSE(fs::exists(store->database_path("acme")));
  CHECK_FALSE(fs::exists(store->salt_path("acme")));
  CHECK_FALSE(store->has_tenant("acme"));
  CHECK(*store->tenants() == std::vector<std::string>{"globex"});
  CHECK(store->open_tenant("acme", false).status().code() == Code::kNotFound);
  CHECK(order_rows(*store, "globex", "o2") == testing::kTestOrderRows);
  // The master key alone no longer opens the remnant: its salt is gone. A new
  // "acme" gets a fresh salt, so its key cannot open the remnant either.
  auto fresh = store->open_tenant("acme", true);
  REQUIRE(fresh.is_ok());
  fresh->reset();
  auto salt = load_master_key(store->salt_path("acme"));
  auto k = derive_tenant_key(*load_master_key(store->master_key_path()), *salt, "acme");
  CHECK(Database::open(remnant, *k, OpenOptions{}).status().code() == Code::kPermissionDenied);
  CHECK(store->shred("never-was").code() == Code::kNotFound);
}

TEST_CASE("a tenant made before schema v4 (4 KiB pages, v3) opens, migrates and keeps its orders") {
  TempDir dir;
  FakeEnv env;
  auto store = open_store(dir.path(), env);
  REQUIRE(write_key_file(store->salt_path("acme"), random_key(env)).is_ok());
  {
    auto salt = load_master_key(store->salt_path("acme"));
    auto k = derive_tenant_key(*load_master_key(store->master_key_path()), *salt, "acme");
    OpenOptions legacy;
    legacy.label = "tenant acme";
    legacy.page_size = kLegacyPageSize;
    auto db = Database::open(store->database_path("acme"), *k, legacy);
    REQUIRE_MESSAGE(db.is_ok(), db.status().to_string());
    REQUIRE(migrate(**db, replica_migrations(), 3).is_ok());
    REQUIRE(testing::write_test_order(**db, "o-old", 1).is_ok());
  }
  auto db = store->open_tenant("acme", false);
  REQUIRE_MESSAGE(db.is_ok(), db.status().to_string());
  CHECK(*(*db)->page_size() == kLegacyPageSize);
  CHECK(*schema_version(**db) == latest_replica_version());
  CHECK(*testing::count_test_order_rows(**db, "o-old") == testing::kTestOrderRows);
  db->reset();
  // A tenant created now gets 1 KiB pages; both open side by side.
  put_order(*store, "globex", "o-new");
  auto fresh = store->open_tenant("globex", false);
  CHECK(*(*fresh)->page_size() == kPageSize);
  CHECK(order_rows(*store, "acme", "o-old") == testing::kTestOrderRows);
  CHECK(order_rows(*store, "globex", "o-new") == testing::kTestOrderRows);
  // Rekey moves both, each keeping its page size.
  fresh->reset();
  REQUIRE(store->rekey_all().is_ok());
  CHECK(order_rows(*store, "acme", "o-old") == testing::kTestOrderRows);
  CHECK(*(*store->open_tenant("acme", false))->page_size() == kLegacyPageSize);
  CHECK(order_rows(*store, "globex", "o-new") == testing::kTestOrderRows);
}

}  // namespace larder::storage
