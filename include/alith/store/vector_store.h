#pragma once

// One interface for every vector store: the embedded SQLite store (the default), PostgreSQL + pgvector,
// Chroma and Qdrant. Backends are chosen at run time by a reference string (open_store).
//
// Score convention, for every backend: higher is more similar.
//   cosine  cosine similarity, in [-1, 1]
//   dot     inner product
//   l2      the negated Euclidean distance, in (-inf, 0]
//
// Implementations are thread-safe: one instance may serve concurrent calls.

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "alith/core/json.h"
#include "alith/store/filter.h"

namespace alith::store {

enum class Metric { cosine, dot, l2 };
std::string_view to_string(Metric metric) noexcept;
Metric metric_from_string(std::string_view name);  // InvalidArgumentError when unknown

struct Record {
  std::string id;
  std::vector<float> vector;
  std::string text;
  Json metadata = Json::object();  // top-level fields are what filters see
};

struct Hit {
  std::string id;
  float score = 0;  // see the score convention above
  std::string text;
  Json metadata = Json::object();
};

struct StoreOptions {
  std::string collection = "default";
  Metric metric = Metric::cosine;  // used when the collection is created; an existing one keeps its own
  // When set, the collection records it at creation and later opens must match (vectors of two embedding
  // models in one index would be meaningless). InvalidArgumentError on a mismatch.
  std::string embedding_model;
};

class VectorStore {
 public:
  virtual ~VectorStore() = default;

  // Inserts or replaces records by id, atomically: after a crash either all of one call's records are
  // there or none. InvalidArgumentError when a vector's dimension differs from the collection's.
  virtual void upsert(std::span<const Record> records) = 0;
  // Returns how many of the ids existed.
  virtual size_t remove(std::span<const std::string> ids) = 0;
  // Removes every record matching the filter (an empty filter removes nothing); returns how many.
  virtual size_t remove_where(const Filter& filter) = 0;
  virtual std::optional<Record> get(std::string_view id) = 0;
  virtual size_t count(const Filter& filter = {}) = 0;

  // The k most similar records that match the filter, best first.
  virtual std::vector<Hit> search(std::span<const float> query, size_t k, const Filter& filter = {}) = 0;
  // Keyword (BM25 or the backend's full-text) search, best first; scores are the backend's own, higher is
  // better. UnsupportedError for backends without full-text search.
  virtual std::vector<Hit> keyword_search(std::string_view text, size_t k, const Filter& filter = {});

  virtual Metric metric() const = 0;
  virtual size_t dimensions() const = 0;  // 0 until the first upsert
  // The reference it was opened with, e.g. "sqlite:./kb.db".
  virtual std::string ref() const = 0;
};

// Opens (creating if needed) a store by reference:
//   sqlite:PATH                  the embedded store (a file; PATH may be relative)
//   postgres://... postgresql://...   PostgreSQL with pgvector (a libpq connection URI)
//   chroma:http://HOST:PORT      a Chroma server
//   qdrant:http://HOST:PORT      a Qdrant server
// Errors: InvalidArgumentError (unknown scheme), IoError (cannot open or connect).
std::unique_ptr<VectorStore> open_store(std::string_view ref, const StoreOptions& options = {});

}  // namespace alith::store
