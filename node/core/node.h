// Node: every tenant this device serves, behind the NodeService the local API
// uses (node/core/node_service.h).
//
// open() opens the data directory's TenantStore (creating the master key on
// first start), then a TenantRuntime for every enrolled tenant (a credentials
// file under <data_dir>/tenants). It fails only for what concerns every
// tenant (the data directory, the master key). One tenant's trouble costs only
// that tenant: a credentials file that cannot be used, or a database that
// cannot be opened (corrupt, wrong key, newer schema), makes the tenant
// unavailable, and the others are served. problems() lists, for the caller to
// log, each unavailable tenant and every tenant database left without a
// credentials file (not served; a warning), each naming the file.
//
// An unavailable tenant is not offered in tenants() (a screen cannot sell from
// it); its menu, order and place-order requests answer kUnavailable naming
// it; status() lists it with "available": false and the reason in
// "last_error" (every served tenant has "available": true); metrics_text()
// has larder_node_tenant_available 0 for it; ready() looks only at the
// tenants served, so the healthy ones are not held back. Serving the others
// while one is broken is visible in the log, the status and the metrics, never
// silent.
//
// Thread safety: NodeService methods may be called from any thread; the set of
// tenants (and of problems) is fixed after open().
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/env.h"
#include "node/core/event_bus.h"
#include "node/core/node_service.h"
#include "node/core/tenant_runtime.h"
#include "storage/tenant_store.h"

namespace larder::node {

struct NodeOptions {
  std::string data_dir;
  std::string master_key_path;  // empty: <data_dir>/master.key
  std::string app_version;
};

// Something open() found wrong with one tenant's files.
struct TenantProblem {
  std::string tenant;  // empty when the file names no valid tenant id
  std::string file;    // the file at fault
  Status status;       // why, naming the tenant and the file
  bool unavailable;    // true: the tenant is known but not served; false: a warning
};

class Node : public NodeService {
 public:
  static Result<std::unique_ptr<Node>> open(const NodeOptions& options, Env& env);
  ~Node() override;

  // The tenants served (not the unavailable ones), by id.
  std::vector<TenantRuntime*> runtimes();
  TenantRuntime* runtime(const std::string& tenant);
  const std::vector<TenantProblem>& problems() const { return problems_; }

  // NodeService
  std::vector<TenantSummary> tenants() override;
  Result<std::shared_ptr<const menu::MenuView>> menu(const std::string& tenant) override;
  PlaceOrderOutcome place_order(const std::string& tenant, std::string_view body,
                                const std::optional<std::string>& idempotency_key) override;
  Result<std::optional<storage::OrderRecord>> order(const std::string& tenant,
                                                    const std::string& id) override;
  nlohmann::json status() override;
  bool ready() override;
  std::string metrics_text() override;
  EventBus& events() override { return events_; }

 private:
  Node() = default;
  // The problem that keeps `tenant` from being served, if it is enrolled but unavailable.
  const TenantProblem* problem_of(const std::string& tenant) const;

  EventBus events_;  // declared first: runtimes publish to it until they are gone
  std::unique_ptr<storage::TenantStore> store_;
  std::map<std::string, std::unique_ptr<TenantRuntime>> tenants_;
  std::vector<TenantProblem> problems_;
};

}  // namespace larder::node
