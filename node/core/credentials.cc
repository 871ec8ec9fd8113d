#include "node/core/credentials.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "base/atomic_file.h"
#include "storage/tenant_store.h"
#include "sync/protocol/json_reader.h"

namespace larder::node {

std::string credentials_path(const std::string& data_dir, const std::string& tenant_id) {
  return data_dir + "/tenants/" + tenant_id + ".credentials.json";
}

Status save_credentials(const std::string& data_dir, const TenantCredentials& c) {
  if (!storage::is_valid_tenant_id(c.tenant_id)) {
    return invalid_argument("the hub sent an unusable tenant id \"" + c.tenant_id + "\"");
  }
  std::error_code ec;
  std::filesystem::create_directories(data_dir + "/tenants", ec);
  if (ec) return unavailable("creating " + data_dir + "/tenants: " + ec.message());
  nlohmann::json j = {{"hub_url", c.hub_url},
                      {"device_id", c.device_id},
                      {"tenant_id", c.tenant_id},
                      {"tenant_name", c.tenant_name},
                      {"location_id", c.location_id},
                      {"short_code", c.short_code},
                      {"token", c.token}};
  return write_file_atomically(credentials_path(data_dir, c.tenant_id), j.dump(2) + "\n", 0600);
}

Result<TenantCredentials> load_credentials(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    return permission_denied(path + " is readable by others; run: chmod 600 " + path);
  }
  LARDER_ASSIGN_OR_RETURN(std::string text, read_file(path));
  auto parsed = sync::parse_json_object(text);
  if (!parsed.is_ok()) return parsed.status().with_context(path);
  sync::JsonReader r(*parsed, "");
  TenantCredentials c;
  c.hub_url = r.string("hub_url", 2048);
  c.device_id = r.string("device_id", 64);
  c.tenant_id = r.string("tenant_id", 64);
  c.tenant_name = r.string("tenant_name", 200);
  c.location_id = r.string("location_id", 64);
  c.short_code = r.string("short_code", 16);
  c.token = r.string("token", 256);
  Status s = r.finish();
  if (!s.is_ok()) return s.with_context(path);
  if (!storage::is_valid_tenant_id(c.tenant_id)) {
    return invalid_argument(path + ": tenant_id is not a valid tenant id");
  }
  return c;
}

Result<CredentialsScan> load_all_credentials(const std::string& data_dir) {
  CredentialsScan out;
  std::error_code ec;
  std::filesystem::directory_iterator it(data_dir + "/tenants", ec);
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory) return out;
    return unavailable("listing " + data_dir + "/tenants: " + ec.message());
  }
  const std::string suffix = ".credentials.json";
  for (const auto& entry : it) {
    std::string name = entry.path().filename().string();
    if (name.size() <= suffix.size() ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
      continue;
    }
    std::string path = entry.path().string();
    std::string id = name.substr(0, name.size() - suffix.size());
    if (!storage::is_valid_tenant_id(id)) id.clear();
    auto c = load_credentials(path);
    if (c.is_ok() && c->tenant_id != id) {
      c = invalid_argument(path + " holds the credentials of tenant " + c->tenant_id +
                           ", not of the tenant its name says; re-enroll the device");
    }
    if (!c.is_ok()) {
      out.problems.push_back({path, id, c.status()});
      continue;
    }
    out.tenants.push_back(std::move(c).value());
  }
  std::sort(out.tenants.begin(), out.tenants.end(),
            [](const TenantCredentials& a, const TenantCredentials& b) {
              return a.tenant_id < b.tenant_id;
            });
  std::sort(
      out.problems.begin(), out.problems.end(),
      [](const CredentialsProblem& a, const CredentialsProblem& b) { return a.path < b.path; });
  return out;
}

}  // namespace larder::node
