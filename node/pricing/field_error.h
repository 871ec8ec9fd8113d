// Field errors: what the kiosk developer sees when an order is refused.
//
// Validation in pricing reports every problem it finds, not just the first,
// each as a FieldError: a path into the request body and a sentence saying
// what is wrong and what is allowed. Paths are JSON-pointer-like and use the
// request's own (0-based) indices: "lines[1].quantity",
// "lines[0].option_ids[2]"; "" is the body as a whole.
//
// Validated<T> holds either a value or a non-empty list of FieldErrors, never
// both. It plays the part Result<T> plays elsewhere: a Status holds one
// message, while a refused order needs a list the HTTP layer can return as
// JSON (e.g. 422 {"errors":[{"path":..., "message":...}]}).
//
// Thread safety: values; no shared state.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace larder::pricing {

struct FieldError {
  std::string path;     // "lines[1].quantity"; "" for the whole body
  std::string message;  // "must be an integer from 1 to 99"

  friend bool operator==(const FieldError&, const FieldError&) = default;
};

// "lines[1].quantity: must be an integer from 1 to 99; ..." for logs and
// test failures ("(body)" stands for the empty path).
std::string describe(const std::vector<FieldError>& errors);

template <typename T>
class [[nodiscard]] Validated {
 public:
  Validated(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  // An empty list is a bug in the caller; it becomes one error saying so
  // rather than a "valid" result without a value.
  Validated(std::vector<FieldError> errors) : v_(std::move(errors)) {  // NOLINT
    auto& list = std::get<std::vector<FieldError>>(v_);
    if (list.empty()) list.push_back({"", "internal error: rejected without a reason"});
  }

  bool is_ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return is_ok(); }

  // The value; only when is_ok().
  const T& value() const& { return std::get<T>(v_); }
  T& value() & { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }

  // The errors; empty when is_ok().
  const std::vector<FieldError>& errors() const {
    static const std::vector<FieldError> kNone;
    return is_ok() ? kNone : std::get<std::vector<FieldError>>(v_);
  }

 private:
  std::variant<T, std::vector<FieldError>> v_;
};

// Collects errors in the order they are found, keeping at most kMaxErrors so
// a hostile body cannot make the answer larger than itself; when more were
// found, the list ends with one entry saying how many were left out.
class ErrorList {
 public:
  static constexpr std::size_t kMaxErrors = 50;

  void add(std::string path, std::string message);
  bool empty() const { return found_ == 0; }
  std::size_t found() const { return found_; }  // including any left out
  std::vector<FieldError> take() &&;

 private:
  std::vector<FieldError> kept_;
  std::size_t found_ = 0;
};

// Path helpers. A key that is a plain identifier becomes ".key" ("key" at the
// root); any other key (spaces, quotes, non-ASCII, very long) is written
// ["..."] with JSON escaping, cut to a bounded length.
std::string member_path(std::string_view parent, std::string_view key);
std::string index_path(std::string_view parent, std::size_t index);

// `"text"` with \" \\ and control characters escaped, for echoing ids and menu
// names inside messages.
std::string quoted(std::string_view text);

}  // namespace larder::pricing
