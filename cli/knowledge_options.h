#pragma once

// Store and embedding selection shared by `alith index`, `alith query` and `alith ask --store`.

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "alith/core/config.h"
#include "alith/knowledge/retriever.h"
#include "alith/llm/chat_model.h"
#include "alith/store/vector_store.h"

namespace alith::cli {

struct KnowledgeOptions {
  std::string store;                       // sqlite:PATH, postgres://..., chroma:URL, qdrant:URL
  std::string embedding = "local:minilm";  // the model the store is indexed with
  std::string collection = "default";
  bool no_cache = false;  // skip the on-disk embedding cache
  size_t k = 5;
  bool hybrid = false;
  std::optional<float> min_score;
  std::string where;  // a metadata filter as JSON (store/filter.h)

  // required: --store must be given (index, query); otherwise it is optional (ask).
  void add_to(CLI::App& app, bool required);
  bool enabled() const { return !store.empty(); }
  std::shared_ptr<llm::EmbeddingModel> make_embedding_model(const Config& config) const;
  std::shared_ptr<store::VectorStore> open_store(const llm::EmbeddingModel& model) const;
  knowledge::RetrieveOptions retrieve_options() const;
};

// Stores keep absolute paths; show the ones under the working directory relative to it.
void shorten_sources(std::vector<knowledge::Citation>& citations);

}  // namespace alith::cli
