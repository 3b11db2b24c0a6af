#include "knowledge_options.h"

#include <filesystem>

#include "alith/core/error.h"
#include "alith/core/json.h"
#include "alith/knowledge/embedding_cache.h"
#include "alith/llm/registry.h"

namespace alith::cli {

void KnowledgeOptions::add_to(CLI::App& app, bool required) {
  auto* s =
      app.add_option("--store", store, "Vector store: sqlite:PATH, postgres://..., chroma:URL, qdrant:URL");
  if (required) s->required();
  app.add_option("--embedding", embedding, "Embedding model the store is indexed with")
      ->capture_default_str();
  app.add_option("--collection", collection, "Collection in the store")->capture_default_str();
  app.add_flag("--no-embedding-cache", no_cache, "Do not use the on-disk embedding cache");
  app.add_option("-k,--top-k", k, "Passages to retrieve")->capture_default_str()->check(CLI::Range(1, 100));
  app.add_flag("--hybrid", hybrid, "Fuse vector and keyword (BM25) search");
  app.add_option("--min-score", min_score, "Drop passages whose similarity is below this");
  app.add_option("--where", where, R"(Metadata filter as JSON, e.g. '{"format":"markdown"}')");
}

std::shared_ptr<llm::EmbeddingModel> KnowledgeOptions::make_embedding_model(const Config& config) const {
  auto model = llm::make_embedding_model(embedding, config);
  if (no_cache) return model;
  return std::make_shared<knowledge::CachedEmbeddingModel>(std::move(model),
                                                           knowledge::default_embedding_cache_path());
}

std::shared_ptr<store::VectorStore> KnowledgeOptions::open_store(const llm::EmbeddingModel& model) const {
  store::StoreOptions options;
  options.collection = collection;
  options.embedding_model = model.id();
  return store::open_store(store, options);
}

knowledge::RetrieveOptions KnowledgeOptions::retrieve_options() const {
  knowledge::RetrieveOptions options;
  options.k = k;
  options.hybrid = hybrid;
  options.min_score = min_score;
  if (!where.empty()) {
    auto spec = parse_json(where);
    if (!spec) throw InvalidArgumentError("--where is not JSON: " + spec.error().message);
    options.filter = store::Filter::from_json(*spec);
  }
  return options;
}

void shorten_sources(std::vector<knowledge::Citation>& citations) {
  std::error_code ec;
  const auto cwd = std::filesystem::current_path(ec);
  if (ec) return;
  for (auto& c : citations) {
    const std::filesystem::path source(c.source);
    if (!source.is_absolute()) continue;
    const auto relative = source.lexically_relative(cwd);
    if (!relative.empty() && *relative.begin() != "..") c.source = relative.string();
  }
}

}  // namespace alith::cli
