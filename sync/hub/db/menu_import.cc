#include "sync/hub/db/menu_import.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <regex>
#include <set>

#include "base/uuid.h"
#include "sync/hub/db/tenant_transaction.h"

namespace larder::hub::db {
namespace {

using nlohmann::json;

// The largest price or price delta, in minor units. The node refuses a menu
// with larger amounts (kMaxAmountMinor in node/pricing/tax.h, the same
// number), and with quantities of at most 99 no sum of such amounts can
// overflow int64 there.
constexpr std::int64_t kMaxPriceMinor = 1'000'000'000'000;
constexpr std::int64_t kMaxNameChars = 200;

// One field of one table: name, type, required, default, bounds (integers).
enum class Kind { kUuid, kOptUuid, kText, kOptText, kInt, kBool, kDayparts, kSelection };
struct Field {
  const char* name;
  Kind kind;
  bool required;
  json fallback;
  std::int64_t min = INT32_MIN;
  std::int64_t max = INT32_MAX;
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
        {"price_minor", Kind::kInt, true, nullptr, 0, kMaxPriceMinor}, {"available", Kind::kBool, false, true},
        {"image_url", Kind::kOptText, false, nullptr}, {"sort_order", Kind::kInt, false, 0}}},
      {"modifiers",
       {{"id", Kind::kUuid, true, nullptr}, {"name", Kind::kText, true, nullptr},
        {"selection", Kind::kSelection, true, nullptr}, {"min_choices", Kind::kInt, false, 0, 0},
        {"max_choices", Kind::kInt, false, 1, 0}}},
      {"options",
       {{"id", Kind::kUuid, true, nullptr}, {"modifier_id", Kind::kUuid, true, nullptr},
        {"name", Kind::kText, true, nullptr}, {"price_delta_minor", Kind::kInt, false, 0, -kMaxPriceMinor, kMaxPriceMinor},
        {"is_default", Kind::kBool, false, false}, {"available", Kind::kBool, false, true},
        {"sort_order", Kind::kInt, false, 0}}},
      {"item_modifiers",
       {{"item_id", Kind::kUuid, true, nullptr}, {"modifier_id", Kind::kUuid, true, nullptr},
        {"sort_order", Kind::kInt, false, 0}}},
  };
  return t;
}

// Length of `s` in Unicode code points, or -1 when it is not well-formed
// UTF-8 (overlong forms, surrogates and values above U+10FFFF included);
// then *bad_at, when given, is the offset of the first bad sequence.
std::int64_t utf8_length(const std::string& s, std::size_t* bad_at = nullptr) {
  std::int64_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++n) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xe ? 3 : (b >> 3) == 0x1e ? 4 : 0;
    bool ok = len != 0 && i + len <= s.size();
    std::uint32_t cp = len == 1 ? b : b & (0x7f >> len);
    for (std::size_t k = 1; ok && k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      ok = (c & 0xc0) == 0x80;
      cp = (cp << 6) | (c & 0x3f);
    }
    static const std::uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    ok = ok && cp >= kMinForLength[len] && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff);
    if (!ok) {
      if (bad_at != nullptr) *bad_at = i;
      return -1;
    }
    i += len;
  }
  return n;
}

// A name: well-formed UTF-8, 1..kMaxNameChars code points, no control
// characters (a NUL cannot be stored by PostgreSQL at all; the others have
// no place on a kiosk screen or a receipt). "" or the reason.
std::string check_name(const std::string& s) {
  const std::int64_t chars = utf8_length(s);
  if (chars < 0) return " must be valid UTF-8";
  for (const char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return " must not hold control characters (U+0000 to U+001F, U+007F)";
    }
  }
  if (chars < 1 || chars > kMaxNameChars) return " must be 1 to " + std::to_string(kMaxNameChars) + " characters";
  return "";
}

// Other text: well-formed UTF-8 without NUL, which PostgreSQL cannot store
// (newlines and tabs are fine in a description). "" or the reason.
std::string check_text(const std::string& s) {
  if (utf8_length(s) < 0) return " must be valid UTF-8";
  if (s.find('\0') != std::string::npos) return " must not hold a NUL character (U+0000)";
  return "";
}

std::string check_dayparts(const json& v, const std::string& path) {
  static const std::vector<std::string> days = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  // As the node reads them (node/menu/daypart.h, and migration 008): an end
  // may be 24:00, the end of the day.
  static const std::regex start_hhmm("([01][0-9]|2[0-3]):[0-5][0-9]");
  static const std::regex end_hhmm("([01][0-9]|2[0-3]):[0-5][0-9]|24:00");
  if (!v.is_array()) return path + " must be an array";
  for (std::size_t i = 0; i < v.size(); ++i) {
    std::string p = path + "[" + std::to_string(i) + "]";
    const json& d = v[i];
    if (!d.is_object()) return p + " must be an object";
    for (auto it = d.begin(); it != d.end(); ++it) {
      if (it.key() != "days" && it.key() != "start" && it.key() != "end") {
        return p + "." + it.key() + " is not a field of dayparts";
      }
    }
    if (!d.contains("days") || !d["days"].is_array() || d["days"].empty()) return p + ".days must be a non-empty array";
    std::set<std::string> seen;
    for (const json& day : d["days"]) {
      if (!day.is_string() || std::find(days.begin(), days.end(), day.get<std::string>()) == days.end()) {
        return p + ".days must hold mon..sun";
      }
      if (!seen.insert(day.get<std::string>()).second) return p + ".days repeats " + day.dump();
    }
    for (const char* k : {"start", "end"}) {
      const std::regex& hhmm = std::string(k) == "start" ? start_hhmm : end_hhmm;
      if (!d.contains(k) || !d[k].is_string() || !std::regex_match(d[k].get<std::string>(), hhmm)) {
        return p + "." + k +
               (std::string(k) == "start" ? " must be \"HH:MM\" from 00:00 to 23:59"
                                          : " must be \"HH:MM\" from 00:00 to 24:00");
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
      case Kind::kOptText: {
        if (f.kind == Kind::kOptText && v.is_null()) break;
        if (!v.is_string()) return p + (f.kind == Kind::kText ? " must be a string" : " must be a string or null");
        std::string e = std::string(f.name) == "name" ? check_name(v.get<std::string>())
                                                      : check_text(v.get<std::string>());
        if (!e.empty()) return p + e;
        break;
      }
      case Kind::kInt: {
        if (!v.is_number_integer()) return p + " must be an integer";
        // An unsigned value above INT64_MAX would wrap in get<int64_t>().
        const bool huge = v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX);
        const std::int64_t n = huge ? INT64_MAX : v.get<std::int64_t>();
        if (n < f.min) return p + " must be >= " + std::to_string(f.min);
        if (n > f.max) return p + " must be <= " + std::to_string(f.max);
        break;
      }
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
  if (std::string(t.name) == "modifiers") {
    const json& o = *out;
    if (o["max_choices"].get<std::int64_t>() < o["min_choices"].get<std::int64_t>()) {
      return path + ".max_choices must be >= min_choices";
    }
    // The node lets a single selection take at most one option, so a
    // minimum above 1 could never be met.
    if (o["selection"] == "single" && o["min_choices"].get<std::int64_t>() > 1) {
      return path + ".min_choices must be 0 or 1 for a single selection";
    }
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
  // A modifier must have options enough for its minimum (unavailable ones
  // count: availability changes during the day, the menu does not).
  std::map<std::string, std::int64_t> options_of;
  for (const json& o : (*rows)["options"]) ++options_of[o["modifier_id"].get<std::string>()];
  const json& modifiers = (*rows)["modifiers"];
  for (std::size_t i = 0; i < modifiers.size(); ++i) {
    const std::int64_t min = modifiers[i]["min_choices"].get<std::int64_t>();
    const std::int64_t have = options_of[modifiers[i]["id"].get<std::string>()];
    if (min > have) {
      return "modifiers[" + std::to_string(i) + "].min_choices is " + std::to_string(min) + " but the modifier has " +
             std::to_string(have) + (have == 1 ? " option" : " options");
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
  // Checked before parsing so the error says where; the JSON parser would
  // refuse it too, less plainly.
  std::size_t bad_at = 0;
  if (utf8_length(document, &bad_at) < 0) {
    const auto line = 1 + std::count(document.begin(), document.begin() + static_cast<std::ptrdiff_t>(bad_at), '\n');
    return invalid_argument("the menu document is not valid UTF-8 (byte " + std::to_string(bad_at) + ", line " +
                            std::to_string(line) + ")");
  }
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
