#pragma once

// MCP server configuration in the common `mcpServers` JSON format (Claude Desktop, Cursor, VS Code...):
//
//   {"mcpServers": {
//      "files":  {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"],
//                 "env": {"DEBUG": "${DEBUG:-0}"}},
//      "remote": {"url": "https://example.com/mcp", "headers": {"Authorization": "Bearer ${TOKEN}"}}
//   }}
//
// An entry is stdio when it has "command" and Streamable HTTP when it has "url"; an optional "type" ("stdio",
// "http" or "streamable-http") must agree. Optional per server: "cwd" (stdio), "timeout" (ms per request),
// "disabled": true. ${VAR} and ${VAR:-default} are expanded from the environment in command, args, env, cwd,
// url and headers; an unset variable without a default is a ConfigError naming the server and field (never
// the value). Errors name the JSON path, e.g. `mcpServers.files.args[1]: not a string`.
//
// McpServers connects every server and gathers their tools for an agent: a tool name that two servers share
// is prefixed with its server's name ("files_read_file"); unique names stay as they are.

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "alith/agent/tool.h"
#include "alith/core/http.h"
#include "alith/mcp/client.h"

namespace alith::mcp {

struct ServerConfig {
  enum class Kind { stdio, http };
  std::string name;
  Kind kind = Kind::stdio;
  // stdio
  std::string command;
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  std::string cwd;
  // http
  std::string url;
  http::Headers headers;
  std::optional<std::chrono::milliseconds> timeout;  // per request
};

struct Config {
  std::vector<ServerConfig> servers;  // in the file's order; disabled ones left out
};

// Looks a variable up; nullopt when unset. The default reads the process environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup process_env();

// Parses the JSON text. Never throws: malformed JSON and invalid entries give a parse error (config errors
// for unset variables) with a precise message.
Result<Config> parse_config(std::string_view text, const EnvLookup& env = process_env());

// Reads and parses a file; throws ConfigError (IoError when it cannot be read).
Config load_config(const std::filesystem::path& path, const EnvLookup& env = process_env());

// The transport for one server (not started).
std::unique_ptr<Transport> make_transport(const ServerConfig& server);

// Every configured server, connected; closed when this goes away (or close()).
class McpServers {
 public:
  // Connects (and initializes) each server in order. When one fails, those already connected are closed and
  // the error is rethrown with the server's name in front (same ErrorCode).
  explicit McpServers(const Config& config, ClientOptions options = {});
  ~McpServers();
  McpServers(const McpServers&) = delete;
  McpServers& operator=(const McpServers&) = delete;

  const std::vector<std::pair<std::string, std::shared_ptr<Client>>>& clients() const noexcept {
    return clients_;
  }
  std::shared_ptr<Client> client(const std::string& name) const;  // null when unknown

  // The tools of every server as agent tools, colliding names prefixed with "<server>_".
  std::vector<std::shared_ptr<agent::Tool>> tools() const;

  void close() noexcept;

 private:
  std::vector<std::pair<std::string, std::shared_ptr<Client>>> clients_;
  std::vector<std::optional<std::chrono::milliseconds>> timeouts_;
};

}  // namespace alith::mcp
