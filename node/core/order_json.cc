#include "node/core/node_service.h"

namespace larder::node {

nlohmann::json order_json(const storage::OrderRecord& o) {
  using nlohmann::json;
  json lines = json::array();
  for (const storage::OrderLineRecord& l : o.lines) {
    json options = json::array();
    for (const storage::OrderOptionRecord& opt : l.options) {
      options.push_back({{"option_id", opt.option_id},
                         {"modifier_id", opt.modifier_id},
                         {"name", opt.name},
                         {"price_delta_minor", opt.price_delta_minor}});
    }
    lines.push_back({{"line_no", l.line_no},
                     {"item_id", l.item_id},
                     {"name", l.name},
                     {"unit_price_minor", l.unit_price_minor},
                     {"quantity", l.quantity},
                     {"line_total_minor", l.line_total_minor},
                     {"options", options}});
  }
  return {{"id", o.id},
          {"number", o.number},
          {"status", o.status},
          {"location_id", o.location_id},
          {"placed_at", o.placed_at},
          {"currency", o.currency},
          {"subtotal_minor", o.subtotal_minor},
          {"tax_minor", o.tax_minor},
          {"total_minor", o.total_minor},
          {"tax_rate_bp", o.tax_rate_bp},
          {"tax_inclusive", o.tax_inclusive},
          {"note", o.note ? json(*o.note) : json(nullptr)},
          {"lines", lines},
          {"sync", o.sync_state.empty() ? json("pending") : json(o.sync_state)}};
}

}  // namespace larder::node
