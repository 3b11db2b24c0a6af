#pragma once

// llama.cpp's process-wide setup, done once: backend registration and routing of its log output into alith's
// logger (at debug level: every failure it reports also reaches the caller as a typed error).

namespace alith::inference::detail {

void ensure_backend();

}  // namespace alith::inference::detail
