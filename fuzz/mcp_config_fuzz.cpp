// libFuzzer target for the mcpServers configuration parser: arbitrary bytes (with a fixed environment for
// ${VAR} expansion) must give a Config or a parse/config error, never a crash, a hang or an exception.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "alith/mcp/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "HOME") return std::string("/home/fuzz");
    if (name == "EMPTY") return std::string();
    return std::nullopt;
  };
  auto config = alith::mcp::parse_config(text, env);
  if (config.ok()) {
    for (const auto& server : config.value().servers) {
      if (server.name.empty()) std::abort();
      if (server.kind == alith::mcp::ServerConfig::Kind::stdio && server.command.empty()) std::abort();
      if (server.kind == alith::mcp::ServerConfig::Kind::http && server.url.rfind("http", 0) != 0)
        std::abort();
    }
  } else if (config.error().code != alith::ErrorCode::parse &&
             config.error().code != alith::ErrorCode::config) {
    std::abort();
  }
  return 0;
}
