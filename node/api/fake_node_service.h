// FakeNodeService: a NodeService for node/api's tests, programmed per test
// and recording what the API asked of it (so a test can prove a refused
// request never reached place_order). Test-only.
//
// Thread safety: guarded by its own mutex (the socket tests call it from
// server threads).
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "node/core/node_service.h"

namespace larder::node::api::testing {

inline storage::OrderRecord sample_order(const std::string& id) {
  storage::OrderRecord o;
  o.id = id;
  o.number = "K1-0001";
  o.location_id = "loc-1";
  o.status = "placed";
  o.subtotal_minor = 850;
  o.tax_minor = 68;
  o.total_minor = 918;
  o.currency = "EUR";
  o.tax_rate_bp = 800;
  o.placed_at = "2026-01-05T12:00:00Z";
  o.updated_at = o.placed_at;
  storage::OrderLineRecord line;
  line.line_no = 1;
  line.item_id = "item-burger";
  line.name = "Burger";
  line.unit_price_minor = 850;
  line.quantity = 1;
  line.line_total_minor = 850;
  line.options.push_back({"opt-cheese", "mod-extras", "Cheese", 0});
  o.lines.push_back(line);
  return o;
}

class FakeNodeService : public NodeService {
 public:
  FakeNodeService() {
    tenants_.push_back({"acme", "Acme Burgers", "#ff0000", std::nullopt, "EUR", true, true});
    tenants_.push_back({"zeta", "Zeta Pizza", std::nullopt, std::nullopt, "EUR", false, false});
    auto view = std::make_shared<menu::MenuView>();
    view->body = R"({"tenant":{"id":"acme"},"categories":[]})";
    view->etag = "\"0123456789abcdef0123456789abcdef\"";
    menus_.insert_or_assign("acme", std::shared_ptr<const menu::MenuView>(view));
    menus_.insert_or_assign("zeta", failed_precondition("zeta: the replica has no tenant row yet"));
    orders_["acme"]["0190a000-0000-7000-8000-000000000001"] =
        sample_order("0190a000-0000-7000-8000-000000000001");
  }

  struct PlaceCall {
    std::string tenant;
    std::string body;
    std::optional<std::string> idempotency_key;
  };

  // What the next place_order() answers (default: placed, not replayed).
  void set_place_outcome(PlaceOrderOutcome outcome) {
    std::lock_guard<std::mutex> lock(mu_);
    next_outcome_ = std::move(outcome);
  }
  void set_menu(const std::string& tenant, Result<std::shared_ptr<const menu::MenuView>> m) {
    std::lock_guard<std::mutex> lock(mu_);
    menus_.insert_or_assign(tenant, std::move(m));
  }
  void set_ready(bool ready) {
    std::lock_guard<std::mutex> lock(mu_);
    ready_ = ready;
  }
  void set_order_error(Status s) {
    std::lock_guard<std::mutex> lock(mu_);
    order_error_ = std::move(s);
  }
  std::vector<PlaceCall> place_calls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return place_calls_;
  }

  std::vector<TenantSummary> tenants() override {
    std::lock_guard<std::mutex> lock(mu_);
    return tenants_;
  }

  Result<std::shared_ptr<const menu::MenuView>> menu(const std::string& tenant) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = menus_.find(tenant);
    if (it == menus_.end()) return not_found("unknown tenant " + tenant);
    return it->second;
  }

  PlaceOrderOutcome place_order(const std::string& tenant, std::string_view body,
                                const std::optional<std::string>& key) override {
    std::lock_guard<std::mutex> lock(mu_);
    place_calls_.push_back({tenant, std::string(body), key});
    if (next_outcome_) {
      PlaceOrderOutcome out = std::move(*next_outcome_);
      next_outcome_.reset();
      return out;
    }
    if (menus_.find(tenant) == menus_.end()) {
      PlaceOrderOutcome out;
      out.error = not_found("unknown tenant " + tenant);
      return out;
    }
    PlaceOrderOutcome out;
    out.placed = storage::PlaceResult{sample_order("0190a000-0000-7000-8000-00000000000" +
                                                   std::to_string(place_calls_.size() % 10)),
                                      false};
    return out;
  }

  Result<std::optional<storage::OrderRecord>> order(const std::string& tenant,
                                                    const std::string& id) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!order_error_.is_ok()) return order_error_;
    if (menus_.find(tenant) == menus_.end()) return not_found("unknown tenant " + tenant);
    auto& orders = orders_[tenant];
    auto it = orders.find(id);
    if (it == orders.end()) return std::optional<storage::OrderRecord>();
    return std::optional<storage::OrderRecord>(it->second);
  }

  nlohmann::json status() override {
    return {{"tenants", {{{"id", "acme"}, {"online", true}, {"outbox_depth", 0}}}}};
  }
  bool ready() override {
    std::lock_guard<std::mutex> lock(mu_);
    return ready_;
  }
  std::string metrics_text() override {
    return "# TYPE larder_node_up gauge\nlarder_node_up 1\n";
  }
  EventBus& events() override { return bus_; }

 private:
  mutable std::mutex mu_;
  std::vector<TenantSummary> tenants_;
  std::map<std::string, Result<std::shared_ptr<const menu::MenuView>>> menus_;
  std::map<std::string, std::map<std::string, storage::OrderRecord>> orders_;
  std::optional<PlaceOrderOutcome> next_outcome_;
  std::vector<PlaceCall> place_calls_;
  Status order_error_;
  bool ready_ = true;
  EventBus bus_;
};

}  // namespace larder::node::api::testing
