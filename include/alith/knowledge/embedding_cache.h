#pragma once

// An EmbeddingModel that remembers: vectors are kept in a SQLite file keyed by the model's id and the
// SHA-256 of the text, so re-indexing unchanged text costs a lookup instead of a forward pass. Texts the
// cache lacks go to the wrapped model in batches. Thread-safe.

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>

#include "alith/llm/chat_model.h"

namespace alith::knowledge {

// cache_dir()/embeddings.sqlite
std::filesystem::path default_embedding_cache_path();

class CachedEmbeddingModel : public llm::EmbeddingModel {
 public:
  // Opens (creating) the cache file. IoError when it cannot be opened.
  CachedEmbeddingModel(std::shared_ptr<llm::EmbeddingModel> model, const std::filesystem::path& cache_file,
                       size_t batch_size = 32);
  ~CachedEmbeddingModel() override;

  std::vector<std::vector<float>> embed(const std::vector<std::string>& inputs,
                                        const llm::CallOptions& options = {}) override;
  std::string id() const override { return model_->id(); }
  std::optional<size_t> count_tokens(std::string_view text) const override {
    return model_->count_tokens(text);
  }
  std::optional<size_t> max_input_tokens() const override { return model_->max_input_tokens(); }

  size_t hits() const noexcept { return hits_; }
  size_t misses() const noexcept { return misses_; }

 private:
  struct Db;
  std::shared_ptr<llm::EmbeddingModel> model_;
  size_t batch_size_;
  std::unique_ptr<Db> db_;
  std::mutex mutex_;  // guards db_ (one SQLite connection)
  std::atomic<size_t> hits_{0};
  std::atomic<size_t> misses_{0};
};

}  // namespace alith::knowledge
