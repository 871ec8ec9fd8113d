#include "node/pricing/tax.h"

#include <string>

namespace larder::pricing {

Result<TaxBreakdown> compute_tax(std::int64_t subtotal_minor, std::int32_t rate_bp, TaxMode mode) {
  if (subtotal_minor < 0 || subtotal_minor > kMaxAmountMinor) {
    return invalid_argument("computing tax: subtotal " + std::to_string(subtotal_minor) +
                            " is outside 0.." + std::to_string(kMaxAmountMinor) + " minor units");
  }
  if (rate_bp < 0 || rate_bp > kMaxTaxRateBp) {
    return invalid_argument("computing tax: rate " + std::to_string(rate_bp) +
                            " bp is outside 0.." + std::to_string(kMaxTaxRateBp));
  }
  // Bounded above: subtotal <= 1e12 and rate <= 1e5, so every product below
  // is at most 1e17 < 2^63.
  TaxBreakdown out;
  out.subtotal_minor = subtotal_minor;
  if (mode == TaxMode::kExclusive) {
    out.tax_minor = (subtotal_minor * rate_bp + 5000) / 10000;
    out.total_minor = subtotal_minor + out.tax_minor;
    if (out.total_minor > kMaxAmountMinor) {
      return resource_exhausted("computing tax: total " + std::to_string(out.total_minor) +
                                " exceeds the limit of " + std::to_string(kMaxAmountMinor) +
                                " minor units");
    }
  } else {
    const std::int64_t divisor = 10000 + static_cast<std::int64_t>(rate_bp);
    const std::int64_t net = (subtotal_minor * 10000 + divisor / 2) / divisor;
    out.tax_minor = subtotal_minor - net;
    out.total_minor = subtotal_minor;
  }
  return out;
}

}  // namespace larder::pricing
