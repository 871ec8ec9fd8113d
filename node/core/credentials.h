// A device's credentials for one tenant, written by `larder-node enroll` and
// read at start: <data_dir>/tenants/<tenant_id>.credentials.json, mode 0600,
// replaced atomically (base/atomic_file.h).
//
// The bearer token is a secret; nothing logs it. load_all_credentials() reads
// every credentials file of a data directory. One that is malformed, readable
// by others, or names another tenant than its file name does is set aside as a
// CredentialsProblem (its Status names the file), so one bad file costs only
// its own tenant; the call fails only when the directory cannot be listed.
//
// Thread safety: pure functions over files.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"

namespace larder::node {

struct TenantCredentials {
  std::string hub_url;  // e.g. https://hub.example.com or http://127.0.0.1:7070
  std::string device_id;
  std::string tenant_id;
  std::string tenant_name;
  std::string location_id;
  std::string short_code;  // prefix of this device's order numbers
  std::string token;
};

std::string credentials_path(const std::string& data_dir, const std::string& tenant_id);
Status save_credentials(const std::string& data_dir, const TenantCredentials& creds);
Result<TenantCredentials> load_credentials(const std::string& path);
struct CredentialsProblem {
  std::string path;
  std::string tenant_id;  // from the file name; empty when it names no valid tenant id
  Status status;          // why it cannot be used, naming the file
};

struct CredentialsScan {
  std::vector<TenantCredentials> tenants;    // sorted by tenant id
  std::vector<CredentialsProblem> problems;  // sorted by path
};

Result<CredentialsScan> load_all_credentials(const std::string& data_dir);

}  // namespace larder::node
