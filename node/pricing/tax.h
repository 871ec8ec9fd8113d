// Money limits and the tax rule (node/pricing/PRICING.md states it in prose).
//
// All amounts are integer minor units (cents) in int64; no floating point
// anywhere. Every amount pricing produces (unit price, line total, subtotal,
// tax, total) must lie in 0..kMaxAmountMinor; with that ceiling, at most 50
// lines, 50 options a line and a rate of at most 1000 %, no intermediate
// product can overflow int64 (the largest is subtotal * 10000 + ... < 2^63).
//
// Rounding is half-up (away from zero for these non-negative values), on the
// order subtotal, once per order, never per line:
//   exclusive: tax   = (subtotal * rate_bp + 5000) / 10000
//              total = subtotal + tax
//   inclusive: net   = (subtotal * 10000 + d / 2) / d,   d = 10000 + rate_bp
//              tax   = subtotal - net
//              total = subtotal
// (For odd d, d / 2 truncates, which is still exact half-up: a remainder of
// (d + 1) / 2 or more is strictly above one half, one of (d - 1) / 2 or less
// strictly below, and an exact half cannot occur.)
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>

#include "base/status.h"

namespace larder::pricing {

// 10^12 minor units: ten billion dollars in cents. No kiosk order comes near
// it; anything above is a data error or an attack, refused with a message.
inline constexpr std::int64_t kMaxAmountMinor = 1'000'000'000'000;
// The schema's bound on locations.tax_rate_bp (1000 %).
inline constexpr std::int32_t kMaxTaxRateBp = 100'000;

enum class TaxMode {
  kExclusive,  // prices exclude tax; tax is added on top of the subtotal
  kInclusive,  // prices include tax; the tax portion is taken out of the subtotal
};

struct TaxBreakdown {
  std::int64_t subtotal_minor = 0;
  std::int64_t tax_minor = 0;
  std::int64_t total_minor = 0;

  friend bool operator==(const TaxBreakdown&, const TaxBreakdown&) = default;
};

// Applies the rule above. Fails with kInvalidArgument when the subtotal is
// outside 0..kMaxAmountMinor or the rate outside 0..kMaxTaxRateBp, and with
// kResourceExhausted when the total would exceed kMaxAmountMinor.
Result<TaxBreakdown> compute_tax(std::int64_t subtotal_minor, std::int32_t rate_bp, TaxMode mode);

}  // namespace larder::pricing
