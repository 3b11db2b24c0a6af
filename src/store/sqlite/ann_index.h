#pragma once

// The approximate nearest-neighbour index of one collection: hnswlib's HNSW graph (chosen by bench/ann_bench,
// see docs/store-ann-index.md), keyed by the SQLite rowid of each record. SQLite stays the source of truth;
// the index is a cache that is saved beside the database and thrown away whenever it might disagree with it.
//
// On disk: FILE (hnswlib's own format) and FILE.meta, a small header recording the collection's write
// generation the graph reflects, its dimensions and metric, and the size and a checksum of FILE. Both are
// written to temporary files and renamed, so a crash leaves either the old pair, the new pair, or a pair
// whose checksum disagrees; load() refuses anything but a complete, current pair.
//
// Not thread-safe: the store serialises access.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "alith/store/vector_store.h"

namespace alith::store::sqlite {

struct AnnParams {
  size_t m = 16;
  size_t ef_construction = 200;
};

class AnnIndex {
 public:
  AnnIndex(Metric metric, size_t dimensions, AnnParams params, size_t capacity);
  ~AnnIndex();
  AnnIndex(const AnnIndex&) = delete;
  AnnIndex& operator=(const AnnIndex&) = delete;

  // Builds an index over many vectors at once, using up to `threads` threads.
  static std::unique_ptr<AnnIndex> build(Metric metric, size_t dimensions, AnnParams params,
                                         const std::vector<std::pair<int64_t, std::vector<float>>>& items,
                                         size_t threads);

  // Loads FILE when FILE.meta says it reflects `generation` with these dimensions and metric and the checksum
  // holds; nullptr otherwise (missing, stale, torn or corrupted: the caller rebuilds).
  static std::unique_ptr<AnnIndex> load(const std::string& file, Metric metric, size_t dimensions,
                                        uint64_t generation);

  // Inserts or replaces the vector of a label.
  void add(int64_t label, std::span<const float> vector);
  // Marks a label deleted; false when it was not in the index.
  bool remove(int64_t label);

  // Up to k (label, distance) pairs, nearest first. Distances are hnswlib's: 1 - inner product for cosine
  // (on normalized vectors) and dot, squared Euclidean for l2.
  std::vector<std::pair<int64_t, float>> search(std::span<const float> query, size_t k, size_t ef) const;

  size_t live() const;     // labels that are not deleted
  size_t deleted() const;  // deleted labels still occupying graph nodes

  // Writes FILE and FILE.meta atomically (temporary files, then rename). IoError on failure.
  void save(const std::string& file, uint64_t generation) const;

 private:
  struct Impl;
  explicit AnnIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Scales a vector to unit length (a zero vector stays zero); cosine is inner product on unit vectors.
void normalize(std::span<float> vector);

}  // namespace alith::store::sqlite
