#pragma once

// The approximate nearest-neighbour index of one collection: hnswlib's HNSW graph (chosen by bench/ann_bench,
// see docs/store-ann-index.md), keyed by the SQLite rowid of each record. SQLite stays the source of truth;
// the index is a cache that is saved beside the database and thrown away whenever it might disagree with it.
//
// On disk: FILE (hnswlib's own format) and FILE.meta, a small header recording which collection (a random
// identity drawn when the collection was created, so a file left over from a deleted database never passes
// for a new one) and which write generation of it the graph reflects, its dimensions and metric, and the size
// and a checksum of FILE. Both are written to temporary files and renamed, so a crash leaves either the old
// pair, the new pair, or a pair whose checksum disagrees; load() refuses anything but a complete, current
// pair.
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

// What an index file must match to be used: the collection's identity and write generation.
struct AnnStamp {
  uint64_t identity = 0;
  uint64_t generation = 0;
  bool operator==(const AnnStamp&) const = default;
};

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

  // Loads FILE when FILE.meta carries this stamp, dimensions and metric and the checksum holds; nullptr
  // otherwise (missing, stale, foreign, torn or corrupted: the caller rebuilds).
  static std::unique_ptr<AnnIndex> load(const std::string& file, Metric metric, size_t dimensions,
                                        AnnStamp stamp);

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
  void save(const std::string& file, AnnStamp stamp) const;

 private:
  struct Impl;
  explicit AnnIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Scales a vector to unit length (a zero vector stays zero); cosine is inner product on unit vectors.
void normalize(std::span<float> vector);

}  // namespace alith::store::sqlite
