#pragma once

// Indexing: files -> documents -> chunks -> embeddings -> a VectorStore, resumable and incremental.
//
// Each chunk is stored as one record: id "<document id>:<chunk index>", the chunk's text, and metadata with
// its source, span (begin, end, line_begin, line_end, page_begin, page_end), headings, the document's own
// metadata, and "file_sha256", the hash of the file it came from. A file's chunks are upserted in one call,
// so a store holds all of a file or none of it. Running the indexer again skips every file whose hash the
// store already holds (an interrupted run picks up where it stopped; an unchanged tree costs one hash per
// file) and replaces the chunks of files that changed.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "alith/core/cancel.h"
#include "alith/knowledge/chunker.h"
#include "alith/knowledge/loader.h"
#include "alith/store/vector_store.h"

namespace alith::llm {
class EmbeddingModel;
}

namespace alith::knowledge {

struct IndexProgress {
  size_t files_total = 0;
  size_t files_done = 0;  // indexed, unchanged or failed
  uint64_t bytes_total = 0;
  uint64_t bytes_done = 0;
  size_t chunks = 0;      // stored so far in this run
  size_t embeddings = 0;  // vectors computed so far in this run (cache hits included)
  double embeddings_per_second = 0;
  double elapsed_seconds = 0;
  double eta_seconds = -1;  // from the bytes done so far; -1 until there is a rate to extrapolate
  std::string current;      // the file being indexed
};

struct IndexOptions {
  LoadOptions load;
  WalkOptions walk;
  // Chunk size; count_tokens defaults to the embedding model's own tokenizer (token_counter_for), and
  // max_tokens is capped at what the model embeds whole.
  ChunkOptions chunk;
  size_t embed_batch = 32;  // chunks per embedding call
  std::function<void(const IndexProgress&)> on_progress;
  CancelToken cancel;  // checked between batches; the file in progress is not stored
};

struct IndexReport {
  size_t files_indexed = 0;
  size_t files_unchanged = 0;
  size_t chunks_stored = 0;
  size_t chunks_removed = 0;  // old chunks of files that changed
  std::vector<LoadFailure> failures;
  std::chrono::duration<double> elapsed{};
};

class Indexer {
 public:
  // The store and the model must outlive the indexer.
  Indexer(store::VectorStore& store, llm::EmbeddingModel& model, IndexOptions options = {});

  // Indexes files and directories (walked). A file that cannot be loaded is recorded in the report and the
  // rest go on. Errors: CancelledError; errors of the store or the embedding model (the files stored before
  // the error stay stored).
  IndexReport index(const std::vector<std::filesystem::path>& paths);

  // The chunks a document becomes (chunked with this indexer's options): store records without vectors, each
  // with the text to embed (the chunk's heading path, then its text; the record's text is the chunk alone).
  std::vector<std::pair<store::Record, std::string>> chunk_records(const Document& document,
                                                                   const std::string& file_sha256) const;

 private:
  store::VectorStore& store_;
  llm::EmbeddingModel& model_;
  IndexOptions options_;
};

// Lowercase hex SHA-256 of a file's bytes. IoError when it cannot be read.
std::string file_sha256(const std::filesystem::path& path);

}  // namespace alith::knowledge
