// Node: every tenant this device serves, behind the NodeService the local API
// uses (node/core/node_service.h).
//
// open() opens the data directory's TenantStore (creating the master key on
// first start), then a TenantRuntime for every enrolled tenant (a credentials
// file under <data_dir>/tenants). A tenant whose database cannot be opened
// (wrong key, newer schema) fails open() with its name: serving the other
// tenants while one is silently missing would hide a broken device.
//
// Thread safety: NodeService methods may be called from any thread; the set of
// tenants is fixed after open().
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

class Node : public NodeService {
 public:
  static Result<std::unique_ptr<Node>> open(const NodeOptions& options, Env& env);
  ~Node() override;

  std::vector<TenantRuntime*> runtimes();
  TenantRuntime* runtime(const std::string& tenant);

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

  EventBus events_;  // declared first: runtimes publish to it until they are gone
  std::unique_ptr<storage::TenantStore> store_;
  std::map<std::string, std::unique_ptr<TenantRuntime>> tenants_;
};

}  // namespace larder::node
