#include "alith/knowledge/embedding_cache.h"

#include <array>
#include <cstring>
#include <map>

#include "alith/core/digest.h"
#include "alith/core/error.h"
#include "alith/core/paths.h"
#include "core/sqlite_db.h"

namespace alith::knowledge {
struct CachedEmbeddingModel::Db {
  explicit Db(const std::filesystem::path& file) : db(file.string()) {
    db.exec(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
        "CREATE TABLE IF NOT EXISTS embeddings (model TEXT NOT NULL, text_sha256 BLOB NOT NULL,"
        " vector BLOB NOT NULL, PRIMARY KEY (model, text_sha256)) WITHOUT ROWID;");
  }
  sqlite::Database db;
};

std::filesystem::path default_embedding_cache_path() {
  return cache_dir() / "embeddings.sqlite";
}

CachedEmbeddingModel::CachedEmbeddingModel(std::shared_ptr<llm::EmbeddingModel> model,
                                           const std::filesystem::path& cache_file, size_t batch_size)
    : model_(std::move(model)), batch_size_(std::max<size_t>(1, batch_size)) {
  if (!model_) throw InvalidArgumentError("CachedEmbeddingModel: no model");
  std::error_code ec;
  if (cache_file.has_parent_path()) std::filesystem::create_directories(cache_file.parent_path(), ec);
  db_ = std::make_unique<Db>(cache_file);
}

CachedEmbeddingModel::~CachedEmbeddingModel() = default;

std::vector<std::vector<float>> CachedEmbeddingModel::embed(const std::vector<std::string>& inputs,
                                                            const llm::CallOptions& options) {
  const std::string model_id = model_->id();
  std::vector<std::vector<float>> out(inputs.size());
  std::vector<Sha256Digest> keys;
  keys.reserve(inputs.size());
  for (const auto& text : inputs) keys.push_back(sha256(text));

  std::vector<size_t> missing;
  {
    std::lock_guard lock(mutex_);
    auto get = db_->db.prepare("SELECT vector FROM embeddings WHERE model = ?1 AND text_sha256 = ?2");
    for (size_t i = 0; i < inputs.size(); ++i) {
      get.reset();
      get.bind(1, model_id).bind_blob(2, keys[i]);
      if (get.step()) {
        const auto blob = get.column_blob(0);
        out[i].resize(blob.size() / sizeof(float));
        std::memcpy(out[i].data(), blob.data(), out[i].size() * sizeof(float));
      } else {
        missing.push_back(i);
      }
    }
  }
  hits_ += inputs.size() - missing.size();
  misses_ += missing.size();

  // The same text twice in one call is embedded once: later copies are filled from the first.
  std::vector<std::pair<size_t, size_t>> copies;  // (copy, original)
  {
    std::map<Sha256Digest, size_t> first;
    std::vector<size_t> unique;
    for (size_t i : missing) {
      const auto [it, inserted] = first.emplace(keys[i], i);
      if (inserted) {
        unique.push_back(i);
      } else {
        copies.emplace_back(i, it->second);
      }
    }
    missing = std::move(unique);
  }
  for (size_t start = 0; start < missing.size(); start += batch_size_) {
    const size_t end = std::min(missing.size(), start + batch_size_);
    std::vector<std::string> batch;
    for (size_t j = start; j < end; ++j) batch.push_back(inputs[missing[j]]);
    auto vectors = model_->embed(batch, options);
    if (vectors.size() != batch.size())
      throw ProviderError("embedding model returned " + std::to_string(vectors.size()) + " vectors for " +
                              std::to_string(batch.size()) + " texts",
                          0, "");
    std::lock_guard lock(mutex_);
    sqlite::Transaction tx(db_->db);
    auto put =
        db_->db.prepare("INSERT OR REPLACE INTO embeddings (model, text_sha256, vector) VALUES (?1, ?2, ?3)");
    for (size_t j = start; j < end; ++j) {
      auto& v = vectors[j - start];
      put.reset();
      put.bind(1, model_id)
          .bind_blob(2, keys[missing[j]])
          .bind_blob(3, std::as_bytes(std::span<const float>(v.data(), v.size())));
      put.run();
      out[missing[j]] = std::move(v);
    }
    tx.commit();
  }
  for (const auto& [copy, original] : copies) out[copy] = out[original];
  return out;
}

}  // namespace alith::knowledge
