#include "sync/hub/db/menu_import.h"

#include <nlohmann/json.hpp>

#include <map>
#include <regex>
#include <set>

#include "base/uuid.h"
#include "sync/hub/db/tenant_transaction.h"

namespace larder::hub::db {
namespace {

using nlohmann::json;

// One field of one table: name, type, required, default, minimum.
enum class Kind { kUuid, kOptUuid, kText, kOptText, kInt, kBool, kDayparts, kSelection };
struct Field {
  const char* name;
  Kind kind;
  bool required;
  json fallback;
  std::int64_t min = INT64_MIN;
};

struct Table {
  const char* name;
  std::vector<Field> fields;
};

const std::vector<Table>& tables() {
  static const std::vector<Table> t = {
      {"menus",
       {{"id", Kind::kUuid, true, nullptr}, {"location_id", Kind::kOptUuid, false, nullptr},
        {"name", Kind::kText, true, nullptr}, {"dayparts", Kind::kDayparts, false, json::array()},
        {"sort_order", Kind::kInt, false, 0}, {"active", Kind::kBool, false, true}}},
      {"categories",
       {{"id", Kind::kUuid, true, nullptr}, {"menu_id", Kind::kUuid, true, nullptr},
        {"name", Kind::kText, true, nullptr}, {"description", Kind::kText, false, ""},
        {"sort_order", Kind::kInt, false, 0}}},
      {"items",
       {{"id", Kind::kUuid, true, nullptr}, {"category_id", Kind::kUuid, true, nullptr},
        {"name", Kind::kText, true, nullptr}, {"description", Kind::kText, false, ""},
        {"price_minor", Kind::kInt, true, nullptr, 0}, {"available", Kind::kBool, false, true},
        {"image_url", Kind::kOptText, false, nullptr}, {"sort_order", Kind::kInt, false, 0}}},
      {"modifiers",
       {{"id", Kind::kUuid, true, nullptr}, {"name", Kind::kText, true, nullptr},
        {"selection", Kind::kSelection, true, nullptr}, {"min_choices", Kind::kInt, false, 0, 0},
        {"max_choices", Kind::kInt, false, 1, 0}}},
      {"options",
       {{"id", Kind::kUuid, true, nullptr}, {"modifier_id", Kind::kUuid, true, nullptr},
        {"name", Kind::kText, true, nullptr}, {"price_delta_minor", Kind::kInt, false, 0},
        {"is_default", Kind::kBool, false, false}, {"available", Kind::kBool, false, true},
        {"sort_order", Kind::kInt, false, 0}}},
      {"item_modifiers",
       {{"item_id", Kind::kUuid, true, nullptr}, {"modifier_id", Kind::kUuid, true, nullptr},
        {"sort_order", Kind::kInt, false, 0}}},
  };
  return t;
}

std::string check_dayparts(const json& v, const std::string& path) {
  static const std::set<std::string> days = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  static const std::regex hhmm("([01][0-9]|2[0-3]):[0-5][0-9]");
  if (!v.is_array()) return path + " must be an array";
  for (std::size_t i = 0; i < v.size(); ++i) {
    std::string p = path + "[" + std::to_string(i) + "]";
    const json& d = v[i];
    if (!d.is_object()) return p + " must be an object";
    if (!d.contains("days") || !d["days"].is_array() || d["days"].empty()) return p + ".days must be a non-empty array";
    for (const json& day : d["days"]) {
      if (!day.is_string() || !days.count(day.get<std::string>())) return p + ".days must hold mon..sun";
    }
    for (const char* k : {"start", "end"}) {
      if (!d.contains(k) || !d[k].is_string() || !std::regex_match(d[k].get<std::string>(), hhmm)) {
        return p + "." + k + " must be \"HH:MM\"";
      }
    }
  }
  return "";
}

// Checks one row, filling defaults; "" or the first error.
std::string check_row(const Table& t, std::size_t index, const json& in, json* out) {
  const std::string path = std::string(t.name) + "[" + std::to_string(index) + "]";
  if (!in.is_object()) return path + " must be an object";
  for (auto it = in.begin(); it != in.end(); ++it) {
    bool known = false;
    for (const Field& f : t.fields) known = known || it.key() == f.name;
    if (!known) return path + "." + it.key() + " is not a field of " + t.name;
  }
  for (const Field& f : t.fields) {
    const std::string p = path + "." + f.name;
    if (!in.contains(f.name)) {
      if (f.required) return p + " is required";
      (*out)[f.name] = f.fallback;
      continue;
    }
    const json& v = in[f.name];
    switch (f.kind) {
      case Kind::kUuid:
        if (!v.is_string() || !is_uuid(v.get<std::string>())) return p + " must be a UUID";
        break;
      case Kind::kOptUuid:
        if (!v.is_null() && (!v.is_string() || !is_uuid(v.get<std::string>()))) return p + " must be a UUID or null";
        break;
      case Kind::kText:
        if (!v.is_string()) return p + " must be a string";
        if (std::string(f.name) == "name" && (v.get<std::string>().empty() || v.get<std::string>().size() > 200)) {
          return p + " must be 1 to 200 characters";
        }
        break;
      case Kind::kOptText:
        if (!v.is_null() && !v.is_string()) return p + " must be a string or null";
        break;
      case Kind::kInt:
        if (!v.is_number_integer()) return p + " must be an integer";
        if (v.get<std::int64_t>() < f.min) return p + " must be >= " + std::to_string(f.min);
        if (std::string(f.name) != "price_minor" && std::string(f.name) != "price_delta_minor" &&
            (v.get<std::int64_t>() > INT32_MAX || v.get<std::int64_t>() < INT32_MIN)) {
          return p + " is out of range";
        }
        break;
      case Kind::kBool:
        if (!v.is_boolean()) return p + " must be true or false";
        break;
      case Kind::kDayparts: {
        std::string e = check_dayparts(v, p);
        if (!e.empty()) return e;
        break;
      }
      case Kind::kSelection:
        if (!v.is_string() || (v != "single" && v != "multi")) return p + " must be \"single\" or \"multi\"";
        break;
    }
    (*out)[f.name] = v;
  }
  if (std::string(t.name) == "modifiers" && (*out)["max_choices"].get<std::int64_t>() < (*out)["min_choices"].get<std::int64_t>()) {
    return path + ".max_choices must be >= min_choices";
  }
  return "";
}

// Validates the document; fills `rows` per table; "" or the first error.
std::string validate(const json& doc, std::map<std::string, json>* rows) {
  if (!doc.is_object()) return "the menu document must be a JSON object";
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    bool known = false;
    for (const Table& t : tables()) known = known || it.key() == t.name;
    if (!known) return it.key() + " is not a section of a menu document";
  }
  std::map<std::string, std::set<std::string>> ids;
  for (const Table& t : tables()) {
    json list = json::array();
    if (doc.contains(t.name)) {
      if (!doc[t.name].is_array()) return std::string(t.name) + " must be an array";
      for (std::size_t i = 0; i < doc[t.name].size(); ++i) {
        json row = json::object();
        std::string e = check_row(t, i, doc[t.name][i], &row);
        if (!e.empty()) return e;
        std::string key = std::string(t.name) == "item_modifiers"
                              ? row["item_id"].get<std::string>() + "/" + row["modifier_id"].get<std::string>()
                              : row["id"].get<std::string>();
        if (!ids[t.name].insert(key).second) {
          return std::string(t.name) + "[" + std::to_string(i) + "] repeats " + key;
        }
        list.push_back(row);
      }
    }
    (*rows)[t.name] = list;
  }
  // References inside the document.
  struct Ref { const char* table; const char* field; const char* target; };
  for (const Ref& r : {Ref{"categories", "menu_id", "menus"}, Ref{"items", "category_id", "categories"},
                       Ref{"options", "modifier_id", "modifiers"}, Ref{"item_modifiers", "item_id", "items"},
                       Ref{"item_modifiers", "modifier_id", "modifiers"}}) {
    const json& list = (*rows)[r.table];
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!ids[r.target].count(list[i][r.field].get<std::string>())) {
        return std::string(r.table) + "[" + std::to_string(i) + "]." + r.field + " names no entry of " + r.target;
      }
    }
  }
  return "";
}

// Upsert every row of a table from a jsonb array (unchanged rows are left
// alone by the a_skip_noop_update trigger), then delete the tenant's rows
// the document does not hold.
struct Sql { const char* upsert; const char* remove; };
const std::map<std::string, Sql>& statements() {
  static const std::map<std::string, Sql> s = {
      {"menus",
       {"INSERT INTO menus (tenant_id, id, location_id, name, dayparts, sort_order, active)"
        " SELECT $1, id, location_id, name, dayparts, sort_order, active FROM jsonb_to_recordset($2::jsonb)"
        " AS x(id uuid, location_id uuid, name text, dayparts jsonb, sort_order int, active boolean)"
        " ON CONFLICT (tenant_id, id) DO UPDATE SET location_id = EXCLUDED.location_id, name = EXCLUDED.name,"
        " dayparts = EXCLUDED.dayparts, sort_order = EXCLUDED.sort_order, active = EXCLUDED.active",
        "DELETE FROM menus WHERE tenant_id = $1 AND id NOT IN"
        " (SELECT (x->>'id')::uuid FROM jsonb_array_elements($2::jsonb) x)"}},
      {"categories",
       {"INSERT INTO categories (tenant_id, id, menu_id, name, description, sort_order)"
        " SELECT $1, id, menu_id, name, description, sort_order FROM jsonb_to_recordset($2::jsonb)"
        " AS x(id uuid, menu_id uuid, name text, description text, sort_order int)"
        " ON CONFLICT (tenant_id, id) DO UPDATE SET menu_id = EXCLUDED.menu_id, name = EXCLUDED.name,"
        " description = EXCLUDED.description, sort_order = EXCLUDED.sort_order",
        "DELETE FROM categories WHERE tenant_id = $1 AND id NOT IN"
        " (SELECT (x->>'id')::uuid FROM jsonb_array_elements($2::jsonb) x)"}},
      {"items",
       {"INSERT INTO items (tenant_id, id, category_id, name, description, price_minor, available,"
        " image_url, sort_order) SELECT $1, id, category_id, name, description, price_minor, available,"
        " image_url, sort_order FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, category_id uuid,"
        " name text, description text, price_minor bigint, available boolean, image_url text, sort_order int)"
        " ON CONFLICT (tenant_id, id) DO UPDATE SET category_id = EXCLUDED.category_id, name = EXCLUDED.name,"
        " description = EXCLUDED.description, price_minor = EXCLUDED.price_minor,"
        " available = EXCLUDED.available, image_url = EXCLUDED.image_url, sort_order = EXCLUDED.sort_order",
        "DELETE FROM items WHERE tenant_id = $1 AND id NOT IN"
        " (SELECT (x->>'id')::uuid FROM jsonb_array_elements($2::jsonb) x)"}},
      {"modifiers",
       {"INSERT INTO modifiers (tenant_id, id, name, selection, min_choices, max_choices)"
        " SELECT $1, id, name, selection, min_choices, max_choices FROM jsonb_to_recordset($2::jsonb)"
        " AS x(id uuid, name text, selection text, min_choices int, max_choices int)"
        " ON CONFLICT (tenant_id, id) DO UPDATE SET name = EXCLUDED.name, selection = EXCLUDED.selection,"
        " min_choices = EXCLUDED.min_choices, max_choices = EXCLUDED.max_choices",
        "DELETE FROM modifiers WHERE tenant_id = $1 AND id NOT IN"
        " (SELECT (x->>'id')::uuid FROM jsonb_array_elements($2::jsonb) x)"}},
      {"options",
       {"INSERT INTO options (tenant_id, id, modifier_id, name, price_delta_minor, is_default, available,"
        " sort_order) SELECT $1, id, modifier_id, name, price_delta_minor, is_default, available, sort_order"
        " FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, modifier_id uuid, name text,"
        " price_delta_minor bigint, is_default boolean, available boolean, sort_order int)"
        " ON CONFLICT (tenant_id, id) DO UPDATE SET modifier_id = EXCLUDED.modifier_id, name = EXCLUDED.name,"
        " price_delta_minor = EXCLUDED.price_delta_minor, is_default = EXCLUDED.is_default,"
        " available = EXCLUDED.available, sort_order = EXCLUDED.sort_order",
        "DELETE FROM options WHERE tenant_id = $1 AND id NOT IN"
        " (SELECT (x->>'id')::uuid FROM jsonb_array_elements($2::jsonb) x)"}},
      {"item_modifiers",
       {"INSERT INTO item_modifiers (tenant_id, item_id, modifier_id, sort_order)"
        " SELECT $1, item_id, modifier_id, sort_order FROM jsonb_to_recordset($2::jsonb)"
        " AS x(item_id uuid, modifier_id uuid, sort_order int)"
        " ON CONFLICT (tenant_id, item_id, modifier_id) DO UPDATE SET sort_order = EXCLUDED.sort_order",
        "DELETE FROM item_modifiers WHERE tenant_id = $1 AND (item_id, modifier_id) NOT IN"
        " (SELECT (x->>'item_id')::uuid, (x->>'modifier_id')::uuid FROM jsonb_array_elements($2::jsonb) x)"}},
  };
  return s;
}

}  // namespace

Result<MenuImportStats> import_menu(PgConnection& conn, const std::string& tenant_id,
                                    const std::string& document) {
  json doc;
  try {
    doc = json::parse(document);
  } catch (const json::parse_error& e) {
    return invalid_argument(std::string("the menu document is not JSON: ") + e.what());
  }
  std::map<std::string, json> rows;
  std::string error = validate(doc, &rows);
  if (!error.empty()) return invalid_argument(error);

  Status done = run_for_tenant(conn, tenant_id, [&](Transaction& tx) -> Status {
    const json& menus = rows["menus"];
    for (std::size_t i = 0; i < menus.size(); ++i) {
      if (menus[i]["location_id"].is_null()) continue;
      LARDER_ASSIGN_OR_RETURN(PgResult r, tx.exec("SELECT 1 FROM locations WHERE tenant_id = $1 AND id = $2",
                                                  {tenant_id, menus[i]["location_id"].get<std::string>()}));
      if (r.rows() == 0) {
        return invalid_argument("menus[" + std::to_string(i) + "].location_id names no location of this tenant");
      }
    }
    // Deletes child-first, upserts parent-first.
    for (const char* t : {"item_modifiers", "options", "items", "categories", "menus", "modifiers"}) {
      LARDER_RETURN_IF_ERROR(tx.exec(statements().at(t).remove, {tenant_id, rows[t].dump()})
                                 .status().with_context(std::string("menu import, removing ") + t));
    }
    for (const char* t : {"menus", "categories", "items", "modifiers", "options", "item_modifiers"}) {
      LARDER_RETURN_IF_ERROR(tx.exec(statements().at(t).upsert, {tenant_id, rows[t].dump()})
                                 .status().with_context(std::string("menu import, writing ") + t));
    }
    return Status::ok();
  });
  if (!done.is_ok()) return done;
  MenuImportStats stats;
  stats.menus = static_cast<int>(rows["menus"].size());
  stats.categories = static_cast<int>(rows["categories"].size());
  stats.items = static_cast<int>(rows["items"].size());
  stats.modifiers = static_cast<int>(rows["modifiers"].size());
  stats.options = static_cast<int>(rows["options"].size());
  stats.item_modifiers = static_cast<int>(rows["item_modifiers"].size());
  return stats;
}

}  // namespace larder::hub::db
