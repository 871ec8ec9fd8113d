#include "node/menu/menu_view.h"

#include <openssl/evp.h>

#include <date/date.h>

#include <map>
#include <set>

#include "base/hex.h"

namespace larder::menu {
namespace {

using nlohmann::json;
using storage::Database;
using storage::StatementLease;

json nullable_text(const storage::Statement& s, int col) {
  auto v = s.column_optional_text(col);
  return v ? json(*v) : json(nullptr);
}

std::string iso8601(SysTime t) { return date::format("%FT%TZ", t); }

struct Header {
  json tenant;
  json location;
  std::string currency;
  std::string timezone;
  int tax_rate_bp = 0;
  bool tax_inclusive = false;
  std::vector<Daypart> opening;
  bool hours_known = true;
  std::vector<std::string> problems;  // MenuView::problems
};

Result<Header> load_header(Database& db, const std::string& location_id) {
  Header h;
  {
    LARDER_ASSIGN_OR_RETURN(StatementLease q, db.prepare(
        "SELECT id, name, brand_color, logo_url, currency FROM tenants LIMIT 1"));
    LARDER_ASSIGN_OR_RETURN(bool row, q->step());
    if (!row) return failed_precondition(db.label() + ": the replica has no tenant row yet");
    h.tenant = {{"id", q->column_text(0)}, {"name", q->column_text(1)},
                {"brand_color", nullable_text(*q, 2)}, {"logo_url", nullable_text(*q, 3)}};
    h.currency = q->column_text(4);
  }
  LARDER_ASSIGN_OR_RETURN(StatementLease q, db.prepare(
      "SELECT id, name, timezone, opening_hours, tax_rate_bp, tax_inclusive FROM locations"
      " WHERE id = ?"));
  q->bind(1, location_id);
  LARDER_ASSIGN_OR_RETURN(bool row, q->step());
  if (!row) {
    return failed_precondition(db.label() + ": the replica has no row for location " + location_id +
                               " yet");
  }
  h.timezone = q->column_text(2);
  h.tax_rate_bp = static_cast<int>(q->column_int(4));
  h.tax_inclusive = q->column_int(5) != 0;
  json hours = json::parse(q->column_text(3), nullptr, false);
  auto opening = parse_opening_hours(hours.is_discarded() ? json("bad") : hours);
  if (opening.is_ok()) {
    h.opening = *opening;
  } else {
    h.hours_known = false;
    h.problems.push_back(db.label() + ": location " + location_id +
                         ": opening_hours cannot be read (" + opening.status().message() +
                         "); its hours are unknown, so no order is refused for being closed");
  }
  h.location = {{"id", q->column_text(0)}, {"name", q->column_text(1)}, {"timezone", h.timezone}};
  return h;
}

struct ActiveMenus {
  std::vector<std::string> ids;          // active now, in display order
  json listing = json::array();          // [{id, name}]
  std::vector<std::vector<Daypart>> schedules;  // of every menu for this location
};

// Without a local time (unknown timezone) only menus without dayparts are on.
Result<ActiveMenus> load_menus(Database& db, const std::string& location_id,
                               std::optional<LocalTime> now) {
  ActiveMenus m;
  LARDER_ASSIGN_OR_RETURN(StatementLease q, db.prepare(
      "SELECT id, name, dayparts FROM menus WHERE active = 1 AND"
      " (location_id IS NULL OR location_id = ?) ORDER BY sort_order, name, id"));
  q->bind(1, location_id);
  for (;;) {
    LARDER_ASSIGN_OR_RETURN(bool row, q->step());
    if (!row) break;
    std::string id = q->column_text(0);
    json raw = json::parse(q->column_text(2), nullptr, false);
    auto parts = parse_dayparts(raw.is_discarded() ? json("bad") : raw);
    if (!parts.is_ok()) {
      return data_loss(db.label() + ": menu " + id + ": " + parts.status().message());
    }
    m.schedules.push_back(*parts);
    if (now ? active_at(*parts, *now) : parts->empty()) {
      m.ids.push_back(id);
      m.listing.push_back({{"id", id}, {"name", q->column_text(1)}});
    }
  }
  return m;
}

std::string sha256_hex(const std::string& data) {
  unsigned char md[32];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return to_hex(md, len);
}

}  // namespace

Result<std::shared_ptr<const MenuView>> build_menu_view(Database& db,
                                                        const std::string& location_id,
                                                        SysTime now) {
  LARDER_ASSIGN_OR_RETURN(Header h, load_header(db, location_id));
  std::optional<LocalTime> local;
  if (auto t = local_time(h.timezone, now); t.is_ok()) {
    local = *t;
  } else {
    h.hours_known = false;
    h.problems.push_back(db.label() + ": location " + location_id + ": timezone cannot be read (" +
                         t.status().message() +
                         "); its hours are unknown and menus with dayparts are left out");
  }
  LARDER_ASSIGN_OR_RETURN(ActiveMenus menus, load_menus(db, location_id, local));

  auto view = std::make_shared<MenuView>();
  view->location_id = location_id;
  view->timezone = h.timezone;
  pricing::MenuSnapshot& snap = view->snapshot;
  snap.currency = h.currency;
  snap.tax_rate_bp = h.tax_rate_bp;
  snap.tax_mode = h.tax_inclusive ? pricing::TaxMode::kInclusive : pricing::TaxMode::kExclusive;

  // Modifier groups and options, loaded whole (small tables), rendered per item.
  std::map<std::string, json> group_json;
  {
    LARDER_ASSIGN_OR_RETURN(StatementLease q, db.prepare(
        "SELECT id, name, selection, min_choices, max_choices FROM modifiers"));
    for (;;) {
      LARDER_ASSIGN_OR_RETURN(bool row, q->step());
      if (!row) break;
      std::string id = q->column_text(0);
      pricing::ModifierGroup g;
      g.name = q->column_text(1);
      g.selection = q->column_text(2) == "single" ? pricing::Selection::kSingle
                                                  : pricing::Selection::kMulti;
      g.min_choices = static_cast<int>(q->column_int(3));
      g.max_choices = static_cast<int>(q->column_int(4));
      snap.modifiers.emplace(id, g);
      group_json[id] = {{"id", id},
                        {"name", g.name},
                        {"selection", q->column_text(2)},
                        {"min_choices", g.min_choices},
                        {"max_choices", g.max_choices},
                        {"options", json::array()}};
    }
  }
  {
    LARDER_ASSIGN_OR_RETURN(StatementLease q, db.prepare(
        "SELECT id, modifier_id, name, price_delta_minor, is_default, available FROM options"
        " ORDER BY modifier_id, sort_order, name, id"));
    for (;;) {
      LARDER_ASSIGN_OR_RETURN(bool row, q->step());
      if (!row) break;
      std::string id = q->column_text(0);
      pricing::ModifierOption o;
      o.modifier_id = q->column_text(1);
      o.name = q->column_text(2);
      o.price_delta_minor = q->column_int(3);
      o.is_default = q->column_int(4) != 0;
      o.available = q->column_int(5) != 0;
      auto group = snap.modifiers.find(o.modifier_id);
      if (group == snap.modifiers.end()) continue;  // orphan: its group is not synced (yet)
      group->second.option_ids.push_back(id);
      if (o.available) {
        group_json[o.modifier_id]["options"].push_back({{"id", id},
                                                        {"name", o.name},
                                                        {"price_delta_minor", o.price_delta_minor},
                                                        {"is_default", o.is_default}});
      }
      snap.options.emplace(id, o);
    }
  }

  json categories = json::array();
  for (const std::string& menu_id : menus.ids) {
    LARDER_ASSIGN_OR_RETURN(StatementLease cq, db.prepare(
        "SELECT id, name, description FROM categories WHERE menu_id = ?"
        " ORDER BY sort_order, name, id"));
    cq->bind(1, menu_id);
    for (;;) {
      LARDER_ASSIGN_OR_RETURN(bool crow, cq->step());
      if (!crow) break;
      std::string category_id = cq->column_text(0);
      json items = json::array();
      LARDER_ASSIGN_OR_RETURN(StatementLease iq, db.prepare(
          "SELECT id, name, description, price_minor, available, image_url FROM items"
          " WHERE category_id = ? ORDER BY sort_order, name, id"));
      iq->bind(1, category_id);
      for (;;) {
        LARDER_ASSIGN_OR_RETURN(bool irow, iq->step());
        if (!irow) break;
        std::string item_id = iq->column_text(0);
        pricing::MenuItem item;
        item.name = iq->column_text(1);
        item.price_minor = iq->column_int(3);
        item.available = iq->column_int(4) != 0;
        json groups = json::array();
        LARDER_ASSIGN_OR_RETURN(StatementLease mq, db.prepare(
            "SELECT modifier_id FROM item_modifiers WHERE item_id = ?"
            " ORDER BY sort_order, modifier_id"));
        mq->bind(1, item_id);
        for (;;) {
          LARDER_ASSIGN_OR_RETURN(bool mrow, mq->step());
          if (!mrow) break;
          std::string mid = mq->column_text(0);
          if (snap.modifiers.count(mid) == 0) continue;
          item.modifier_ids.push_back(mid);
          groups.push_back(group_json[mid]);
        }
        if (item.available) {
          items.push_back({{"id", item_id},
                           {"name", item.name},
                           {"description", nullable_text(*iq, 2)},
                           {"price_minor", item.price_minor},
                           {"image_url", nullable_text(*iq, 5)},
                           {"modifiers", groups}});
          ++view->item_count;
        }
        snap.items.emplace(item_id, std::move(item));
      }
      if (!items.empty()) {
        categories.push_back({{"id", category_id},
                              {"name", cq->column_text(1)},
                              {"description", nullable_text(*cq, 2)},
                              {"items", items}});
      }
    }
  }

  std::vector<std::vector<Daypart>> schedules = menus.schedules;
  schedules.push_back(h.opening);
  view->valid_until = local ? next_change(schedules, h.timezone, now) : std::nullopt;
  if (local && h.hours_known) {
    view->open = active_at(h.opening, *local);
    if (!*view->open) view->opens_at = next_active(h.opening, h.timezone, now);
  }
  view->problems = std::move(h.problems);
  json location = h.location;
  location["open"] = view->open ? json(*view->open) : json(nullptr);
  json body = {{"tenant", h.tenant},
               {"location", location},
               {"currency", h.currency},
               {"tax", {{"rate_bp", h.tax_rate_bp}, {"inclusive", h.tax_inclusive}}},
               {"menus", menus.listing},
               {"categories", categories},
               {"valid_until", view->valid_until ? json(iso8601(*view->valid_until)) : json(nullptr)}};
  view->body = body.dump();
  view->etag = "\"" + sha256_hex(view->body).substr(0, 32) + "\"";
  return std::shared_ptr<const MenuView>(std::move(view));
}

}  // namespace larder::menu
