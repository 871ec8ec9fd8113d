// parse_order_request(): the JSON edge of pricing. nlohmann::json exceptions
// are caught here and become FieldErrors; none leave this file.
#include <exception>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "node/pricing/order_request.h"
#include "node/pricing/order_rules.h"

namespace larder::pricing {
namespace {

using Json = nlohmann::json;

// nlohmann keeps the last of two equal keys without a word; a strict parser
// must not ({"quantity":1,"quantity":99} would mean whatever the last proxy
// or logger thought). This callback watches the parse events, keeps the path
// of the container being parsed, and remembers the first duplicate key.
class DuplicateKeyFinder {
 public:
  bool operator()(int /*depth*/, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
      case Json::parse_event_t::array_start:
        frames_.push_back({child_path(), event == Json::parse_event_t::array_start, 0, {}, {}});
        break;
      case Json::parse_event_t::key: {
        Frame& frame = frames_.back();
        frame.key = parsed.get<std::string>();
        if (!found_ && !frame.keys.insert(frame.key).second) {
          found_ = true;
          path_ = member_path(frame.path, frame.key);
        }
        break;
      }
      case Json::parse_event_t::object_end:
      case Json::parse_event_t::array_end:
        frames_.pop_back();
        if (!frames_.empty() && frames_.back().array) ++frames_.back().next_index;
        break;
      case Json::parse_event_t::value:
        if (!frames_.empty() && frames_.back().array) ++frames_.back().next_index;
        break;
    }
    return true;  // keep everything; this only observes
  }

  bool found() const { return found_; }
  const std::string& path() const { return path_; }  // of the repeated member

 private:
  struct Frame {
    std::string path;
    bool array = false;
    std::size_t next_index = 0;  // arrays: index of the next element
    std::string key;             // objects: the key whose value comes next
    std::set<std::string> keys;  // objects: keys seen so far
  };

  std::string child_path() const {
    if (frames_.empty()) return "";
    const Frame& parent = frames_.back();
    return parent.array ? index_path(parent.path, parent.next_index)
                        : member_path(parent.path, parent.key);
  }

  std::vector<Frame> frames_;
  bool found_ = false;
  std::string path_;
};

// nlohmann's what() starts with "[json.exception.parse_error.101] "; the rest
// ("parse error at line 1, column 9: syntax error while parsing value -
// invalid literal; last read: '{\"x\":tru'") is what a developer needs.
std::string json_problem(const std::exception& e) {
  std::string what = e.what();
  if (!what.empty() && what[0] == '[') {
    const std::size_t close = what.find("] ");
    if (close != std::string::npos) what.erase(0, close + 2);
  }
  return "is not valid JSON: " + what;
}

void report_unknown(const Json& object, const std::string& path,
                    std::initializer_list<const char*> known, ErrorList& errors) {
  std::string list;
  for (const char* k : known) list += std::string(list.empty() ? "" : ", ") + k;
  for (auto it = object.begin(); it != object.end(); ++it) {
    bool ok = false;
    for (const char* k : known) ok = ok || it.key() == k;
    if (!ok) errors.add(member_path(path, it.key()), "is not a known field (known fields: " + list + ")");
  }
}

bool read_id(const Json& value, const std::string& path, std::string& out, ErrorList& errors) {
  if (!value.is_string() || !rules::valid_id(value.get_ref<const std::string&>())) {
    errors.add(path, rules::kId);
    return false;
  }
  out = value.get<std::string>();
  return true;
}

void read_quantity(const Json& value, const std::string& path, int& out, ErrorList& errors) {
  // is_number_integer() holds for both signed and unsigned JSON integers;
  // 2.0 and 1e0 are floats and are refused like 1.5.
  // Unsigned JSON integers above INT64_MAX must not be converted to int64.
  const bool ok = value.is_number_unsigned()
                      ? value.get<std::uint64_t>() <= static_cast<std::uint64_t>(kMaxQuantity) &&
                            rules::valid_quantity(value.get<std::int64_t>())
                      : value.is_number_integer() && rules::valid_quantity(value.get<std::int64_t>());
  if (!ok) {
    errors.add(path, rules::kQuantity);
    return;
  }
  out = static_cast<int>(value.get<std::int64_t>());
}

void read_option_ids(const Json& value, const std::string& path, std::vector<std::string>& out,
                     ErrorList& errors) {
  if (!value.is_array() || value.size() > kMaxOptionsPerLine) {
    errors.add(path, rules::kOptionIds);
    return;
  }
  std::set<std::string> seen;
  for (std::size_t j = 0; j < value.size(); ++j) {
    std::string id;
    if (!read_id(value[j], index_path(path, j), id, errors)) continue;
    if (!seen.insert(id).second) {
      errors.add(index_path(path, j), rules::duplicate_option(id));
      continue;
    }
    out.push_back(std::move(id));
  }
}

OrderLineRequest read_line(const Json& value, const std::string& path, ErrorList& errors) {
  OrderLineRequest line;
  if (!value.is_object()) {
    errors.add(path, rules::kLine);
    return line;
  }
  auto item = value.find("item_id");
  if (item == value.end()) {
    errors.add(path + ".item_id", rules::kRequired);
  } else {
    read_id(*item, path + ".item_id", line.item_id, errors);
  }
  auto quantity = value.find("quantity");
  if (quantity == value.end()) {
    errors.add(path + ".quantity", rules::kRequired);
  } else {
    read_quantity(*quantity, path + ".quantity", line.quantity, errors);
  }
  auto options = value.find("option_ids");
  if (options != value.end()) read_option_ids(*options, path + ".option_ids", line.option_ids, errors);
  report_unknown(value, path, {"item_id", "quantity", "option_ids"}, errors);
  return line;
}

OrderRequest read_request(const Json& doc, ErrorList& errors) {
  OrderRequest request;
  auto lines = doc.find("lines");
  if (lines == doc.end()) {
    errors.add("lines", rules::kRequired);
  } else if (!lines->is_array() || lines->empty() || lines->size() > kMaxLines) {
    errors.add("lines", rules::kLines);
  } else {
    for (std::size_t i = 0; i < lines->size(); ++i) {
      request.lines.push_back(read_line((*lines)[i], index_path("lines", i), errors));
    }
  }
  auto note = doc.find("note");
  if (note != doc.end()) {
    if (!note->is_string()) {
      errors.add("note", rules::kNoteType);
    } else {
      std::string problem = rules::note_problem(note->get_ref<const std::string&>());
      if (problem.empty()) {
        request.note = note->get<std::string>();
      } else {
        errors.add("note", std::move(problem));
      }
    }
  }
  report_unknown(doc, "", {"lines", "note"}, errors);
  return request;
}

}  // namespace

Validated<OrderRequest> parse_order_request(std::string_view body) {
  if (body.size() > kMaxRequestBytes) {
    return std::vector<FieldError>{{"", "is " + std::to_string(body.size()) +
                                            " bytes; an order body may be at most " +
                                            std::to_string(kMaxRequestBytes) + " bytes"}};
  }
  DuplicateKeyFinder duplicates;
  Json doc;
  try {
    doc = Json::parse(body.begin(), body.end(), std::ref(duplicates), /*allow_exceptions=*/true,
                      /*ignore_comments=*/false);
  } catch (const Json::exception& e) {
    return std::vector<FieldError>{{"", json_problem(e)}};
  } catch (const std::exception& e) {  // std::bad_alloc and the like
    return std::vector<FieldError>{{"", std::string("could not be read: ") + e.what()}};
  }
  if (duplicates.found()) {
    return std::vector<FieldError>{
        {duplicates.path(), "appears more than once (each field may appear only once)"}};
  }
  if (!doc.is_object()) {
    return std::vector<FieldError>{{"", "must be a JSON object like {\"lines\": [...]}"}};
  }
  ErrorList errors;
  OrderRequest request;
  try {
    request = read_request(doc, errors);
  } catch (const std::exception& e) {  // a bug in the checks above, not the input
    return std::vector<FieldError>{{"", std::string("internal error reading the order: ") + e.what()}};
  }
  if (!errors.empty()) return std::move(errors).take();
  return request;
}

}  // namespace larder::pricing
