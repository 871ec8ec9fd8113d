#include "base/json_text.h"
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
    sync::WireLine wl{l.line_no,  l.item_id,          l.name, l.unit_price_minor,
                      l.quantity, l.line_total_minor, {}};
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

// The same document as order_json(o).dump(), written directly: this is every
// order's 201 answer. Keys in sorted order, as nlohmann's map holds them.
std::string order_json_text(const storage::OrderRecord& o) {
  std::string out;
  out.reserve(512 + 200 * o.lines.size());
  JsonText w(out);
  w.begin_object().key("currency").value(o.currency).key("id").value(o.id);
  w.key("lines");
  storage::write_lines_json(w, o.lines);
  w.key("location_id").value(o.location_id).key("note");
  if (o.note) {
    w.value(*o.note);
  } else {
    w.null();
  }
  w.key("number").value(o.number).key("placed_at").value(o.placed_at);
  w.key("status").value(o.status).key("subtotal_minor").value(o.subtotal_minor);
  w.key("sync").value(o.sync_state.empty() ? "pending" : o.sync_state);
  w.key("tax_inclusive").boolean(o.tax_inclusive).key("tax_minor").value(o.tax_minor);
  w.key("tax_rate_bp").value(o.tax_rate_bp).key("total_minor").value(o.total_minor);
  w.end_object();
  return out;
}

}  // namespace larder::node
