#include "alith/llm/registry.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "alith/core/error.h"
#include "alith/inference/local_model.h"
#include "alith/llm/anthropic.h"
#include "alith/llm/openai.h"
#include "alith/llm/scripted_model.h"

namespace alith::llm {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Local servers (llama-server, Ollama, vLLM on loopback) usually run without a key.
bool is_loopback_url(std::string_view url) {
  if (auto scheme = url.find("://"); scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
  if (auto at = url.find('@'); at != std::string_view::npos && at < url.find('/')) url.remove_prefix(at + 1);
  std::string_view host;
  if (url.starts_with("[")) {
    host = url.substr(0, url.find(']') == std::string_view::npos ? url.size() : url.find(']') + 1);
  } else {
    host = url.substr(0, std::min(url.find(':'), url.find('/')));
  }
  std::string lower(host);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "localhost" || lower.starts_with("127.") || lower == "[::1]";
}

std::string config_path(const Config& config) {
  return config.source.empty() ? Config::default_path() : config.source;
}

std::string known_providers(const Config& config) {
  std::string out = "openai, anthropic, local, echo";
  for (const auto& [name, provider] : config.providers) {
    if (name != "openai" && name != "anthropic" && name != "local" && name != "echo") out += ", " + name;
  }
  return out;
}

struct Resolved {
  std::string type;  // openai | anthropic
  ProviderConfig provider;
};

Resolved resolve(const ModelRef& ref, const Config& config, std::string_view text) {
  Resolved out;
  if (const ProviderConfig* found = config.provider(ref.provider)) {
    out.provider = *found;
  } else if (ref.provider == "openai" || ref.provider == "anthropic") {
    out.provider.name = ref.provider;
  } else {
    throw ConfigError("unknown provider '" + ref.provider + "' in '" + std::string(text) +
                      "'; known providers: " + known_providers(config) + " (add others under providers: in " +
                      config_path(config) + ")");
  }
  out.type = out.provider.type.empty() ? ref.provider : out.provider.type;
  if (out.type != "openai" && out.type != "anthropic") {
    throw ConfigError("provider '" + ref.provider + "' has type '" + out.type +
                      "'; expected openai or anthropic (in " + config_path(config) + ")");
  }
  return out;
}

std::string missing_key_message(const ModelRef& ref, const std::string& type, const Config& config) {
  const std::string path = config_path(config);
  if (ref.provider == "openai")
    return "no API key for openai: set OPENAI_API_KEY or providers.openai.api_key in " + path;
  if (ref.provider == "anthropic") {
    return "no API key for anthropic: set ANTHROPIC_API_KEY or providers.anthropic.api_key in " + path;
  }
  return "no API key for provider '" + ref.provider + "' (type " + type + "): set providers." + ref.provider +
         ".api_key or providers." + ref.provider + ".api_key_env in " + path;
}

OpenAIOptions openai_options(const ModelRef& ref, const Resolved& resolved, const Config& config) {
  OpenAIOptions options;
  if (!resolved.provider.base_url.empty()) options.base_url = resolved.provider.base_url;
  options.api_key = resolved.provider.api_key;
  if (options.api_key.empty() && !is_loopback_url(options.base_url)) {
    throw ConfigError(missing_key_message(ref, resolved.type, config));
  }
  options.model = ref.model;
  options.provider = ref.provider;
  for (const auto& [name, value] : resolved.provider.headers) options.extra_headers.emplace_back(name, value);
  return options;
}

}  // namespace

ModelRef ModelRef::parse(std::string_view ref) {
  const std::string_view text = trim(ref);
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    throw InvalidArgumentError(
        "model reference '" + std::string(text) +
        "' needs a provider prefix, e.g. openai:gpt-4o-mini or anthropic:claude-sonnet-4-5");
  }
  ModelRef out;
  out.provider = std::string(trim(text.substr(0, colon)));
  out.model = std::string(trim(text.substr(colon + 1)));
  if (out.model.empty()) {
    throw InvalidArgumentError("model reference '" + std::string(text) + "' names no model after '" +
                               out.provider + ":'");
  }
  return out;
}

std::shared_ptr<ChatModel> make_chat_model(std::string_view ref, const Config& config) {
  const ModelRef parsed = ModelRef::parse(ref);
  if (parsed.provider == "local" && !config.provider("local")) return inference::LocalChatModel::open(parsed.model);
  if (parsed.provider == "echo" && !config.provider("echo")) return std::make_shared<ScriptedModel>();
  const Resolved resolved = resolve(parsed, config, ref);
  if (resolved.type == "openai")
    return std::make_shared<OpenAIChatModel>(openai_options(parsed, resolved, config));

  AnthropicOptions options;
  if (!resolved.provider.base_url.empty()) options.base_url = resolved.provider.base_url;
  options.api_key = resolved.provider.api_key;
  if (options.api_key.empty() && !is_loopback_url(options.base_url)) {
    throw ConfigError(missing_key_message(parsed, resolved.type, config));
  }
  options.model = parsed.model;
  for (const auto& [name, value] : resolved.provider.headers) options.extra_headers.emplace_back(name, value);
  return std::make_shared<AnthropicChatModel>(std::move(options));
}

std::shared_ptr<EmbeddingModel> make_embedding_model(std::string_view ref, const Config& config) {
  const ModelRef parsed = ModelRef::parse(ref);
  if (parsed.provider == "local" && !config.provider("local")) {
    return inference::LocalEmbeddingModel::open(parsed.model);
  }
  const Resolved resolved = resolve(parsed, config, ref);
  if (resolved.type != "openai") {
    throw UnsupportedError("provider '" + parsed.provider + "' (type " + resolved.type +
                           ") has no embeddings API; use an OpenAI-compatible provider");
  }
  return std::make_shared<OpenAIEmbeddingModel>(openai_options(parsed, resolved, config));
}

}  // namespace alith::llm
