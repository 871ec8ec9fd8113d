#include "base/config_file.h"

#include <map>
#include <sstream>

#include <toml++/toml.h>

namespace larder {
namespace {

const char* type_name(const ConfigValue& v) {
  switch (v.index()) {
    case 0: return "an integer";
    case 1: return "true or false";
    case 2: return "a string";
    default: return "an array of strings";
  }
}

const char* toml_type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number with a fraction";
    case toml::node_type::boolean: return "true or false";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    default: return "a date or time";
  }
}

// Flattens tables into dotted names.
void flatten(const toml::table& table, const std::string& prefix,
             std::vector<std::pair<std::string, const toml::node*>>* out) {
  for (const auto& [key, node] : table) {
    std::string name = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
    if (const toml::table* sub = node.as_table()) {
      flatten(*sub, name, out);
    } else {
      out->emplace_back(name, &node);
    }
  }
}

std::string quote_value(const ConfigValue& v) {
  std::ostringstream s;
  switch (v.index()) {
    case 0: s << std::get<std::int64_t>(v); break;
    case 1: s << (std::get<bool>(v) ? "true" : "false"); break;
    case 2: s << '"' << std::get<std::string>(v) << '"'; break;
    default: {
      s << '[';
      const auto& list = std::get<std::vector<std::string>>(v);
      for (std::size_t i = 0; i < list.size(); ++i) s << (i ? ", " : "") << '"' << list[i] << '"';
      s << ']';
    }
  }
  return s.str();
}

}  // namespace

Status option_error(const std::string& source, const OptionValue& option,
                    const std::string& message) {
  std::string where = option.line > 0 ? source + ":" + std::to_string(option.line) : source;
  return invalid_argument(where + ": option '" + option.name + "' " + message);
}

Result<std::vector<OptionValue>> parse_options(const std::vector<OptionSpec>& specs,
                                               std::string_view text, const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    return invalid_argument(source + ":" + std::to_string(b.line) + ":" + std::to_string(b.column) +
                            ": TOML syntax error: " + std::string(e.description()));
  }
  std::map<std::string, const OptionSpec*> by_name;
  std::vector<OptionValue> out;
  for (const OptionSpec& s : specs) {
    by_name[s.name] = &s;
    out.push_back(OptionValue{s.name, s.default_value, 0});
  }
  std::vector<std::pair<std::string, const toml::node*>> present;
  flatten(root, "", &present);
  for (const auto& entry : present) {
    // Not a structured binding: clang 14 (the fuzzers, clang-tidy) cannot capture one.
    const std::string& name = entry.first;
    const toml::node* node = entry.second;
    int line = static_cast<int>(node->source().begin.line);
    auto it = by_name.find(name);
    if (it == by_name.end()) {
      return invalid_argument(source + ":" + std::to_string(line) + ": unknown option '" + name + "'");
    }
    const OptionSpec& spec = *it->second;
    OptionValue ov{name, spec.default_value, line};
    auto wrong = [&] {
      return option_error(source, ov, std::string("must be ") + type_name(spec.default_value) +
                                          ", not " + toml_type_name(*node));
    };
    switch (spec.default_value.index()) {
      case 0: {
        auto v = node->value<std::int64_t>();
        if (!node->is_integer() || !v) return wrong();
        if (*v < spec.min || *v > spec.max) {
          return option_error(source, ov, "is " + std::to_string(*v) + "; it must be between " +
                                              std::to_string(spec.min) + " and " +
                                              std::to_string(spec.max));
        }
        ov.value = *v;
        break;
      }
      case 1:
        if (!node->is_boolean()) return wrong();
        ov.value = *node->value<bool>();
        break;
      case 2:
        if (!node->is_string()) return wrong();
        ov.value = *node->value<std::string>();
        break;
      default: {
        const toml::array* arr = node->as_array();
        if (arr == nullptr) return wrong();
        std::vector<std::string> list;
        for (const toml::node& el : *arr) {
          if (!el.is_string()) {
            return option_error(source, ov, "must be an array of strings");
          }
          list.push_back(*el.value<std::string>());
        }
        ov.value = list;
      }
    }
    for (OptionValue& o : out) {
      if (o.name == name) o = ov;
    }
  }
  return out;
}

std::string example_config(const std::vector<OptionSpec>& specs, const std::string& title) {
  std::ostringstream s;
  s << "# " << title << "\n# Every option, with its default. Uncomment to change one.\n";
  std::string section;
  for (const OptionSpec& spec : specs) {
    auto dot = spec.name.rfind('.');
    std::string sec = dot == std::string::npos ? "" : spec.name.substr(0, dot);
    std::string key = dot == std::string::npos ? spec.name : spec.name.substr(dot + 1);
    if (sec != section) {
      s << "\n[" << sec << "]\n";
      section = sec;
    }
    s << "\n";
    std::istringstream help(spec.help);
    for (std::string line; std::getline(help, line);) s << "# " << line << "\n";
    if (spec.default_value.index() == 0 &&
        (spec.min != std::numeric_limits<std::int64_t>::min() ||
         spec.max != std::numeric_limits<std::int64_t>::max())) {
      s << "# Range: " << spec.min << " to " << spec.max << ".\n";
    }
    s << "#" << key << " = " << quote_value(spec.default_value) << "\n";
  }
  return s.str();
}

}  // namespace larder
