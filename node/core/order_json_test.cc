#include <doctest/doctest.h>

#include "node/core/node_service.h"

namespace larder::node {
namespace {

storage::OrderRecord sample() {
  storage::OrderRecord o;
  o.id = "0190a000-0000-7000-8000-000000000001";
  o.number = "K1-0042";
  o.location_id = "loc-1";
  o.subtotal_minor = 1300;
  o.tax_minor = 104;
  o.total_minor = 1404;
  o.currency = "EUR";
  o.tax_rate_bp = 800;
  o.placed_at = o.updated_at = "2026-11-23T12:00:00.000Z";
  storage::OrderLineRecord burger{1, "i-burger", "Burger \"classic\"", 650, 2, 1300, {}};
  burger.options.push_back({"o-cheese", "m-extras", "Crème fraîche", 50});
  burger.options.push_back({"o-nopickle", "m-extras", "No pickles\tplease", 0});
  o.lines.push_back(burger);
  o.lines.push_back({2, "i-tea", "ほうじ茶", 0, 99, 0, {}});
  return o;
}

std::string tree_text(const storage::OrderRecord& o) {
  return order_json(o).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

TEST_CASE("the order answer written directly is order_json's text byte for byte") {
  storage::OrderRecord o = sample();
  CHECK(order_json_text(o) == tree_text(o));  // no note, sync state not read yet

  o.note = "no onions, \\ thanks\n";
  o.tax_inclusive = true;
  o.sync_state = "dead";
  o.status = "ready";
  CHECK(order_json_text(o) == tree_text(o));

  o.lines.clear();
  o.total_minor = o.subtotal_minor = o.tax_minor = 0;
  CHECK(order_json_text(o) == tree_text(o));
}

}  // namespace larder::node
