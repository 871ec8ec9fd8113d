#include "node/core/node_service.h"
#include "node/core/order_wire.h"

namespace larder::node {

sync::WireOrder wire_order(const storage::OrderRecord& o) {
  sync::WireOrder w;
  w.id = o.id;
  w.number = o.number;
  w.location_id = o.location_id;
  w.status = o.status;
  w.subtotal_minor = o.subtotal_minor;
  w.tax_minor = o.tax_minor;
  w.total_minor = o.total_minor;
  w.currency = o.currency;
  w.tax_rate_bp = o.tax_rate_bp;
  w.tax_inclusive = o.tax_inclusive;
  w.note = o.note;
  w.placed_at = o.placed_at;
  for (const storage::OrderLineRecord& l : o.lines) {
    sync::WireLine wl{l.line_no, l.item_id, l.name, l.unit_price_minor, l.quantity,
                      l.line_total_minor, {}};
    for (const storage::OrderOptionRecord& opt : l.options) {
      wl.options.push_back({opt.option_id, opt.modifier_id, opt.name, opt.price_delta_minor});
    }
    w.lines.push_back(std::move(wl));
  }
  return w;
}

nlohmann::json order_json(const storage::OrderRecord& o) {
  nlohmann::json j = sync::to_json(wire_order(o));
  j["sync"] = o.sync_state.empty() ? "pending" : o.sync_state;
  return j;
}

}  // namespace larder::node
