// `alith index PATH... --store REF`: load, chunk, embed and store files, with a progress line on stderr.
// Interrupting it loses at most the file in progress: a second run skips what is stored and goes on.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "alith/core/json.h"
#include "alith/knowledge/embedding_cache.h"
#include "alith/knowledge/indexer.h"
#include "commands.h"
#include "knowledge_options.h"

namespace alith::cli {
namespace {

struct IndexCommand {
  KnowledgeOptions knowledge;
  std::vector<std::string> paths;
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  size_t chunk_tokens = 256;
  size_t overlap_tokens = 32;
  bool json = false;
};

std::string clock_text(double seconds) {
  if (seconds < 0) return "--:--";
  const auto s = static_cast<long>(seconds + 0.5);
  char buffer[32];
  if (s >= 3600) {
    std::snprintf(buffer, sizeof buffer, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%ld:%02ld", s / 60, s % 60);
  }
  return buffer;
}

// Redraws one line on a terminal; elsewhere (logs, CI) prints a line at most every few seconds.
class ProgressLine {
 public:
  ProgressLine() : tty_(isatty(STDERR_FILENO) == 1) {}

  void update(const knowledge::IndexProgress& p) {
    const auto now = std::chrono::steady_clock::now();
    const bool last = p.files_done == p.files_total && p.current.empty();
    const auto interval = tty_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(5000);
    if (!last && now - drawn_ < interval) return;
    drawn_ = now;
    char line[256];
    std::snprintf(line, sizeof line, "files %zu/%zu  chunks %zu  %.1f emb/s  elapsed %s  ETA %s",
                  p.files_done, p.files_total, p.chunks, p.embeddings_per_second,
                  clock_text(p.elapsed_seconds).c_str(), clock_text(p.eta_seconds).c_str());
    if (tty_) {
      std::string current = p.current;
      if (current.size() > 40) current = "..." + current.substr(current.size() - 37);
      std::cerr << "\r\033[K" << line << "  " << current << std::flush;
      if (last) std::cerr << "\n";
    } else {
      std::cerr << "[index] " << line << "\n";
    }
  }

 private:
  bool tty_;
  std::chrono::steady_clock::time_point drawn_{};
};

int run_index(const IndexCommand& c) {
  auto model = c.knowledge.make_embedding_model(Config::load());
  auto store = c.knowledge.open_store(*model);
  knowledge::IndexOptions options;
  options.walk.include = c.include;
  options.walk.exclude = c.exclude;
  options.chunk.max_tokens = c.chunk_tokens;
  options.chunk.overlap_tokens = c.overlap_tokens;
  ProgressLine progress;
  if (!c.json) options.on_progress = [&](const knowledge::IndexProgress& p) { progress.update(p); };
  knowledge::Indexer indexer(*store, *model, options);
  const auto report = indexer.index({c.paths.begin(), c.paths.end()});

  const auto* cached = dynamic_cast<const knowledge::CachedEmbeddingModel*>(model.get());
  if (c.json) {
    Json failures = Json::array();
    for (const auto& f : report.failures)
      failures.push_back({{"source", f.source}, {"code", to_string(f.code)}, {"message", f.message}});
    Json out = {{"store", store->ref()},
                {"files_indexed", report.files_indexed},
                {"files_unchanged", report.files_unchanged},
                {"chunks_stored", report.chunks_stored},
                {"chunks_removed", report.chunks_removed},
                {"records", store->count()},
                {"seconds", report.elapsed.count()},
                {"failures", failures}};
    if (cached) out["embedding_cache"] = {{"hits", cached->hits()}, {"misses", cached->misses()}};
    std::cout << dump_json(out, 2) << "\n";
  } else {
    std::cout << "indexed " << report.files_indexed << " files (" << report.files_unchanged << " unchanged, "
              << report.failures.size() << " failed): " << report.chunks_stored << " chunks stored, "
              << report.chunks_removed << " replaced, " << store->count() << " in " << store->ref() << " ("
              << clock_text(report.elapsed.count()) << ")\n";
    if (cached && cached->hits() > 0) std::cout << "embedding cache: " << cached->hits() << " hits\n";
    for (const auto& f : report.failures)
      std::cout << "failed: " << f.source << ": " << to_string(f.code) << ": " << f.message << "\n";
  }
  return report.failures.empty() ? 0 : 1;
}

}  // namespace

Command add_index(CLI::App& app) {
  auto c = std::make_shared<IndexCommand>();
  auto* sub = app.add_subcommand("index", "Index files and directories into a vector store (resumable)");
  sub->add_option("paths", c->paths, "Files and directories")->required();
  c->knowledge.add_to(*sub, true);
  sub->add_option("--include", c->include, "Glob of files to index (default: every supported format)");
  sub->add_option("--exclude", c->exclude, "Glob of files or directories to skip");
  sub->add_option("--chunk-tokens", c->chunk_tokens, "Chunk size in tokens of the embedding model")
      ->capture_default_str()
      ->check(CLI::Range(8, 8192));
  sub->add_option("--overlap-tokens", c->overlap_tokens, "Tokens repeated between chunks")
      ->capture_default_str();
  sub->add_flag("--json", c->json, "Print the report as JSON (no progress line)");
  return [c] { return run_index(*c); };
}

}  // namespace alith::cli
