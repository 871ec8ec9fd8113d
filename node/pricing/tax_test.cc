#include "node/pricing/tax.h"

#include <doctest/doctest.h>

namespace larder::pricing {
namespace {

TaxBreakdown tax(std::int64_t subtotal, std::int32_t rate, TaxMode mode) {
  Result<TaxBreakdown> r = compute_tax(subtotal, rate, mode);
  REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
  return r.value();
}

TEST_CASE("exclusive tax rounds half up on the subtotal") {
  struct Row { std::int64_t subtotal; std::int32_t rate; std::int64_t tax; };
  const Row rows[] = {
      {0, 800, 0},        {1000, 800, 80},   {5, 1000, 1},      {4, 1000, 0},
      {15, 1000, 2},      {25, 1000, 3},     {200, 825, 17},    {199, 825, 16},
      {6250, 8, 5},       {6249, 8, 5},      {6875, 8, 6},      {5000, 1, 1},
      {4999, 1, 0},       {1, 5000, 1},      {1, 4999, 0},      {123456789, 0, 0},
      {1000, 100000, 10000}, {kMaxAmountMinor / 11, 100000, kMaxAmountMinor / 11 * 10},
  };
  for (const Row& r : rows) {
    CAPTURE(r.subtotal);
    CAPTURE(r.rate);
    const TaxBreakdown t = tax(r.subtotal, r.rate, TaxMode::kExclusive);
    CHECK(t.subtotal_minor == r.subtotal);
    CHECK(t.tax_minor == r.tax);
    CHECK(t.total_minor == r.subtotal + r.tax);
  }
}

TEST_CASE("inclusive tax takes the half-up net out of the subtotal") {
  struct Row { std::int64_t subtotal; std::int32_t rate; std::int64_t tax; };
  const Row rows[] = {
      {0, 800, 0},
      {1080, 800, 80},      // net exactly 1000
      {1000, 2000, 167},    // net 833.33 -> 833
      {5, 10000, 2},        // net 2.5 -> 3 (half up)
      {7, 10000, 3},        // net 3.5 -> 4
      {6, 10000, 3},        // net 3 exactly
      {1, 10000, 0},        // net 0.5 -> 1, tax 0
      {1, 100000, 1},       // net 1/11 rounds to 0: the whole unit is tax
      {999, 0, 0},
      {kMaxAmountMinor, 800, kMaxAmountMinor - 925925925926},
  };
  for (const Row& r : rows) {
    CAPTURE(r.subtotal);
    CAPTURE(r.rate);
    const TaxBreakdown t = tax(r.subtotal, r.rate, TaxMode::kInclusive);
    CHECK(t.total_minor == r.subtotal);
    CHECK(t.tax_minor == r.tax);
  }
}

TEST_CASE("odd divisors round exactly half up") {
  // rate 1 bp inclusive: divisor 10001. subtotal*10000 = q*10001 + rem; a
  // remainder of 5000 is just under one half, 5001 just over.
  // subtotal 10001*k + s: choose s so that 10000*s mod 10001 == 5000 / 5001.
  // 10000 == -1 mod 10001, so 10000*s mod 10001 == 10001 - s.
  const TaxBreakdown below = tax(5001, 1, TaxMode::kInclusive);  // rem 5000 -> down
  CHECK(below.subtotal_minor - below.tax_minor == (5001LL * 10000) / 10001);
  const TaxBreakdown above = tax(5000, 1, TaxMode::kInclusive);  // rem 5001 -> up
  CHECK(above.subtotal_minor - above.tax_minor == (5000LL * 10000) / 10001 + 1);
}

TEST_CASE("compute_tax refuses out-of-range input and totals above the ceiling") {
  CHECK(compute_tax(-1, 800, TaxMode::kExclusive).status().code() == Code::kInvalidArgument);
  CHECK(compute_tax(kMaxAmountMinor + 1, 0, TaxMode::kInclusive).status().code() == Code::kInvalidArgument);
  CHECK(compute_tax(100, -1, TaxMode::kExclusive).status().code() == Code::kInvalidArgument);
  CHECK(compute_tax(100, kMaxTaxRateBp + 1, TaxMode::kExclusive).status().code() == Code::kInvalidArgument);
  Result<TaxBreakdown> over = compute_tax(kMaxAmountMinor, 1, TaxMode::kExclusive);
  REQUIRE_FALSE(over.is_ok());
  CHECK(over.status().code() == Code::kResourceExhausted);
  CHECK(over.status().message() ==
        "computing tax: total 1000100000000 exceeds the limit of 1000000000000 minor units");
  CHECK(compute_tax(kMaxAmountMinor, kMaxTaxRateBp, TaxMode::kInclusive).is_ok());
}

}  // namespace
}  // namespace larder::pricing
