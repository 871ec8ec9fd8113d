#include "node/pricing/order_request.h"

#include <set>

#include "node/pricing/order_rules.h"

namespace larder::pricing {
namespace rules {

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength) return false;
  for (const char c : id) {
    if (c < 0x21 || c > 0x7E) return false;
  }
  return true;
}

bool valid_quantity(std::int64_t quantity) {
  return quantity >= kMinQuantity && quantity <= kMaxQuantity;
}

std::string duplicate_option(std::string_view id) {
  return "repeats option " + quoted(id) + " (choose each option at most once per line)";
}

std::string note_problem(std::string_view note) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < note.size(); ++i) {
    const auto b = static_cast<unsigned char>(note[i]);
    if ((b & 0xC0) != 0x80) ++chars;  // count code points, not bytes
    const bool c0 = b < 0x20 && b != '\n' && b != '\r' && b != '\t';
    // C1 controls U+0080..U+009F are encoded as C2 80..C2 9F.
    const bool c1 = b == 0xC2 && i + 1 < note.size() &&
                    static_cast<unsigned char>(note[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(note[i + 1]) <= 0x9F;
    if (c0 || b == 0x7F || c1) {
      return "must not contain control characters other than tab and line breaks";
    }
  }
  if (chars > kMaxNoteChars) return kNoteType;
  return {};
}

}  // namespace rules

std::vector<FieldError> validate_order_request(const OrderRequest& request) {
  ErrorList errors;
  if (request.lines.empty() || request.lines.size() > kMaxLines) {
    errors.add("lines", rules::kLines);
    return std::move(errors).take();
  }
  for (std::size_t i = 0; i < request.lines.size(); ++i) {
    const OrderLineRequest& line = request.lines[i];
    const std::string path = index_path("lines", i);
    if (!rules::valid_id(line.item_id)) errors.add(path + ".item_id", rules::kId);
    if (!rules::valid_quantity(line.quantity)) errors.add(path + ".quantity", rules::kQuantity);
    const std::string options_path = path + ".option_ids";
    if (line.option_ids.size() > kMaxOptionsPerLine) {
      errors.add(options_path, rules::kOptionIds);
      continue;
    }
    std::set<std::string_view> seen;
    for (std::size_t j = 0; j < line.option_ids.size(); ++j) {
      const std::string& id = line.option_ids[j];
      if (!rules::valid_id(id)) {
        errors.add(index_path(options_path, j), rules::kId);
      } else if (!seen.insert(id).second) {
        errors.add(index_path(options_path, j), rules::duplicate_option(id));
      }
    }
  }
  if (request.note) {
    std::string problem = rules::note_problem(*request.note);
    if (!problem.empty()) errors.add("note", std::move(problem));
  }
  return std::move(errors).take();
}

}  // namespace larder::pricing
