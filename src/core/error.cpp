#include "alith/core/error.h"

namespace alith {

std::string_view to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::provider:
      return "provider";
    case ErrorCode::rate_limited:
      return "rate_limited";
    case ErrorCode::timeout:
      return "timeout";
    case ErrorCode::parse:
      return "parse";
    case ErrorCode::schema:
      return "schema";
    case ErrorCode::tool:
      return "tool";
    case ErrorCode::io:
      return "io";
    case ErrorCode::chain:
      return "chain";
    case ErrorCode::crypto:
      return "crypto";
    case ErrorCode::cancelled:
      return "cancelled";
    case ErrorCode::config:
      return "config";
    case ErrorCode::invalid_argument:
      return "invalid_argument";
    case ErrorCode::too_large:
      return "too_large";
    case ErrorCode::max_steps:
      return "max_steps";
    case ErrorCode::unsupported:
      return "unsupported";
  }
  return "unknown";
}

void throw_error(const ErrorInfo& info) {
  const std::string& m = info.message;
  switch (info.code) {
    case ErrorCode::provider:
      throw ProviderError(m, 0, "");
    case ErrorCode::rate_limited:
      throw RateLimitedError(m, "", std::nullopt);
    case ErrorCode::timeout:
      throw TimeoutError(m);
    case ErrorCode::parse:
      throw ParseError(m, info.offset);
    case ErrorCode::schema:
      throw SchemaError(m);
    case ErrorCode::tool:
      throw ToolError(m);
    case ErrorCode::io:
      throw IoError(m);
    case ErrorCode::chain:
      throw ChainError(m);
    case ErrorCode::crypto:
      throw CryptoError(m);
    case ErrorCode::cancelled:
      throw CancelledError(m);
    case ErrorCode::config:
      throw ConfigError(m);
    case ErrorCode::invalid_argument:
      throw InvalidArgumentError(m);
    case ErrorCode::too_large:
      throw TooLargeError(m);
    // No dedicated subclass: the agent module owns the step-limit error type.
    case ErrorCode::max_steps:
      throw Error(ErrorCode::max_steps, m);
    case ErrorCode::unsupported:
      throw UnsupportedError(m);
  }
  throw Error(info.code, m);
}

}  // namespace alith
