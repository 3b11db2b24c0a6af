#include "backend.h"

#include <llama.h>

#include <mutex>
#include <string>

#include "alith/core/log.h"
#include "log.h"  // llama.cpp common's logger

namespace alith::inference::detail {

namespace {

void forward_log(ggml_log_level level, const char* text, void* /*user*/) {
  if (level == GGML_LOG_LEVEL_CONT || text == nullptr) return;
  const auto logger = log::Logger::default_logger();
  if (!logger->enabled(log::Level::debug)) return;
  std::string message(text);
  while (!message.empty() && message.back() == '\n') message.pop_back();
  if (!message.empty()) logger->debug("llama.cpp: " + message);
}

}  // namespace

void ensure_backend() {
  // llama.cpp's backend registry and log callback are process-wide by design; this is the one place alith
  // touches them, once.
  static std::once_flag once;
  std::call_once(once, [] {
    llama_log_set(forward_log, nullptr);
    common_log_set_verbosity_thold(-1);  // common's own warnings (template quirks) go quiet too
    llama_backend_init();
  });
}

}  // namespace alith::inference::detail
