#pragma once

// The embedded store: one SQLite file (WAL mode) holding collections, records and an FTS5 full-text index,
// plus one HNSW index file per collection beside it (PATH.<collection>.hnsw). open_store("sqlite:PATH") opens
// it with default SqliteOptions; this header is for callers who tune the index or need flush() and index
// statistics.
//
// Search is exact (every vector of the collection, or of the rows a filter selects) below
// SqliteOptions::exact_below records, and approximate through the HNSW index above it. The index is a cache
// of SQLite: it is saved on flush(), on close and after large ingests, and rebuilt from SQLite when its file
// is missing, damaged or older than the collection (every write transaction bumps the collection's
// generation, which the index file records). See docs/store-ann-index.md for how the index and its parameters
// were chosen.

#include <cstdint>
#include <memory>
#include <string>

#include "alith/store/vector_store.h"

namespace alith::store {

struct SqliteOptions {
  size_t exact_below = 2000;  // collections with fewer records are searched exactly, without an index
  bool ann = true;            // false: always exact (a reference for benchmarks and tests)
  size_t hnsw_m = 16;         // graph degree; more is better recall, more memory and slower builds
  size_t ef_construction = 100;
  size_t ef_search = 96;        // candidate list size per query (at least k is used)
  size_t build_threads = 0;     // threads for a full index build; 0: the hardware's
  int busy_timeout_ms = 10000;  // how long a write waits for another connection's write lock
};

struct SqliteIndexStats {
  bool in_memory = false;         // an index is loaded and current
  bool loaded_from_file = false;  // the current index came from its file, not a rebuild
  size_t rebuilds = 0;            // full rebuilds from SQLite by this instance
  size_t indexed = 0;             // live vectors in the index
  size_t deleted = 0;             // deleted vectors still occupying graph nodes (compacted by a rebuild)
};

class SqliteStore : public VectorStore {
 public:
  // Saves the index file now if the in-memory index changed since it was last written.
  virtual void flush() = 0;
  virtual SqliteIndexStats index_stats() = 0;
};

// Errors: IoError (the file cannot be opened or is not a database), InvalidArgumentError (embedding model
// mismatch with the existing collection).
std::unique_ptr<SqliteStore> open_sqlite_store(const std::string& path, const StoreOptions& options,
                                               const SqliteOptions& sqlite_options);

}  // namespace alith::store
