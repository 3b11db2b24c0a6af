#pragma once

// Configuration: ~/.config/alith/config.yaml (or $ALITH_CONFIG), overridden by environment variables.
//
//   default_model: openai:gpt-4o-mini
//   providers:
//     openai:    { api_key: sk-..., base_url: https://api.openai.com/v1 }
//     anthropic: { api_key_env: MY_ANTHROPIC_KEY }
//     groq:      { type: openai, base_url: https://api.groq.com/openai/v1, api_key_env: GROQ_API_KEY,
//                  headers: { X-Extra: value } }
//
// Environment: ALITH_MODEL (default model), OPENAI_API_KEY, OPENAI_BASE_URL, ANTHROPIC_API_KEY,
// ANTHROPIC_BASE_URL, ALITH_CONFIG (path of the YAML file).

#include <functional>
#include <map>
#include <optional>
#include <string>

namespace alith {

struct ProviderConfig {
  std::string name;  // the key under `providers`
  std::string type;  // "openai" or "anthropic"; defaults to the name for those two
  std::string base_url;
  std::string api_key;  // resolved: api_key, else the variable named by api_key_env
  std::map<std::string, std::string> headers;
};

struct Config {
  std::string default_model;
  std::map<std::string, ProviderConfig> providers;
  std::string source;  // the file it was read from, empty if none

  const ProviderConfig* provider(const std::string& name) const;

  // Reads the file (if it exists; a file named by ALITH_CONFIG must exist) then applies the environment.
  // getenv is injectable for tests. A malformed file gives ConfigError naming file:line.
  using Getenv = std::function<std::optional<std::string>(const std::string&)>;
  static Config load(const Getenv& getenv = nullptr);
  static Config load_file(const std::string& path, const Getenv& getenv = nullptr);
  static std::string default_path(const Getenv& getenv = nullptr);
};

}  // namespace alith
