#include "sync/hub/db/order_content.h"

#include <array>
#include <cctype>
#include <set>
#include <string_view>

#include "base/uuid.h"
#include "sync/hub/db/credentials.h"

namespace larder::hub::db {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 6> kStatuses = {"placed", "accepted",  "in_progress",
                                                       "ready",  "completed", "cancelled"};

bool is_status(std::string_view s) {
  for (std::string_view k : kStatuses) {
    if (s == k) return true;
  }
  return false;
}

bool digits(std::string_view s, std::size_t at, std::size_t n) {
  if (at + n > s.size()) return false;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

// The shape \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2}),
// checked by hand (a std::regex per order cost more than the rest of the
// check). Field ranges are PostgreSQL's to judge: timestamptz refuses
// month 13, and ingest then rejects that order alone.
bool is_rfc3339_shape(std::string_view s) {
  if (!digits(s, 0, 4) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2) || s[7] != '-' ||
      !digits(s, 8, 2) || s[10] != 'T' || !digits(s, 11, 2) || s[13] != ':' || !digits(s, 14, 2) ||
      s[16] != ':' || !digits(s, 17, 2)) {
    return false;
  }
  std::size_t i = 19;
  if (s[i] == '.') {
    std::size_t j = i + 1;
    while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
    if (j - i - 1 < 1 || j - i - 1 > 6) return false;
    i = j;
  }
  if (i < s.size() && s[i] == 'Z') return i + 1 == s.size();
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    return i + 6 == s.size() && digits(s, i + 1, 2) && s[i + 3] == ':' && digits(s, i + 4, 2);
  }
  return false;
}

bool is_currency(std::string_view s) {
  if (s.size() != 3) return false;
  for (char c : s) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

// Characters as PostgreSQL's length() counts them in a UTF-8 database.
std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string lowercase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Field readers that say which path is wrong; the first problem wins.
struct Checker {
  std::string error;
  bool ok() const { return error.empty(); }
  void fail(const std::string& m) {
    if (error.empty()) error = m;
  }
  std::string str(const json& o, const std::string& path, const char* key, bool uuid = false) {
    auto it = o.find(key);
    if (it == o.end() || !it->is_string()) {
      fail(path + key + " must be a string");
      return "";
    }
    std::string v = it->get<std::string>();
    if (uuid && !is_uuid(v)) fail(path + key + " must be a UUID");
    // A text parameter ends at a NUL, and jsonb cannot hold one: refused
    // rather than silently cut.
    if (v.find('\0') != std::string::npos) fail(path + key + " must not contain a NUL character");
    return v;
  }
  std::int64_t integer(const json& o, const std::string& path, const char* key, std::int64_t min) {
    auto it = o.find(key);
    if (it == o.end() || !it->is_number_integer()) {
      fail(path + key + " must be an integer");
      return 0;
    }
    std::int64_t v = it->get<std::int64_t>();
    if (v < min) fail(path + key + " must be >= " + std::to_string(min));
    return v;
  }
};

json canonical_options(Checker& c, const json& it, const std::string& p) {
  json options = json::array();
  auto found = it.find("options");
  if (found == it.end()) return options;
  if (!found->is_array()) c.fail(p + "options must be an array");
  std::set<std::string> seen;
  for (std::size_t k = 0; c.ok() && k < found->size(); ++k) {
    const json& o = (*found)[k];
    std::string q = p + "options[" + std::to_string(k) + "].";
    if (!o.is_object()) {
      c.fail(p + "options[" + std::to_string(k) + "] must be an object");
      break;
    }
    json opt;
    opt["option_id"] = c.str(o, q, "option_id", true);
    opt["modifier_id"] = c.str(o, q, "modifier_id", true);
    opt["name"] = c.str(o, q, "name");
    opt["price_delta_minor"] = c.integer(o, q, "price_delta_minor", INT64_MIN);
    // The line's options are a set (the primary key of order_item_options).
    if (c.ok() && !seen.insert(lowercase(opt["option_id"].get<std::string>())).second) {
      c.fail(q + "option_id repeats an earlier option of this line");
    }
    options.push_back(std::move(opt));
  }
  return options;
}

// Validates and returns the canonical content (sorted keys, no status, only
// known fields) whose hash identifies the order.
Result<json> canonical_order(const json& order) {
  if (!order.is_object()) return invalid_argument("order must be a JSON object");
  Checker c;
  json out;
  out["id"] = c.str(order, "", "id", true);
  out["location_id"] = c.str(order, "", "location_id", true);
  out["device_id"] = c.str(order, "", "device_id", true);
  out["number"] = c.str(order, "", "number");
  out["currency"] = c.str(order, "", "currency");
  out["placed_at"] = c.str(order, "", "placed_at");
  out["subtotal_minor"] = c.integer(order, "", "subtotal_minor", 0);
  out["tax_minor"] = c.integer(order, "", "tax_minor", 0);
  out["total_minor"] = c.integer(order, "", "total_minor", 0);
  // Optional (older nodes did not send them): the diner's note and the tax basis.
  out["note"] = nullptr;
  auto note = order.find("note");
  if (note != order.end() && !note->is_null()) {
    std::string text = c.str(order, "", "note");
    if (utf8_length(text) > 200) c.fail("note must be at most 200 characters");
    out["note"] = text;
  }
  out["tax_rate_bp"] = order.contains("tax_rate_bp") ? c.integer(order, "", "tax_rate_bp", 0) : 0;
  if (c.ok() && out["tax_rate_bp"].get<std::int64_t>() > 100000) {
    c.fail("tax_rate_bp must be <= 100000");
  }
  out["tax_inclusive"] = false;
  auto inclusive = order.find("tax_inclusive");
  if (inclusive != order.end()) {
    if (!inclusive->is_boolean()) {
      c.fail("tax_inclusive must be true or false");
    } else {
      out["tax_inclusive"] = inclusive->get<bool>();
    }
  }
  if (c.ok() && !is_rfc3339_shape(out["placed_at"].get<std::string>())) {
    c.fail("placed_at must be an RFC 3339 time, e.g. 2024-05-01T12:00:00Z");
  }
  if (c.ok() && !is_currency(out["currency"].get<std::string>())) {
    c.fail("currency must be 3 capital letters");
  }
  if (c.ok() &&
      (out["number"].get<std::string>().empty() || out["number"].get<std::string>().size() > 32)) {
    c.fail("number must be 1 to 32 characters");
  }
  auto status = order.find("status");
  if (status != order.end() &&
      (!status->is_string() || !is_status(status->get_ref<const std::string&>()))) {
    c.fail("status must be one of placed, accepted, in_progress, ready, completed, cancelled");
  }
  auto lines = order.find("items");
  if (lines == order.end() || !lines->is_array() || lines->empty()) {
    c.fail("items must be a non-empty array");
  }
  if (!c.ok()) return invalid_argument(c.error);
  json items = json::array();
  std::int64_t sum = 0;
  bool sum_ok = true;
  std::set<std::int64_t> line_nos;
  for (std::size_t i = 0; i < lines->size() && c.ok(); ++i) {
    const json& it = (*lines)[i];
    std::string p = "items[" + std::to_string(i) + "].";
    if (!it.is_object()) {
      c.fail("items[" + std::to_string(i) + "] must be an object");
      break;
    }
    json line;
    std::int64_t line_no = c.integer(it, p, "line_no", 1);
    if (c.ok() && !line_nos.insert(line_no).second) c.fail(p + "line_no repeats an earlier line");
    line["line_no"] = line_no;
    line["item_id"] = c.str(it, p, "item_id", true);
    line["name"] = c.str(it, p, "name");
    std::int64_t unit = c.integer(it, p, "unit_price_minor", INT64_MIN);
    std::int64_t qty = c.integer(it, p, "quantity", 1);
    std::int64_t total = c.integer(it, p, "line_total_minor", INT64_MIN);
    std::int64_t product = 0;
    if (c.ok() && (__builtin_mul_overflow(unit, qty, &product) || product != total)) {
      c.fail(p + "line_total_minor must equal unit_price_minor * quantity");
    }
    line["unit_price_minor"] = unit;
    line["quantity"] = qty;
    line["line_total_minor"] = total;
    if (__builtin_add_overflow(sum, total, &sum)) sum_ok = false;
    line["options"] = canonical_options(c, it, p);
    items.push_back(std::move(line));
  }
  if (c.ok() && (!sum_ok || sum != out["subtotal_minor"].get<std::int64_t>())) {
    c.fail("subtotal_minor must equal the sum of items[].line_total_minor");
  }
  if (c.ok()) {
    std::int64_t subtotal = out["subtotal_minor"].get<std::int64_t>();
    std::int64_t tax = out["tax_minor"].get<std::int64_t>();
    std::int64_t total = out["total_minor"].get<std::int64_t>();
    std::int64_t with_tax = 0;
    bool inclusive_tax = out["tax_inclusive"].get<bool>();
    if (inclusive_tax && (total != subtotal || tax > total)) {
      c.fail(
          "total_minor must equal subtotal_minor, with tax_minor included in it, when tax is "
          "inclusive");
    } else if (!inclusive_tax &&
               (__builtin_add_overflow(subtotal, tax, &with_tax) || total != with_tax)) {
      c.fail("total_minor must equal subtotal_minor + tax_minor");
    }
  }
  if (!c.ok()) return invalid_argument(c.error);
  out["items"] = std::move(items);
  return out;
}

}  // namespace

CheckedOrder check_order(json document) {
  CheckedOrder out;
  if (document.is_object()) {
    auto id = document.find("id");
    if (id != document.end() && id->is_string()) out.order_id = id->get<std::string>();
  }
  auto canonical = canonical_order(document);
  if (!canonical.is_ok()) {
    out.invalid = canonical.status().message();
  } else {
    try {
      out.content_hash = sha256_hex(canonical->dump());
      out.canonical = std::move(canonical).value();
    } catch (const json::exception&) {  // dump() refuses invalid UTF-8
      out.invalid = "order strings must be valid UTF-8";
    }
  }
  out.document = std::move(document);
  return out;
}

Result<std::string> order_content_hash(const json& order) {
  CheckedOrder checked = check_order(order);
  if (!checked.invalid.empty()) return invalid_argument(checked.invalid);
  return checked.content_hash;
}

}  // namespace larder::hub::db
