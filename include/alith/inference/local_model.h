#pragma once

// The `local:` provider: ChatModel and EmbeddingModel over in-process llama.cpp, so an agent uses a GGUF
// model exactly like a hosted one (tools, streaming, structured output, memory).
//
// Chat requests are rendered with the model's Jinja chat template through llama.cpp's `common` library, which
// also supplies the model family's tool-call format, the grammar that keeps tool calls well-formed (lazy
// under tool_choice auto, forced under required) and the parser that turns the output back into calls.

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "alith/inference/embedder.h"
#include "alith/inference/engine.h"
#include "alith/llm/chat_model.h"

namespace alith::inference {

// Models alith installs itself (scripts/fetch-model, `alith models pull`) and knows by name.
struct CatalogEntry {
  std::string name;  // e.g. "gemma3-270m"
  std::string file;  // file name in the model cache
  std::string description;
  std::string chat_template;  // Jinja supplied by alith when the GGUF has none usable for tools
  bool embedding = false;
};
const std::vector<CatalogEntry>& catalog();
const CatalogEntry* find_in_catalog(std::string_view name);
// ~/.cache/alith/models, or $ALITH_CACHE_DIR/models.
std::filesystem::path model_cache_dir();
// A catalog name or a path to a .gguf. Errors: ConfigError (unknown name, or a catalog model not installed
// yet, with the command that installs it), IoError (a path that does not exist).
std::filesystem::path resolve_model_path(std::string_view name_or_path);

struct LocalModelOptions {
  EngineOptions engine;
  LoadOptions load;
  SamplingParams sampling;  // defaults; a request's Sampling overrides field by field
  int default_max_tokens = 512;
};

class LocalChatModel : public llm::ChatModel {
 public:
  // name_or_path as for resolve_model_path.
  static std::shared_ptr<LocalChatModel> open(std::string_view name_or_path,
                                              const LocalModelOptions& options = {});
  explicit LocalChatModel(std::shared_ptr<Engine> engine, std::string id, LocalModelOptions options = {});

  llm::ChatResponse complete(const llm::ChatRequest& request, const llm::CallOptions& options = {}) override;
  llm::ChatResponse stream(const llm::ChatRequest& request, const llm::StreamHandler& on_event,
                           const llm::CallOptions& options = {}) override;
  llm::Capabilities capabilities() const override;
  std::string id() const override { return id_; }

  const std::shared_ptr<Engine>& engine() const noexcept { return engine_; }
  // The last completed call (prefix reuse, timings), for diagnostics and benchmarks.
  struct LastCall {
    GenerateStats stats;
    std::string prompt;  // the rendered prompt
  };
  LastCall last_call() const;

 private:
  llm::ChatResponse run(const llm::ChatRequest& request, const llm::StreamHandler* on_event,
                        const llm::CallOptions& options);
  std::shared_ptr<Engine> engine_;
  std::string id_;
  LocalModelOptions options_;
  struct Templates;
  std::shared_ptr<Templates> templates_;
  mutable std::mutex last_mutex_;
  LastCall last_;
};

class LocalEmbeddingModel : public llm::EmbeddingModel {
 public:
  static std::shared_ptr<LocalEmbeddingModel> open(std::string_view name_or_path,
                                                   const EmbedderOptions& options = {},
                                                   const LoadOptions& load = {});
  LocalEmbeddingModel(std::shared_ptr<Embedder> embedder, std::string id);
  std::vector<std::vector<float>> embed(const std::vector<std::string>& inputs,
                                        const llm::CallOptions& options = {}) override;
  std::string id() const override { return id_; }
  std::optional<size_t> count_tokens(std::string_view text) const override {
    return embedder_->count_tokens(text);
  }
  std::optional<size_t> max_input_tokens() const override { return embedder_->max_text_tokens(); }
  int dimensions() const noexcept { return embedder_->dimensions(); }
  const Embedder& embedder() const noexcept { return *embedder_; }

 private:
  std::shared_ptr<Embedder> embedder_;
  std::string id_;
};

}  // namespace alith::inference
