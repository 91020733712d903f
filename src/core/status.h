// Status: the outcome of a *call* (did it run, and if not, why), kept apart
// from what a solver *found* (SolveStatus: optimal, feasible, infeasible,
// time_limit, invalid). A problem without a schedule is a solve outcome, never
// a Status: the library returns it in its result (ScheduleResult::status,
// SplitOutcome::found, IlpModel::infeasible, ...). Library code never exits or
// aborts; it returns a Status and only main() turns it into an exit code.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace respect {

enum class StatusCode {
  kOk = 0,
  // Bad config, malformed graph or file: the user can fix it (exit 2). The
  // tasks (src/app, the Python module) also stop with it when a method
  // proves the settings admit no schedule, after printing its result.
  kInvalidInput,
  kIoError,       // a file could not be read or written (exit 2)
  kInternal,      // a bug or an unexpected library failure (exit 1)
};

// Every message is one line (the CLI prints it as one): line breaks and
// other control characters that names from input files may carry are
// written as \n, \r, \xHH.
class Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Invalid(std::string msg) { return Status(StatusCode::kInvalidInput, std::move(msg)); }
  static Status Io(std::string msg) { return Status(StatusCode::kIoError, std::move(msg)); }
  static Status Internal(std::string msg) { return Status(StatusCode::kInternal, std::move(msg)); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "<prefix>: <message>" (for adding context).
  Status WithContext(const std::string& prefix) const {
    if (ok()) return *this;
    return Status(code_, prefix + ": " + message_);
  }

 private:
  Status(StatusCode code, std::string msg) : code_(code), message_(OneLine(std::move(msg))) {}
  static std::string OneLine(std::string msg) {
    bool clean = true;
    for (char c : msg) clean = clean && (static_cast<unsigned char>(c) >= 0x20 || c == '\t');
    if (clean) return msg;
    static const char* const kHex = "0123456789abcdef";
    std::string out;
    for (char c : msg) {
      const unsigned char u = static_cast<unsigned char>(c);
      if (u >= 0x20 || c == '\t') out += c;
      else if (c == '\n') out += "\\n";
      else if (c == '\r') out += "\\r";
      else out += std::string("\\x") + kHex[u >> 4] + kHex[u & 15];
    }
    return out;
  }
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or the Status saying why there is none.
template <class T>
class StatusOr {
 public:
  StatusOr(T value) : value_(std::move(value)) {}           // NOLINT: implicit by design
  StatusOr(Status status) : status_(std::move(status)) {}   // NOLINT: implicit by design
  bool ok() const { return status_.ok() && value_.has_value(); }
  const Status& status() const { return status_; }
  const T& value() const& { return *value_; }
  T& value() & { return *value_; }
  T&& value() && { return std::move(*value_); }
  const T& operator*() const& { return *value_; }
  T& operator*() & { return *value_; }
  const T* operator->() const { return &*value_; }
  T* operator->() { return &*value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

#define RESPECT_RETURN_IF_ERROR(expr)           \
  do {                                          \
    ::respect::Status _st = (expr);             \
    if (!_st.ok()) return _st;                  \
  } while (0)

// What a scheduler or solver found, independent of whether the call worked.
enum class SolveStatus {
  kOptimal,     // proven optimal (within the configured relative gap)
  kFeasible,    // a schedule, not proven optimal (e.g. time limit with incumbent)
  kInfeasible,  // proven that no schedule exists
  kTimeLimit,   // time limit hit with no schedule found
  kInvalid,     // the model was malformed; nothing was solved
};

inline const char* ToString(SolveStatus s) {
  switch (s) {
    case SolveStatus::kOptimal: return "optimal";
    case SolveStatus::kFeasible: return "feasible";
    case SolveStatus::kInfeasible: return "infeasible";
    case SolveStatus::kTimeLimit: return "time_limit";
    case SolveStatus::kInvalid: return "invalid";
  }
  return "invalid";
}

}  // namespace respect
