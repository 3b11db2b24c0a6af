#pragma once

// The one error policy of alith (docs/ARCHITECTURE.md, "Errors"):
//  - the public C++ API throws alith::Error subclasses, each carrying a stable ErrorCode;
//  - parsers and other hot paths return Result<T> internally and never throw on bad input;
//  - nothing throws across a thread boundary unhandled (pools capture and rethrow on the caller).

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace alith {

enum class ErrorCode {
  provider,          // a model provider answered with an error
  rate_limited,      // HTTP 429 or a provider's rate-limit error
  timeout,           // a deadline passed
  parse,             // malformed input (JSON, SSE, ...)
  schema,            // a value does not validate against its JSON Schema
  tool,              // a tool failed or was vetoed
  io,                // file system or network transport
  chain,             // blockchain RPC
  crypto,            // keys, signatures, ciphers
  cancelled,         // a CancelToken fired
  config,            // missing or invalid configuration
  invalid_argument,  // the caller passed something the API cannot accept
  too_large,         // a size cap was hit (response body, SSE event, ...)
  max_steps,         // the agent loop hit its step limit
  unsupported,       // the feature is not available for this model/provider/build
};

std::string_view to_string(ErrorCode code) noexcept;

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

#define ALITH_DEFINE_ERROR(Name, Code)                                             \
  class Name : public Error {                                                      \
   public:                                                                         \
    explicit Name(const std::string& message) : Error(ErrorCode::Code, message) {} \
  }

ALITH_DEFINE_ERROR(TimeoutError, timeout);
ALITH_DEFINE_ERROR(SchemaError, schema);
ALITH_DEFINE_ERROR(ToolError, tool);
ALITH_DEFINE_ERROR(IoError, io);
ALITH_DEFINE_ERROR(ChainError, chain);
ALITH_DEFINE_ERROR(CryptoError, crypto);
ALITH_DEFINE_ERROR(CancelledError, cancelled);
ALITH_DEFINE_ERROR(ConfigError, config);
ALITH_DEFINE_ERROR(InvalidArgumentError, invalid_argument);
ALITH_DEFINE_ERROR(TooLargeError, too_large);
ALITH_DEFINE_ERROR(UnsupportedError, unsupported);
#undef ALITH_DEFINE_ERROR

// Malformed input; offset is the byte position where parsing failed, when known.
class ParseError : public Error {
 public:
  explicit ParseError(const std::string& message, std::optional<size_t> offset = std::nullopt)
      : Error(ErrorCode::parse, message), offset_(offset) {}
  std::optional<size_t> offset() const noexcept { return offset_; }

 private:
  std::optional<size_t> offset_;
};

// A provider (hosted API) answered with an error. status is the HTTP status (0 if none) and body the
// provider's error text, already stripped of anything secret.
class ProviderError : public Error {
 public:
  ProviderError(const std::string& message, int status, std::string body, ErrorCode code = ErrorCode::provider)
      : Error(code, message), status_(status), body_(std::move(body)) {}
  int status() const noexcept { return status_; }
  const std::string& body() const noexcept { return body_; }

 private:
  int status_;
  std::string body_;
};

class RateLimitedError : public ProviderError {
 public:
  RateLimitedError(const std::string& message, std::string body, std::optional<double> retry_after_s)
      : ProviderError(message, 429, std::move(body), ErrorCode::rate_limited), retry_after_s_(retry_after_s) {}
  std::optional<double> retry_after_seconds() const noexcept { return retry_after_s_; }

 private:
  std::optional<double> retry_after_s_;
};

// What a Result carries on failure: enough to throw the right typed error later.
struct ErrorInfo {
  ErrorCode code;
  std::string message;
  std::optional<size_t> offset;  // for parse errors
};

// Throws the Error subclass that matches info.code.
[[noreturn]] void throw_error(const ErrorInfo& info);

// A value or an ErrorInfo. Used by parsers so that bad input is a value, not an exception.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(ErrorInfo error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  const ErrorInfo& error() const { return std::get<1>(v_); }

  // The value, or throws the typed error.
  T& value() & {
    if (!ok()) throw_error(error());
    return std::get<0>(v_);
  }
  T&& value() && {
    if (!ok()) throw_error(error());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  T& operator*() & { return value(); }

 private:
  std::variant<T, ErrorInfo> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(ErrorInfo error) : e_(std::move(error)) {}  // NOLINT
  bool ok() const noexcept { return !e_; }
  explicit operator bool() const noexcept { return ok(); }
  const ErrorInfo& error() const { return *e_; }
  void value() const {
    if (e_) throw_error(*e_);
  }

 private:
  std::optional<ErrorInfo> e_;
};

inline ErrorInfo make_error(ErrorCode code, std::string message, std::optional<size_t> offset = std::nullopt) {
  return ErrorInfo{code, std::move(message), offset};
}

}  // namespace alith
