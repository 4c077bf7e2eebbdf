// Status and Result: the one error model of pg2iceberg.
//
// Codes are named by what the caller does next, not by what went wrong:
//   kUnavailable     retry later (network down, server busy)
//   kConflict        reload state and redo (a concurrent commit won)
//   kOutcomeUnknown  reconcile before retrying (a commit whose reply was lost)
//   kInvalidArgument stop; the input (config, schema, value) must be fixed by the user
//   kNotFound        the named thing does not exist
//   kDataLoss        stop; continuing could lose or corrupt data
//   kInternal        a bug or an unexpected state of a dependency
// Adapters (libpq, curl, file system) map their errors to these codes and keep the original
// text in the message.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "base/check.h"

namespace pg2iceberg {

enum class StatusCode {
  kOk = 0,
  kUnavailable,
  kConflict,
  kOutcomeUnknown,
  kInvalidArgument,
  kNotFound,
  kDataLoss,
  kInternal,
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message);

  static Status Ok() { return Status(); }
  static Status Unavailable(std::string message) {
    return {StatusCode::kUnavailable, std::move(message)};
  }
  static Status Conflict(std::string message) {
    return {StatusCode::kConflict, std::move(message)};
  }
  static Status OutcomeUnknown(std::string message) {
    return {StatusCode::kOutcomeUnknown, std::move(message)};
  }
  static Status InvalidArgument(std::string message) {
    return {StatusCode::kInvalidArgument, std::move(message)};
  }
  static Status NotFound(std::string message) {
    return {StatusCode::kNotFound, std::move(message)};
  }
  static Status DataLoss(std::string message) {
    return {StatusCode::kDataLoss, std::move(message)};
  }
  static Status Internal(std::string message) {
    return {StatusCode::kInternal, std::move(message)};
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "context: message"; the code is kept.
  Status WithContext(std::string_view context) const;
  // "CODE: message", for logs and the command line.
  std::string ToString() const;

  // Marks a status as deliberately ignored (best-effort cleanup paths).
  void IgnoreError() const {}

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or the Status explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : state_(std::move(status)) {  // NOLINT: implicit by design
    CHECK_MSG(!std::get<Status>(state_).ok(), "Result constructed from an OK Status");
  }

  bool ok() const { return std::holds_alternative<T>(state_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(state_);
  }

  T& value() & {
    CHECK_MSG(ok(), status().ToString().c_str());
    return std::get<T>(state_);
  }
  const T& value() const& {
    CHECK_MSG(ok(), status().ToString().c_str());
    return std::get<T>(state_);
  }
  T&& value() && {
    CHECK_MSG(ok(), status().ToString().c_str());
    return std::get<T>(std::move(state_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace pg2iceberg

#define PG2I_CONCAT_INNER(a, b) a##b
#define PG2I_CONCAT(a, b) PG2I_CONCAT_INNER(a, b)

// Returns the Status of `expr` from the enclosing function when it is not OK.
#define RETURN_IF_ERROR(expr)                    \
  do {                                           \
    ::pg2iceberg::Status pg2i_status_ = (expr);  \
    if (!pg2i_status_.ok()) return pg2i_status_; \
  } while (false)

// Evaluates `expr` (a Result<T>); on error returns its Status, else moves the value into `lhs`.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(PG2I_CONCAT(pg2i_result_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()
