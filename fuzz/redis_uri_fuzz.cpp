// libFuzzer target for Redis checkpointer references ("redis://[[user]:password@]host[:port][/db][?...]"):
// parse_uri must return an endpoint or throw a ConfigError, and what it prints for messages (redacted())
// must never carry the password.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "alith/core/error.h"
#include "flow/checkpointers/redis_connection.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view uri(reinterpret_cast<const char*>(data), size);
  try {
    const auto endpoint = alith::flow::redis::parse_uri(uri);
    if (endpoint.port < 0 || endpoint.port > 65535 || endpoint.db < 0) std::abort();
    const std::string shown = endpoint.redacted();
    if (!endpoint.password.empty() && shown.find(":" + endpoint.password + "@") != std::string::npos)
      std::abort();
  } catch (const alith::ConfigError&) {  // anything else escapes and libFuzzer reports it
  }
  return 0;
}
