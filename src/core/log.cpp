#include "alith/core/log.h"

#include <cstdio>
#include <cstdlib>

namespace alith::log {

std::string_view to_string(Level level) noexcept {
  switch (level) {
    case Level::trace:
      return "trace";
    case Level::debug:
      return "debug";
    case Level::info:
      return "info";
    case Level::warn:
      return "warn";
    case Level::error:
      return "error";
    case Level::off:
      return "off";
  }
  return "unknown";
}

Level parse_level(std::string_view text, Level fallback) noexcept {
  std::string s;
  for (const char c : text) s.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
  if (s == "trace") return Level::trace;
  if (s == "debug") return Level::debug;
  if (s == "info") return Level::info;
  if (s == "warn" || s == "warning") return Level::warn;
  if (s == "error") return Level::error;
  if (s == "off" || s == "none") return Level::off;
  return fallback;
}

Logger::Logger(Level level, Sink sink) : level_(level), sink_(std::move(sink)) {}

std::shared_ptr<Logger> Logger::default_logger() {
  static const std::shared_ptr<Logger> logger = [] {
    const char* env = std::getenv("ALITH_LOG");
    return std::make_shared<Logger>(env ? parse_level(env) : Level::warn);
  }();
  return logger;
}

void Logger::add_secret(std::string secret) {
  if (secret.empty()) return;
  std::lock_guard lock(mu_);
  secrets_.push_back(std::move(secret));
}

void Logger::write(Level level, std::string_view message) const {
  if (!enabled(level)) return;
  std::vector<std::string> secrets;
  {
    std::lock_guard lock(mu_);
    secrets = secrets_;
  }
  const std::string text = redact(message, secrets);
  if (sink_) {
    sink_(level, text);
    return;
  }
  // One fwrite per line so that concurrent writers do not interleave inside a line.
  std::string line = "[alith ";
  line.append(to_string(level));
  line.append("] ");
  line.append(text);
  line.push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace alith::log
