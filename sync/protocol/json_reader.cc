#include "sync/protocol/json_reader.h"

namespace larder::sync {
namespace {
const nlohmann::json kNull;
const nlohmann::json kEmptyArray = nlohmann::json::array();
}  // namespace

JsonReader::JsonReader(const nlohmann::json& object, std::string path)
    : object_(object), path_(std::move(path)) {
  if (!object_.is_object()) {
    status_ = invalid_argument((path_.empty() ? std::string("the body") : path_) +
                               " must be a JSON object");
  }
}

std::string JsonReader::where(const char* name) const {
  // append(), not operator+: g++ 12 at -O3 reports a false -Wrestrict in the
  // inlined operator+ (GCC bug 105329), which -Werror turns into a failed build.
  std::string p = path_;
  if (!p.empty()) p.append(1, '.');
  return p.append(name);
}

std::string JsonReader::child_path(const char* name, std::optional<std::size_t> index) const {
  std::string p = where(name);
  if (index) p.append(1, '[').append(std::to_string(*index)).append(1, ']');
  return p;
}

void JsonReader::fail(Status status) {
  if (status_.is_ok() && !status.is_ok()) status_ = std::move(status);
}

const nlohmann::json* JsonReader::field(const char* name, bool required) {
  if (!status_.is_ok()) return nullptr;
  seen_.insert(name);
  auto it = object_.find(name);
  if (it == object_.end() || it->is_null()) {
    if (required) fail(invalid_argument(where(name) + " is required"));
    return nullptr;
  }
  return &*it;
}

std::string JsonReader::string(const char* name, std::size_t max_len, bool allow_empty) {
  const nlohmann::json* v = field(name, true);
  if (v == nullptr) return {};
  if (!v->is_string()) {
    fail(invalid_argument(where(name) + " must be a string"));
    return {};
  }
  const std::string& s = v->get_ref<const std::string&>();
  if ((!allow_empty && s.empty()) || s.size() > max_len) {
    fail(invalid_argument(where(name) + " must be " + (allow_empty ? "0" : "1") + " to " +
                          std::to_string(max_len) + " characters"));
    return {};
  }
  return s;
}

std::optional<std::string> JsonReader::optional_string(const char* name, std::size_t max_len) {
  const nlohmann::json* v = field(name, false);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    fail(invalid_argument(where(name) + " must be a string"));
    return std::nullopt;
  }
  if (v->get_ref<const std::string&>().size() > max_len) {
    fail(invalid_argument(where(name) + " must be at most " + std::to_string(max_len) +
                          " characters"));
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::int64_t JsonReader::integer(const char* name, std::int64_t min, std::int64_t max) {
  const nlohmann::json* v = field(name, true);
  if (v == nullptr) return 0;
  bool in_range = false;
  std::int64_t out = 0;
  if (v->is_number_unsigned()) {
    auto u = v->get<std::uint64_t>();
    in_range = u <= static_cast<std::uint64_t>(max) && static_cast<std::int64_t>(u) >= min;
    out = static_cast<std::int64_t>(u);
  } else if (v->is_number_integer()) {
    out = v->get<std::int64_t>();
    in_range = out >= min && out <= max;
  }
  if (!in_range) {
    fail(invalid_argument(where(name) + " must be an integer from " + std::to_string(min) + " to " +
                          std::to_string(max)));
    return 0;
  }
  return out;
}

std::optional<std::int64_t> JsonReader::optional_integer(const char* name, std::int64_t min,
                                                         std::int64_t max) {
  if (!status_.is_ok()) return std::nullopt;
  auto it = object_.find(name);
  if (it == object_.end() || it->is_null()) {
    seen_.insert(name);
    return std::nullopt;
  }
  return integer(name, min, max);
}

bool JsonReader::boolean(const char* name) {
  const nlohmann::json* v = field(name, true);
  if (v == nullptr) return false;
  if (!v->is_boolean()) {
    fail(invalid_argument(where(name) + " must be true or false"));
    return false;
  }
  return v->get<bool>();
}

const nlohmann::json& JsonReader::array(const char* name, std::size_t max, bool required) {
  const nlohmann::json* v = field(name, required);
  if (v == nullptr) return kEmptyArray;
  if (!v->is_array()) {
    fail(invalid_argument(where(name) + " must be an array"));
    return kEmptyArray;
  }
  if (v->size() > max) {
    fail(invalid_argument(where(name) + " must have at most " + std::to_string(max) + " elements"));
    return kEmptyArray;
  }
  return *v;
}

const nlohmann::json& JsonReader::object(const char* name, bool required) {
  const nlohmann::json* v = field(name, required);
  if (v == nullptr) return kNull;
  if (!v->is_object()) {
    fail(invalid_argument(where(name) + " must be an object"));
    return kNull;
  }
  return *v;
}

Status JsonReader::finish() {
  if (!status_.is_ok()) return status_;
  for (auto it = object_.begin(); it != object_.end(); ++it) {
    if (seen_.count(it.key()) == 0) {
      return invalid_argument(where(it.key().c_str()) + " is not a known field");
    }
  }
  return Status::ok();
}

Result<nlohmann::json> parse_json_object(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return invalid_argument("the body is not valid JSON");
  if (!j.is_object()) return invalid_argument("the body must be a JSON object");
  return j;
}

}  // namespace larder::sync
