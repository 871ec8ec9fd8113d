#include "node/core/node.h"

#include <set>

#include "storage/order_ledger.h"

namespace larder::node {

Node::~Node() {
  events_.close_all();
  tenants_.clear();  // joins writer threads before the store goes
}

Result<std::unique_ptr<Node>> Node::open(const NodeOptions& options, Env& env) {
  std::unique_ptr<Node> node(new Node());
  storage::TenantStoreOptions so;
  so.data_dir = options.data_dir;
  so.master_key_path = options.master_key_path;
  LARDER_ASSIGN_OR_RETURN(node->store_, storage::TenantStore::open(so, env));
  LARDER_ASSIGN_OR_RETURN(CredentialsScan scan, load_all_credentials(options.data_dir));
  std::set<std::string> enrolled;
  for (CredentialsProblem& p : scan.problems) {
    if (!p.tenant_id.empty()) enrolled.insert(p.tenant_id);
    std::string what = p.tenant_id.empty() ? "a credentials file" : "tenant " + p.tenant_id;
    node->problems_.push_back({p.tenant_id, p.path, p.status.with_context(what + " is not served"),
                               !p.tenant_id.empty()});
  }
  for (TenantCredentials& c : scan.tenants) {
    std::string id = c.tenant_id;
    enrolled.insert(id);
    auto rt =
        TenantRuntime::open(*node->store_, std::move(c), node->events_, env, options.app_version);
    if (!rt.is_ok()) {
      std::string file = node->store_->database_path(id);
      node->problems_.push_back(
          {id, file, rt.status().with_context("tenant " + id + " is not served: opening " + file),
           true});
      continue;
    }
    node->tenants_.emplace(id, std::move(rt).value());
  }
  // A database without credentials: the tenant is not served, and the orders
  // queued in it wait unpushed. Not fatal (the file may be left on purpose),
  // but never silent.
  auto on_disk = node->store_->tenants();
  for (const std::string& id : on_disk.is_ok() ? *on_disk : std::vector<std::string>()) {
    if (enrolled.count(id) != 0) continue;
    std::string file = node->store_->database_path(id);
    node->problems_.push_back(
        {id, file,
         failed_precondition("tenant " + id + " has a database (" + file +
                             ") but no credentials file (" +
                             credentials_path(options.data_dir, id) +
                             "): it is not served and its queued orders are not pushed; enroll "
                             "this device into the tenant again to serve it"),
         false});
  }
  return node;
}

std::vector<TenantRuntime*> Node::runtimes() {
  std::vector<TenantRuntime*> out;
  for (auto& [id, rt] : tenants_) out.push_back(rt.get());
  return out;
}

TenantRuntime* Node::runtime(const std::string& tenant) {
  auto it = tenants_.find(tenant);
  return it == tenants_.end() ? nullptr : it->second.get();
}

const TenantProblem* Node::problem_of(const std::string& tenant) const {
  for (const TenantProblem& p : problems_) {
    if (p.unavailable && p.tenant == tenant) return &p;
  }
  return nullptr;
}

static Status unknown_tenant(const std::string& tenant) {
  return not_found("this node does not serve tenant \"" + tenant.substr(0, 64) + "\"");
}

// kUnavailable for a tenant open() could not serve, else kNotFound.
static Status missing_tenant(const TenantProblem* problem, const std::string& tenant) {
  if (problem == nullptr) return unknown_tenant(tenant);
  return unavailable(problem->status.message());
}

std::vector<TenantSummary> Node::tenants() {
  std::vector<TenantSummary> out;
  for (auto& [id, rt] : tenants_) out.push_back(rt->summary());
  return out;
}

Result<std::shared_ptr<const menu::MenuView>> Node::menu(const std::string& tenant) {
  TenantRuntime* rt = runtime(tenant);
  if (rt == nullptr) return missing_tenant(problem_of(tenant), tenant);
  return rt->menu();
}

PlaceOrderOutcome Node::place_order(const std::string& tenant, std::string_view body,
                                    const std::optional<std::string>& idempotency_key) {
  TenantRuntime* rt = runtime(tenant);
  if (rt == nullptr) {
    PlaceOrderOutcome out;
    out.error = missing_tenant(problem_of(tenant), tenant);
    return out;
  }
  return rt->place_order(body, idempotency_key);
}

Result<std::optional<storage::OrderRecord>> Node::order(const std::string& tenant,
                                                        const std::string& id) {
  TenantRuntime* rt = runtime(tenant);
  if (rt == nullptr) return missing_tenant(problem_of(tenant), tenant);
  return rt->order(id);
}

nlohmann::json Node::status() {
  nlohmann::json list = nlohmann::json::array();
  for (auto& [id, rt] : tenants_) {
    nlohmann::json j = rt->status_json();
    j["available"] = true;
    list.push_back(std::move(j));
  }
  for (const TenantProblem& p : problems_) {
    if (!p.unavailable) continue;
    list.push_back({{"id", p.tenant},
                    {"available", false},
                    {"online", false},
                    {"ready", false},
                    {"last_error", p.status.message()}});
  }
  return {{"tenants", list}};
}

bool Node::ready() {
  if (tenants_.empty()) return false;
  for (auto& [id, rt] : tenants_) {
    if (!rt->ready()) return false;
  }
  return true;
}

std::string Node::metrics_text() {
  struct Sample {
    std::string tenant;
    nlohmann::json status;
    TenantRuntime* rt;
  };
  std::vector<Sample> samples;
  for (auto& [id, rt] : tenants_) samples.push_back({id, rt->status_json(), rt.get()});
  std::string out;
  auto family = [&](const char* name, const char* help, auto value) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " gauge\n";
    for (const Sample& s : samples) {
      out += std::string(name) + "{tenant=\"" + s.tenant + "\"} " + std::to_string(value(s)) + "\n";
    }
  };
  family("larder_node_online", "1 when the last exchange with the hub succeeded",
         [](const Sample& s) { return s.rt->online() ? 1 : 0; });
  family("larder_node_outbox_depth", "orders waiting to be pushed",
         [](const Sample& s) { return s.status.value("outbox_depth", std::int64_t{0}); });
  family("larder_node_dead_letters", "orders the hub rejected, kept for inspection",
         [](const Sample& s) { return s.status.value("dead_letters", std::int64_t{0}); });
  family("larder_node_orders_committed", "orders made durable since start",
         [](const Sample& s) { return s.rt->writer().orders_committed(); });
  family("larder_node_commit_groups", "group commits of orders since start",
         [](const Sample& s) { return s.rt->writer().groups_committed(); });
  out += "# HELP larder_node_tenant_available 0 when the tenant is enrolled but cannot be served\n";
  out += "# TYPE larder_node_tenant_available gauge\n";
  for (const Sample& s : samples)
    out += "larder_node_tenant_available{tenant=\"" + s.tenant + "\"} 1\n";
  for (const TenantProblem& p : problems_) {
    if (p.unavailable) out += "larder_node_tenant_available{tenant=\"" + p.tenant + "\"} 0\n";
  }
  out += "# HELP larder_node_sse_subscribers open event streams\n";
  out += "# TYPE larder_node_sse_subscribers gauge\n";
  out += "larder_node_sse_subscribers " + std::to_string(events_.subscriber_count()) + "\n";
  return out;
}

}  // namespace larder::node
