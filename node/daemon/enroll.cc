#include "node/daemon/enroll.h"

#include <unistd.h>

#include "base/atomic_file.h"
#include "storage/tenant_store.h"
#include "sync/client/hub_transport.h"
#include "sync/protocol/wire.h"

namespace larder::node {

namespace {

// The code is spent once the hub answers, so everything that could keep us
// from storing the answer is tried first: the data directory and the master
// key (TenantStore::open creates or loads them, and refuses a missing key
// while tenant databases exist), and a durable write where the credentials
// will go.
Result<std::unique_ptr<storage::TenantStore>> prepare_data_dir(const EnrollOptions& o, Env& env) {
  storage::TenantStoreOptions so;
  so.data_dir = o.data_dir;
  so.master_key_path = o.master_key_file;
  auto store = storage::TenantStore::open(so, env);
  if (!store.is_ok())
    return store.status().with_context("preparing the data directory " + o.data_dir);
  std::string probe = o.data_dir + "/tenants/.enroll-probe";
  Status written = write_file_atomically(probe, std::string(4096, '\0'), 0600);
  ::unlink(probe.c_str());
  if (!written.is_ok()) {
    return written.with_context("the data directory " + o.data_dir + " is not writable");
  }
  return store;
}

}  // namespace

Result<TenantCredentials> enroll_device(const EnrollOptions& o, Env& env) {
  std::string hub = o.hub_url;
  while (!hub.empty() && hub.back() == '/') hub.pop_back();
  sync::TransportOptions t;
  t.hub_url = hub;
  t.ca_file = o.ca_file;
  LARDER_ASSIGN_OR_RETURN(auto transport, sync::make_http_transport(t));
  auto prepared = prepare_data_dir(o, env);
  if (!prepared.is_ok()) {
    return Status(
        prepared.status().code(),
        prepared.status().message() + " (nothing was sent to the hub: the code is still unused)");
  }
  std::unique_ptr<storage::TenantStore> store = std::move(prepared).value();
  sync::EnrollRequest req;
  req.code = o.code;
  if (!o.device_name.empty()) req.device_name = o.device_name;
  req.app_version = o.app_version;
  LARDER_ASSIGN_OR_RETURN(
      sync::HttpReply reply,
      transport->post("/v1/enroll", sync::to_json(req).dump(), std::chrono::seconds(30)));
  if (reply.status != 200) {
    auto j = nlohmann::json::parse(reply.body, nullptr, false);
    std::string detail = j.is_object() && j.contains("error") && j["error"].is_object()
                             ? j["error"].value("message", "")
                             : "HTTP " + std::to_string(reply.status);
    if (reply.status == 400 || reply.status == 401 || reply.status == 403 || reply.status == 404 ||
        reply.status == 410) {
      return permission_denied("the hub refused the enrollment code (" + detail +
                               "): it may be expired, already used, or mistyped; ask the back "
                               "office for a new one");
    }
    return unavailable("the hub could not enroll this device: " + detail);
  }
  auto j = nlohmann::json::parse(reply.body, nullptr, false);
  if (j.is_discarded()) return unavailable("the hub's enrollment answer is not JSON");
  LARDER_ASSIGN_OR_RETURN(sync::EnrollResponse r, sync::enroll_response_from_json(j));
  TenantCredentials c{hub,           r.device_id,  r.tenant_id, r.tenant_name,
                      r.location_id, r.short_code, r.token};
  if (!storage::is_valid_tenant_id(c.tenant_id)) {
    return invalid_argument("the hub sent a tenant id this node cannot store: " + c.tenant_id);
  }
  auto db = store->open_tenant(c.tenant_id, true);
  Status saved = db.is_ok() ? save_credentials(o.data_dir, c) : db.status();
  if (!saved.is_ok()) {
    return Status(saved.code(), "the hub enrolled this device, but storing the result failed: " +
                                    saved.message() + "; ask the back office for a new code");
  }
  return c;
}

}  // namespace larder::node
