// Status and Result<T>: the one error type that crosses module boundaries.
//
// Every fallible operation in Larder returns a Status (no value) or a
// Result<T> (a value or a Status). Exceptions are not used across module
// boundaries; code at the edges (main, HTTP handlers, Asio handlers) turns a
// Status into an exit code, an HTTP answer or a log line.
//
// A Status carries a code (what kind of failure, so callers can branch) and a
// message written for the person who reads the log: what was being done, on
// which tenant or file, and the underlying cause (SQLite's message, errno
// text). Messages are built by the failing layer; callers add context with
// Status::with_context("opening tenant acme").
//
// Thread safety: values; no shared state.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace larder {

enum class Code {
  kOk = 0,
  kInvalidArgument,     // the caller's input is wrong; retrying will not help
  kNotFound,            // the named thing does not exist
  kAlreadyExists,       // it exists and must not be created twice
  kFailedPrecondition,  // the system is not in a state that allows this
  kPermissionDenied,    // wrong key, bad token, forbidden
  kConflict,            // same identity, different content
  kResourceExhausted,   // a limit was reached (size, count, disk)
  kUnavailable,         // transient: network down, database busy; retry later
  kDataLoss,            // stored data is corrupt or unreadable
  kInternal,            // a bug: an invariant did not hold
};

const char* code_name(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return Status(); }

  bool is_ok() const { return code_ == Code::kOk; }
  explicit operator bool() const { return is_ok(); }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // "context: message", keeping the code.
  Status with_context(const std::string& context) const;
  // "CODE_NAME: message", for logs and test failures.
  std::string to_string() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

inline Status invalid_argument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
inline Status not_found(std::string m) { return {Code::kNotFound, std::move(m)}; }
inline Status already_exists(std::string m) { return {Code::kAlreadyExists, std::move(m)}; }
inline Status failed_precondition(std::string m) {
  return {Code::kFailedPrecondition, std::move(m)};
}
inline Status permission_denied(std::string m) { return {Code::kPermissionDenied, std::move(m)}; }
inline Status conflict(std::string m) { return {Code::kConflict, std::move(m)}; }
inline Status resource_exhausted(std::string m) {
  return {Code::kResourceExhausted, std::move(m)};
}
inline Status unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
inline Status data_loss(std::string m) { return {Code::kDataLoss, std::move(m)}; }
inline Status internal_error(std::string m) { return {Code::kInternal, std::move(m)}; }

// A value or the Status that explains its absence. Constructing a Result from
// an OK Status is a bug; it becomes an kInternal error instead of UB.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    if (std::get<Status>(v_).is_ok()) v_ = internal_error("Result built from an OK status");
  }

  bool is_ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return is_ok(); }

  // The error; OK when a value is held.
  Status status() const { return is_ok() ? Status() : std::get<Status>(v_); }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace larder

// Return early from the enclosing function when a Status is not OK.
#define LARDER_RETURN_IF_ERROR(expr)         \
  do {                                       \
    ::larder::Status larder_status_ = (expr); \
    if (!larder_status_.is_ok()) return larder_status_; \
  } while (0)

#define LARDER_CONCAT_INNER(a, b) a##b
#define LARDER_CONCAT(a, b) LARDER_CONCAT_INNER(a, b)
// `LARDER_ASSIGN_OR_RETURN(auto x, make_x());` binds the value or returns the Status.
#define LARDER_ASSIGN_OR_RETURN(lhs, expr)                        \
  auto LARDER_CONCAT(larder_result_, __LINE__) = (expr);          \
  if (!LARDER_CONCAT(larder_result_, __LINE__).is_ok())           \
    return LARDER_CONCAT(larder_result_, __LINE__).status();      \
  lhs = std::move(LARDER_CONCAT(larder_result_, __LINE__)).value()
