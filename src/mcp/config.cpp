// The `mcpServers` configuration: parsing with ${VAR} expansion, transports, and connecting every server.

#include "alith/mcp/config.h"

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

namespace alith::mcp {

namespace {

struct Failure {
  ErrorInfo info;
};

[[noreturn]] void fail(const std::string& path, const std::string& message,
                       ErrorCode code = ErrorCode::parse) {
  throw Failure{make_error(code, "mcp config: " + path + ": " + message)};
}

// Expands ${VAR} and ${VAR:-default}. The value never appears in errors.
std::string expand(const std::string& text, const std::string& path, const EnvLookup& env) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 2, "${") != 0) {
      out.push_back(text[i++]);
      continue;
    }
    size_t end = text.find('}', i + 2);
    if (end == std::string::npos) fail(path, "unterminated ${ in \"" + text.substr(i, 40) + "\"");
    std::string inner = text.substr(i + 2, end - i - 2);
    std::optional<std::string> fallback;
    if (size_t d = inner.find(":-"); d != std::string::npos) {
      fallback = inner.substr(d + 2);
      inner.resize(d);
    }
    if (inner.empty()) fail(path, "empty variable name in ${}");
    for (char c : inner) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_'))
        fail(path, "bad variable name ${" + inner + "}");
    }
    auto value = env ? env(inner) : std::nullopt;
    if (!value || (value->empty() && fallback)) value = fallback;
    if (!value) fail(path, "environment variable " + inner + " is not set", ErrorCode::config);
    out += *value;
    i = end + 1;
  }
  return out;
}

std::string string_at(const Json& object, const char* key, const std::string& path, const EnvLookup& env) {
  const Json& v = object.at(key);
  if (!v.is_string()) fail(path + "." + key, "not a string");
  return expand(v.get<std::string>(), path + "." + key, env);
}

std::vector<std::pair<std::string, std::string>> string_map(const Json& object, const char* key,
                                                            const std::string& path, const EnvLookup& env) {
  std::vector<std::pair<std::string, std::string>> out;
  const Json& v = object.at(key);
  if (v.is_null()) return out;
  if (!v.is_object()) fail(path + "." + key, "not an object");
  for (const auto& [name, value] : v.items()) {
    std::string where = path + "." + key + "." + name;
    if (!value.is_string() && !value.is_number() && !value.is_boolean()) fail(where, "not a string");
    std::string text = value.is_string() ? value.get<std::string>() : dump_json(value);
    out.emplace_back(name, expand(text, where, env));
  }
  return out;
}

ServerConfig parse_server(const std::string& name, const Json& entry, const EnvLookup& env) {
  std::string path = "mcpServers." + name;
  if (!entry.is_object()) fail(path, "not an object");
  ServerConfig out;
  out.name = name;
  bool has_command = entry.contains("command"), has_url = entry.contains("url");
  std::string type;
  if (entry.contains("type")) {
    if (!entry["type"].is_string()) fail(path + ".type", "not a string");
    type = entry["type"].get<std::string>();
    if (type != "stdio" && type != "http" && type != "streamable-http" && type != "streamableHttp") {
      fail(path + ".type", "\"" + type + "\" is not one of stdio, http, streamable-http");
    }
  }
  if (has_command && has_url) fail(path, "has both \"command\" and \"url\"");
  if (!has_command && !has_url) fail(path, "needs \"command\" (stdio) or \"url\" (Streamable HTTP)");
  if (has_command) {
    if (!type.empty() && type != "stdio") fail(path + ".type", "\"" + type + "\" does not fit \"command\"");
    out.kind = ServerConfig::Kind::stdio;
    out.command = string_at(entry, "command", path, env);
    if (out.command.empty()) fail(path + ".command", "empty");
    if (entry.contains("args")) {
      const Json& args = entry["args"];
      if (!args.is_array()) fail(path + ".args", "not an array");
      for (size_t i = 0; i < args.size(); ++i) {
        std::string where = path + ".args[" + std::to_string(i) + "]";
        if (!args[i].is_string()) fail(where, "not a string");
        out.args.push_back(expand(args[i].get<std::string>(), where, env));
      }
    }
    if (entry.contains("env")) out.env = string_map(entry, "env", path, env);
    if (entry.contains("cwd")) out.cwd = string_at(entry, "cwd", path, env);
  } else {
    if (type == "stdio") fail(path + ".type", "\"stdio\" needs \"command\", not \"url\"");
    out.kind = ServerConfig::Kind::http;
    out.url = string_at(entry, "url", path, env);
    if (out.url.rfind("http://", 0) != 0 && out.url.rfind("https://", 0) != 0) {
      fail(path + ".url", "not an http:// or https:// URL");
    }
    if (entry.contains("headers")) {
      for (auto& [k, v] : string_map(entry, "headers", path, env)) out.headers.emplace_back(k, v);
    }
  }
  if (entry.contains("timeout")) {
    const Json& t = entry["timeout"];
    if (!t.is_number() || t.get<double>() <= 0)
      fail(path + ".timeout", "not a positive number of milliseconds");
    out.timeout = std::chrono::milliseconds(static_cast<long long>(t.get<double>()));
  }
  return out;
}

}  // namespace

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    return v ? std::optional<std::string>(v) : std::nullopt;
  };
}

Result<Config> parse_config(std::string_view text, const EnvLookup& env) {
  auto json = parse_json(text);
  if (!json) return make_error(ErrorCode::parse, "mcp config: " + json.error().message, json.error().offset);
  try {
    if (!json->is_object()) fail("$", "not an object");
    auto servers = json->find("mcpServers");
    if (servers == json->end()) servers = json->find("servers");  // VS Code's spelling
    if (servers == json->end()) fail("$", "no \"mcpServers\" object");
    if (!servers->is_object()) fail("mcpServers", "not an object");
    Config config;
    for (const auto& [name, entry] : servers->items()) {
      if (name.empty()) fail("mcpServers", "a server has an empty name");
      if (entry.is_object() && entry.contains("disabled") && entry["disabled"] == true) continue;
      config.servers.push_back(parse_server(name, entry, env));
    }
    return config;
  } catch (const Failure& f) {
    return f.info;
  }
}

Config load_config(const std::filesystem::path& path, const EnvLookup& env) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("mcp config: cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  auto config = parse_config(text.str(), env);
  if (!config) {
    ErrorInfo e = config.error();
    throw ConfigError(path.string() + ": " + e.message);
  }
  return std::move(config).value();
}

std::unique_ptr<Transport> make_transport(const ServerConfig& server) {
  if (server.kind == ServerConfig::Kind::stdio) {
    StdioOptions options;
    options.command = server.command;
    options.args = server.args;
    options.env = server.env;
    options.cwd = server.cwd;
    return std::make_unique<StdioTransport>(std::move(options));
  }
  HttpTransportOptions options;
  options.url = server.url;
  options.headers = server.headers;
  return std::make_unique<StreamableHttpTransport>(std::move(options));
}

McpServers::McpServers(const Config& config, ClientOptions options) {
  for (const auto& server : config.servers) {
    ClientOptions client_options = options;
    if (server.timeout) client_options.request_timeout = *server.timeout;
    try {
      clients_.emplace_back(server.name, Client::connect(make_transport(server), client_options));
      timeouts_.push_back(server.timeout);
    } catch (const Error& e) {
      close();
      throw_error(make_error(e.code(), "mcp server \"" + server.name + "\": " + e.what()));
    }
  }
}

McpServers::~McpServers() {
  close();
}

std::shared_ptr<Client> McpServers::client(const std::string& name) const {
  for (const auto& [n, c] : clients_) {
    if (n == name) return c;
  }
  return nullptr;
}

std::vector<std::shared_ptr<agent::Tool>> McpServers::tools() const {
  std::vector<std::vector<Tool>> lists;
  std::map<std::string, int> count;
  for (const auto& [name, client] : clients_) {
    lists.push_back(client->list_all_tools());
    for (const auto& t : lists.back()) ++count[t.name];
  }
  std::vector<std::shared_ptr<agent::Tool>> out;
  for (size_t i = 0; i < clients_.size(); ++i) {
    for (const auto& t : lists[i]) {
      BridgeOptions bridge;
      bridge.timeout = timeouts_[i];
      if (count[t.name] > 1) bridge.name_prefix = clients_[i].first + "_";
      out.push_back(mcp_tool(clients_[i].second, t, bridge));
    }
  }
  return out;
}

void McpServers::close() noexcept {
  for (auto& [name, client] : clients_) client->close();
}

}  // namespace alith::mcp
