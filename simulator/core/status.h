#pragma once

#include <optional>
#include <string>
#include <utility>

namespace rundrill {

// A small value type for the three kinds of failure rundrill distinguishes.
// A failed drill is a result, not a Status: it never appears here.
class Status {
 public:
  enum class Code {
    kOk,
    kInvalidInput,  // the user's input is wrong: exit code 2
    kEnvironment,   // the machine is wrong (missing program, socket error): exit code 3
    kInternal,      // our own bug: exit code 3
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidInput(std::string message) {
    return Status(Code::kInvalidInput, std::move(message));
  }
  static Status Environment(std::string message) {
    return Status(Code::kEnvironment, std::move(message));
  }
  static Status Internal(std::string message) {
    return Status(Code::kInternal, std::move(message));
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // The process exit code this failure maps to (0 for ok).
  int ExitCode() const;

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  Code code_ = Code::kOk;
  std::string message_;
};

// Either a value or the Status explaining why there is none.
template <typename T>
class StatusOr {
 public:
  StatusOr(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design
  StatusOr(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() { return *value_; }
  const T& value() const { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace rundrill
