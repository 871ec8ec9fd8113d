// `larder-node enroll`: trade a one-time enrollment code for this device's
// credentials for one tenant, and prepare that tenant's encrypted database.
//
// The code can be redeemed once, so before the hub is asked everything that
// could keep the answer from being stored is checked: the hub URL, the data
// directory (created 0700, and written to), and the master key (created if
// this is the first tenant; a missing key while tenant databases exist is
// refused, storage/tenant_store.h). A failure there leaves the code unspent
// and says so. Then it POSTs /v1/enroll to the hub (HTTPS, or plain HTTP to a
// loopback hub), creates the tenant's database (0600) and saves the
// credentials (0600, atomically) under the data directory. A device
// may be enrolled into several tenants (a food hall). Enrolling a tenant that is
// already enrolled replaces its credentials and keeps its database.
//
// Errors say what the operator should do: a refused code ("expired, already
// used, or mistyped: ask the back office for a new one"), an unreachable hub.
#pragma once

#include <string>

#include "base/env.h"
#include "base/status.h"
#include "node/core/credentials.h"

namespace larder::node {

struct EnrollOptions {
  std::string hub_url;
  std::string code;
  std::string device_name;
  std::string data_dir;
  std::string master_key_file;
  std::string ca_file;
  std::string app_version;
};

Result<TenantCredentials> enroll_device(const EnrollOptions& options, Env& env);

}  // namespace larder::node
