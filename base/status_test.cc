#include "base/status.h"

#include <doctest/doctest.h>

namespace larder {

static Result<int> parse_positive(int v) {
  if (v <= 0) return invalid_argument("must be positive, got " + std::to_string(v));
  return v;
}

static Status twice(int v, int* out) {
  LARDER_ASSIGN_OR_RETURN(int x, parse_positive(v));
  *out = 2 * x;
  return Status::ok();
}

TEST_CASE("status carries code and message; context is prepended") {
  Status s = not_found("tenant acme").with_context("opening");
  CHECK_FALSE(s.is_ok());
  CHECK(s.code() == Code::kNotFound);
  CHECK(s.message() == "opening: tenant acme");
  CHECK(s.to_string() == "NOT_FOUND: opening: tenant acme");
  CHECK(Status::ok().with_context("x").is_ok());
}

TEST_CASE("result holds a value or an error; the macros propagate") {
  int out = 0;
  CHECK(twice(4, &out).is_ok());
  CHECK(out == 8);
  Status bad = twice(-1, &out);
  CHECK(bad.code() == Code::kInvalidArgument);
  CHECK(bad.message() == "must be positive, got -1");
}

TEST_CASE("a result built from an OK status is an internal error, not undefined behaviour") {
  Result<int> r{Status::ok()};
  CHECK_FALSE(r.is_ok());
  CHECK(r.status().code() == Code::kInternal);
}

}  // namespace larder
