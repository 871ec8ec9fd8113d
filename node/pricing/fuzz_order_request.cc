// libFuzzer target: any byte string through parse_order_request() and then
// price_order() against the demo menu must return cleanly (never crash, hang,
// leak or hit undefined behaviour), and a priced order must keep the money
// invariants. Built with clang only; see CMakeLists.txt for how to run it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "node/pricing/price_order.h"
#include "node/pricing/test_menu.h"

namespace {

void require(bool ok) {
  if (!ok) __builtin_trap();
}

void check_order(const larder::pricing::PricedOrder& order) {
  using larder::pricing::kMaxAmountMinor;
  std::int64_t sum = 0;
  for (const auto& line : order.lines) {
    require(line.unit_price_minor >= 0);
    require(line.line_total_minor == line.unit_price_minor * line.quantity);
    sum += line.line_total_minor;
  }
  require(sum == order.subtotal_minor);
  require(order.tax_minor >= 0 && order.total_minor >= 0 && order.total_minor <= kMaxAmountMinor);
  if (order.tax_mode == larder::pricing::TaxMode::kExclusive) {
    require(order.subtotal_minor + order.tax_minor == order.total_minor);
  } else {
    require(order.total_minor == order.subtotal_minor && order.tax_minor <= order.total_minor);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const larder::pricing::MenuSnapshot kExclusive = larder::pricing::testing::demo_menu();
  static const larder::pricing::MenuSnapshot kInclusive = [] {
    larder::pricing::MenuSnapshot m = larder::pricing::testing::demo_menu();
    m.tax_mode = larder::pricing::TaxMode::kInclusive;
    m.tax_rate_bp = 2000;
    return m;
  }();
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const auto request = larder::pricing::parse_order_request(body);
  if (!request.is_ok()) {
    require(!request.errors().empty());
    return 0;
  }
  require(larder::pricing::validate_order_request(request.value()).empty());
  for (const auto* menu : {&kExclusive, &kInclusive}) {
    const auto outcome = larder::pricing::price_order(*menu, request.value());
    if (outcome.is_ok()) {
      require(outcome.errors().empty());
      check_order(outcome.value());
    } else {
      require(!outcome.errors().empty());
    }
  }
  return 0;
}
