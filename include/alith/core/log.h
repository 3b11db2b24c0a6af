#pragma once

// Levelled logging that never prints secrets. Every message passes through redact() before it reaches a sink:
// API keys (sk-..., Bearer tokens, x-api-key values), Authorization headers and 32-byte hex private keys are
// masked, as are any strings registered with Logger::add_secret (e.g. keys read from configuration).
//
// There is no global logger to mutate: components take a std::shared_ptr<Logger> in their options and fall
// back to Logger::default_logger(), which is configured once from ALITH_LOG (error|warn|info|debug|trace)
// and writes to stderr.

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace alith::log {

enum class Level { trace = 0, debug, info, warn, error, off };

std::string_view to_string(Level level) noexcept;
Level parse_level(std::string_view text, Level fallback = Level::warn) noexcept;

// Masks secrets in text (see the header comment). extra_secrets are masked verbatim.
std::string redact(std::string_view text, const std::vector<std::string>& extra_secrets = {});

using Sink = std::function<void(Level level, std::string_view message)>;

class Logger {
 public:
  // sink == nullptr writes "[alith LEVEL] message" lines to stderr.
  explicit Logger(Level level = Level::warn, Sink sink = nullptr);

  static std::shared_ptr<Logger> default_logger();

  Level level() const noexcept { return level_; }
  bool enabled(Level level) const noexcept { return level >= level_ && level_ != Level::off; }

  // Registers a value that must never be printed (thread-safe).
  void add_secret(std::string secret);

  void write(Level level, std::string_view message) const;
  void trace(std::string_view m) const { write(Level::trace, m); }
  void debug(std::string_view m) const { write(Level::debug, m); }
  void info(std::string_view m) const { write(Level::info, m); }
  void warn(std::string_view m) const { write(Level::warn, m); }
  void error(std::string_view m) const { write(Level::error, m); }

 private:
  Level level_;
  Sink sink_;
  mutable std::mutex mu_;
  std::vector<std::string> secrets_;
};

}  // namespace alith::log
