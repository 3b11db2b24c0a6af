#include "alith/knowledge/indexer.h"

#include <fstream>
#include <memory>

#include "alith/core/digest.h"
#include "alith/core/error.h"
#include "alith/llm/chat_model.h"

namespace alith::knowledge {
namespace {

using Clock = std::chrono::steady_clock;

Json span_json(const Span& s) {
  return {{"begin", s.begin},           {"end", s.end},
          {"line_begin", s.line_begin}, {"line_end", s.line_end},
          {"page_begin", s.page_begin}, {"page_end", s.page_end}};
}

// Sources are absolute, so a second run from another directory finds the same records.
std::filesystem::path normalized(const std::filesystem::path& p) {
  return std::filesystem::absolute(p).lexically_normal();
}

uint64_t size_of(const std::filesystem::path& p) {
  std::error_code ec;
  const auto n = std::filesystem::file_size(p, ec);
  return ec ? 0 : n;
}

}  // namespace

std::string file_sha256(const std::filesystem::path& path) {
  return to_hex(sha256_file(path));
}

Indexer::Indexer(store::VectorStore& store, llm::EmbeddingModel& model, IndexOptions options)
    : store_(store), model_(model), options_(std::move(options)) {
  if (!options_.chunk.count_tokens) options_.chunk.count_tokens = token_counter_for(model_);
  if (const auto limit = model_.max_input_tokens(); limit && options_.chunk.max_tokens > *limit) {
    options_.chunk.max_tokens = *limit;
    options_.chunk.overlap_tokens = std::min(options_.chunk.overlap_tokens, *limit / 4);
  }
  options_.embed_batch = std::max<size_t>(1, options_.embed_batch);
}

std::vector<std::pair<store::Record, std::string>> Indexer::chunk_records(const Document& document,
                                                                          const std::string& sha256) const {
  std::vector<std::pair<store::Record, std::string>> out;
  for (auto& chunk : split_document(document, options_.chunk)) {
    store::Record r;
    r.id = chunk.id;
    r.metadata = document.metadata.is_object() ? document.metadata : Json::object();
    r.metadata["source"] = chunk.source;
    r.metadata["document_id"] = chunk.document_id;
    r.metadata["chunk"] = chunk.index;
    r.metadata["tokens"] = chunk.tokens;
    r.metadata["span"] = span_json(chunk.span);
    if (!chunk.headings.empty()) r.metadata["headings"] = chunk.headings;
    r.metadata["file_sha256"] = sha256;
    std::string embedding_text = chunk.embedding_text();
    r.text = std::move(chunk.text);
    out.emplace_back(std::move(r), std::move(embedding_text));
  }
  return out;
}

IndexReport Indexer::index(const std::vector<std::filesystem::path>& paths) {
  const auto start = Clock::now();
  IndexReport report;
  IndexProgress progress;

  std::vector<std::filesystem::path> files;
  for (const auto& path : paths) {
    std::error_code ec;
    try {
      if (std::filesystem::is_directory(path, ec)) {
        for (auto& f : walk(path, options_.walk)) files.push_back(normalized(f));
      } else if (std::filesystem::exists(path, ec)) {
        files.push_back(normalized(path));
      } else {
        throw IoError("no such file or directory: " + path.string());
      }
    } catch (const Error& e) {
      report.failures.push_back({path.string(), e.code(), e.what()});
    }
  }
  progress.files_total = files.size();
  for (const auto& f : files) progress.bytes_total += size_of(f);

  const auto notify = [&] {
    progress.elapsed_seconds = std::chrono::duration<double>(Clock::now() - start).count();
    progress.embeddings_per_second = progress.elapsed_seconds > 0
                                         ? static_cast<double>(progress.embeddings) / progress.elapsed_seconds
                                         : 0;
    if (progress.bytes_done > 0 && progress.bytes_total >= progress.bytes_done) {
      progress.eta_seconds = progress.elapsed_seconds / static_cast<double>(progress.bytes_done) *
                             static_cast<double>(progress.bytes_total - progress.bytes_done);
    }
    if (options_.on_progress) options_.on_progress(progress);
  };

  for (const auto& file : files) {
    options_.cancel.check();
    progress.current = file.string();
    notify();
    const std::string source = file.string();
    const uint64_t bytes = size_of(file);
    // Problems with the file itself are the file's failure; problems of the store or the model stop the run.
    const auto failed = [&](const Error& e) {
      report.failures.push_back({source, e.code(), e.what()});
      progress.bytes_done += bytes;
      ++progress.files_done;
    };
    std::string sha;
    try {
      sha = file_sha256(file);
    } catch (const Error& e) {
      failed(e);
      continue;
    }
    const bool unchanged = store_.count(store::Filter()
                                            .where("source", store::Condition::Op::eq, source)
                                            .where("file_sha256", store::Condition::Op::eq, sha)) > 0;
    std::vector<Document> documents;
    if (!unchanged) {
      try {
        documents = load_file(file, options_.load);
      } catch (const Error& e) {
        failed(e);
        continue;
      }
    }
    if (unchanged) {
      ++report.files_unchanged;
    } else {
      std::vector<store::Record> records;
      std::vector<std::string> texts;  // what is embedded: the heading path, then the chunk
      for (const auto& document : documents) {
        for (auto& [record, text] : chunk_records(document, sha)) {
          records.push_back(std::move(record));
          texts.push_back(std::move(text));
        }
      }
      for (size_t i = 0; i < records.size(); i += options_.embed_batch) {
        options_.cancel.check();
        const size_t end = std::min(records.size(), i + options_.embed_batch);
        const std::vector<std::string> batch(texts.begin() + static_cast<std::ptrdiff_t>(i),
                                             texts.begin() + static_cast<std::ptrdiff_t>(end));
        llm::CallOptions call;
        call.cancel = options_.cancel;
        auto vectors = model_.embed(batch, call);
        if (vectors.size() != batch.size()) {
          throw ProviderError("embedding model returned " + std::to_string(vectors.size()) + " vectors for " +
                                  std::to_string(batch.size()) + " texts",
                              0, "");
        }
        for (size_t j = i; j < end; ++j) records[j].vector = std::move(vectors[j - i]);
        progress.embeddings += end - i;
        notify();
      }
      // Replace the file's old chunks (the file changed, or the chunking did).
      report.chunks_removed +=
          store_.remove_where(store::Filter().where("source", store::Condition::Op::eq, source));
      if (!records.empty()) store_.upsert(records);
      report.chunks_stored += records.size();
      progress.chunks += records.size();
      ++report.files_indexed;
    }
    progress.bytes_done += bytes;
    ++progress.files_done;
  }
  progress.current.clear();
  notify();
  report.elapsed = Clock::now() - start;
  return report;
}

}  // namespace alith::knowledge
