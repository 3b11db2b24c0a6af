#include "alith/core/config.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "alith/core/error.h"

namespace alith {

namespace {

Config::Getenv or_process_env(const Config::Getenv& getenv) {
  if (getenv) return getenv;
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

// An unset and an empty variable mean the same: nothing to apply.
std::optional<std::string> env_value(const Config::Getenv& getenv, const std::string& name) {
  auto v = getenv(name);
  if (v && v->empty()) return std::nullopt;
  return v;
}

class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const {
    const YAML::Mark mark = node.Mark();
    // Built with append(): GCC 12 at -O3 warns falsely (-Wrestrict) on `":" + std::to_string(...)`.
    std::string text = path_;
    if (!mark.is_null()) text.append(":").append(std::to_string(mark.line + 1));
    text.append(": ").append(message);
    throw ConfigError(text);
  }

  std::string scalar(const YAML::Node& node, const std::string& what) const {
    if (node.IsNull()) return "";
    if (!node.IsScalar()) fail(node, what + " must be a string");
    return node.Scalar();
  }

  void expect_map(const YAML::Node& node, const std::string& what) const {
    if (!node.IsMap()) fail(node, what + " must be a mapping");
  }

  void read(const YAML::Node& root, Config& config, const Config::Getenv& getenv) const {
    if (!root || root.IsNull()) return;
    expect_map(root, "the configuration");
    if (const auto model = root["default_model"]) config.default_model = scalar(model, "default_model");
    const auto providers = root["providers"];
    if (!providers || providers.IsNull()) return;
    expect_map(providers, "providers");
    for (const auto& entry : providers) {
      const std::string name = scalar(entry.first, "a provider name");
      const std::string where = "providers." + name;
      const YAML::Node& node = entry.second;
      ProviderConfig p;
      p.name = name;
      if (!node.IsNull()) {
        expect_map(node, where);
        if (const auto v = node["type"]) p.type = scalar(v, where + ".type");
        if (const auto v = node["base_url"]) p.base_url = scalar(v, where + ".base_url");
        if (const auto v = node["api_key"]) p.api_key = scalar(v, where + ".api_key");
        if (const auto v = node["api_key_env"]; v && p.api_key.empty()) {
          const std::string var = scalar(v, where + ".api_key_env");
          if (!var.empty()) p.api_key = getenv(var).value_or("");
        }
        if (const auto headers = node["headers"]; headers && !headers.IsNull()) {
          expect_map(headers, where + ".headers");
          for (const auto& h : headers)
            p.headers[scalar(h.first, where + ".headers key")] = scalar(h.second, where + ".headers value");
        }
      }
      if (p.type.empty()) {
        if (name != "openai" && name != "anthropic")
          fail(node.IsNull() ? entry.first : node, where + ".type is required (openai or anthropic)");
        p.type = name;
      }
      config.providers[name] = std::move(p);
    }
  }

 private:
  std::string path_;
};

void apply_env(Config& config, const Config::Getenv& getenv) {
  if (auto v = env_value(getenv, "ALITH_MODEL")) config.default_model = *v;
  for (const std::string name : {"openai", "anthropic"}) {
    std::string prefix = name == "openai" ? "OPENAI" : "ANTHROPIC";
    const auto key = env_value(getenv, prefix + "_API_KEY");
    const auto url = env_value(getenv, prefix + "_BASE_URL");
    if (!key && !url) continue;
    auto& p = config.providers[name];
    if (p.name.empty()) {
      p.name = name;
      p.type = name;
    }
    if (key) p.api_key = *key;
    if (url) p.base_url = *url;
  }
}

}  // namespace

const ProviderConfig* Config::provider(const std::string& name) const {
  const auto it = providers.find(name);
  return it == providers.end() ? nullptr : &it->second;
}

std::string Config::default_path(const Getenv& getenv_in) {
  const auto getenv = or_process_env(getenv_in);
  if (auto v = env_value(getenv, "ALITH_CONFIG")) return *v;
  if (auto v = env_value(getenv, "XDG_CONFIG_HOME")) return *v + "/alith/config.yaml";
  if (auto v = env_value(getenv, "HOME")) return *v + "/.config/alith/config.yaml";
  return "";
}

Config Config::load(const Getenv& getenv_in) {
  const auto getenv = or_process_env(getenv_in);
  // A file named explicitly must exist: a typo in ALITH_CONFIG should not silently mean "no configuration".
  if (auto explicit_path = env_value(getenv, "ALITH_CONFIG")) {
    std::error_code ec;
    if (!std::filesystem::exists(*explicit_path, ec)) {
      throw ConfigError("ALITH_CONFIG names " + *explicit_path + ", which does not exist");
    }
  }
  return load_file(default_path(getenv), getenv);
}

Config Config::load_file(const std::string& path, const Getenv& getenv_in) {
  const auto getenv = or_process_env(getenv_in);
  Config config;
  std::error_code ec;
  if (!path.empty() && std::filesystem::exists(path, ec)) {
    std::ifstream in(path, std::ios::binary);
    if (!in || std::filesystem::is_directory(path, ec)) throw ConfigError(path + ": cannot read the file");
    std::stringstream content;
    content << in.rdbuf();
    YAML::Node root;
    try {
      root = YAML::Load(content.str());
    } catch (const YAML::ParserException& e) {
      throw ConfigError(path + ":" + std::to_string(e.mark.line + 1) + ":" +
                        std::to_string(e.mark.column + 1) + ": " + e.msg);
    }
    try {
      Reader(path).read(root, config, getenv);
    } catch (const YAML::Exception& e) {
      throw ConfigError(path + ": " + e.what());
    }
    config.source = path;
  }
  apply_env(config, getenv);
  return config;
}

}  // namespace alith
