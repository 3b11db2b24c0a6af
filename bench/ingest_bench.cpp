// Knowledge ingest and embedding throughput with the local MiniLM (all-MiniLM-L6-v2 GGUF, `local:minilm`),
// measured in one run. Not a Google Benchmark program: each line of the final table is one figure of alith,
// the reference it is compared with in this same run, their ratio (>1: alith better) and the goal.
//
//   1. ingest: a generated corpus of text and Markdown files -> knowledge::Indexer -> a SQLite store in a
//      temporary folder: files/s, chunks/s, embeddings/s, against the embedding calls alone (how much the
//      pipeline costs around the model); chunking alone (split_document with the model's tokenizer); a second
//      run over the unchanged tree (one hash and one store lookup per file).
//   2. embedding texts/s of alith's Embedder (in-process llama.cpp) against sentence-transformers (PyTorch on
//      the CPU) on the same texts, with the same model and thread count: chunk-sized texts (100-200 tokens)
//      and short ones (~20 tokens). The vectors of a sample are compared (cosine) so both computed the same
//      thing. Goal: alith >= 2x.
//
// Usage: ingest_bench [--quick] [--threads N] [--reps N] [--files N] [--texts N] [--python PATH] [--no-st]
//                     [--only 12] [--keep] [--batch-tokens N] [--pack-tokens N] [--max-sequences N]
//                     [--model GGUF] [--backend auto|llama|onednn]
// --quick: tiny sizes for a smoke run. --python: the interpreter of the sentence-transformers venv (also
// $ALITH_BENCH_PYTHON); by default scripts/bench-venv is run, which creates it on first use (PyTorch's
// wheels: a few GB). --no-st: skip the comparison. --keep: leave the temporary folder for inspection.
// --batch-tokens, --max-sequences: EmbedderOptions other than the defaults. --model: another GGUF of the
// same model (e.g. F32; default: the catalog's `minilm`); sentence-transformers always loads the original.
// --backend: the Embedder's backend (default auto: the oneDNN encoder for BERT models where alith has it).
// When that is not llama.cpp, section 2 also times alith's llama.cpp backend on the same texts, for
// reference. The machine is shared and noisy: read the ratios, not the absolute numbers; the two sides of
// section 2 are measured alternately, rep by rep, and the best of each is kept.

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "alith/core/json.h"
#include "alith/inference/devices.h"
#include "alith/inference/local_model.h"
#include "alith/knowledge/chunker.h"
#include "alith/knowledge/indexer.h"
#include "alith/knowledge/loader.h"
#include "alith/store/vector_store.h"

#ifndef ALITH_SOURCE_DIR
#define ALITH_SOURCE_DIR "."
#endif

namespace {

namespace fs = std::filesystem;
using namespace alith;
using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

struct Options {
  bool quick = false;
  bool st = true;
  bool keep = false;
  int threads = 0;
  int reps = 2;
  int files = 300;
  int texts = 2000;
  inference::EmbedderOptions embedder;  // threads is set from `threads`
  std::string python;
  std::string model = "minilm";  // a catalog name or a GGUF path
  std::string only = "12";
};

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

// ---------------------------------------------------------------------------------------------------------------
// Results table

struct Row {
  std::string what;
  std::string alith;
  std::string reference;
  double ratio = 0;  // > 1: alith better
  double goal = 0;   // 0: information only
  bool measured = true;
};
std::vector<Row> g_rows;

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

void add_row(std::string what, std::string a, std::string ref, double ratio, double goal) {
  std::printf("  -> %s: alith %s vs %s: %.3fx%s\n", what.c_str(), a.c_str(), ref.c_str(), ratio,
              goal > 0 ? fmt(" (goal >= %.2fx)", goal).c_str() : "");
  std::fflush(stdout);
  g_rows.push_back({std::move(what), std::move(a), std::move(ref), ratio, goal, true});
}
// A figure with no reference of its own.
void add_figure(std::string what, std::string a) {
  g_rows.push_back({std::move(what), std::move(a), "-", 0, 0, true});
}
void add_missing(std::string what, const std::string& why, double goal) {
  std::printf("  -> %s: not measured (%s)\n", what.c_str(), why.c_str());
  std::fflush(stdout);
  g_rows.push_back({std::move(what), "-", why, 0, goal, false});
}

// ---------------------------------------------------------------------------------------------------------------
// Deterministic English-like text: words from a fixed list, drawn by a seeded mt19937 (whose output sequence
// the standard fixes; the distributions are not fixed, so none is used).

constexpr const char* kWords[] = {
    "the",        "a",          "of",        "and",         "to",        "in",        "is",       "that",
    "for",        "it",         "with",      "as",          "on",        "by",        "this",     "from",
    "at",         "or",         "which",     "be",          "are",       "was",       "can",      "each",
    "when",       "their",      "more",      "than",        "its",       "into",      "after",    "before",
    "river",      "mountain",   "library",   "bridge",      "orchard",   "harbor",    "market",   "village",
    "engine",     "signal",     "network",   "protocol",    "server",    "client",    "request",  "response",
    "index",      "vector",     "document",  "paragraph",   "sentence",  "section",   "chapter",  "archive",
    "measure",    "build",      "carry",     "describe",    "remember",  "translate", "gather",   "observe",
    "quickly",    "carefully",  "usually",   "rarely",      "together",  "already",   "nearly",   "often",
    "ancient",    "modern",     "quiet",     "bright",      "narrow",    "distant",   "careful",  "simple",
    "farmers",    "engineers",  "travelers", "students",    "merchants", "sailors",   "writers",  "builders",
    "winter",     "summer",     "morning",   "evening",     "harvest",   "journey",   "storm",    "season",
    "stone",      "timber",     "copper",    "glass",       "paper",     "salt",      "wool",     "iron",
    "north",      "south",      "coast",     "valley",      "plain",     "forest",    "island",   "road",
    "record",     "ledger",     "map",       "letter",      "report",    "catalog",   "schedule", "recipe",
    "compute",    "store",      "search",    "retrieve",    "compare",   "encode",    "compress", "verify",
    "question",   "answer",     "reason",    "evidence",    "pattern",   "detail",    "summary",  "example",
    "people",     "town",       "family",    "council",     "workshop",  "school",    "guild",    "museum",
    "although",   "because",    "while",     "until",       "unless",    "since",     "whereas",  "so",
    "seven",      "twelve",     "hundred",   "thousand",    "first",     "second",    "last",     "several",
    "lighthouse", "clockmaker", "beekeeper", "glassblower", "mapmaker",  "baker",     "ferry",    "bell",
    "careless",   "generous",   "patient",   "stubborn",    "curious",   "honest",    "tired",    "eager",
    "opened",     "closed",     "repaired",  "painted",     "counted",   "written",   "sold",     "found",
    "under",      "over",       "between",   "across",      "along",     "behind",    "beyond",   "within",
    "water",      "light",      "sound",     "weight",      "distance",  "price",     "name",     "history",
};
constexpr size_t kWordCount = sizeof kWords / sizeof kWords[0];

class TextGenerator {
 public:
  explicit TextGenerator(uint32_t seed) : rng_(seed) {}

  size_t below(size_t n) { return static_cast<size_t>(rng_() % n); }
  size_t between(size_t lo, size_t hi) { return lo + below(hi - lo + 1); }

  std::string sentence() {
    std::string s;
    const size_t n = between(6, 18);
    for (size_t i = 0; i < n; ++i) {
      std::string w = kWords[below(kWordCount)];
      if (i == 0) w[0] = static_cast<char>(w[0] - 'a' + 'A');
      if (i > 0) s += (i > 3 && below(9) == 0) ? ", " : " ";
      s += w;
    }
    return s + (below(12) == 0 ? "?" : ".");
  }
  std::string paragraph() {
    std::string p;
    const size_t n = between(3, 7);
    for (size_t i = 0; i < n; ++i) p += (i ? " " : "") + sentence();
    return p;
  }
  std::string title() {
    std::string t = kWords[between(32, kWordCount - 1)];
    t[0] = static_cast<char>(t[0] - 'a' + 'A');
    return t + " and the " + kWords[between(32, kWordCount - 1)];
  }

 private:
  std::mt19937 rng_;
};

// A file of 2..16 paragraphs (about 100 to 1,700 words). Markdown files have a title, sections with
// headings, and now and then a list or a fenced code block; text files are plain paragraphs.
std::string corpus_file(TextGenerator& g, bool markdown) {
  std::string out;
  const size_t paragraphs = g.between(2, 16);
  if (markdown) out += "# " + g.title() + "\n\n";
  for (size_t i = 0; i < paragraphs; ++i) {
    if (markdown && i > 0 && g.below(3) == 0) out += "## " + g.title() + "\n\n";
    out += g.paragraph() + "\n\n";
    if (markdown && g.below(8) == 0) {
      for (size_t k = 0, n = g.between(2, 5); k < n; ++k) out += "- " + g.sentence() + "\n";
      out += "\n";
    }
    if (markdown && g.below(12) == 0) out += "```\nrun --input " + g.title() + " --count 12\n```\n\n";
  }
  return out;
}

void write_corpus(const fs::path& dir, int files) {
  TextGenerator g(20261125);
  for (int i = 0; i < files; ++i) {
    const bool markdown = i % 2 == 0;
    char name[64];
    std::snprintf(name, sizeof name, "part-%02d/doc-%04d.%s", i / 50, i, markdown ? "md" : "txt");
    const fs::path path = dir / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << corpus_file(g, markdown);
  }
}

// Texts of [lo, hi] tokens of the model (a target drawn per text, sentences added until it is reached).
std::vector<std::string> sized_texts(const llm::EmbeddingModel& model, size_t count, size_t lo, size_t hi,
                                     uint32_t seed) {
  TextGenerator g(seed);
  std::vector<std::string> out;
  out.reserve(count);
  while (out.size() < count) {
    const size_t target = g.between(lo, hi);
    std::string text;
    while (model.count_tokens(text).value_or(0) < target) text += (text.empty() ? "" : " ") + g.sentence();
    if (model.count_tokens(text).value_or(0) <= hi + 12) out.push_back(std::move(text));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// An EmbeddingModel that forwards to another and adds up the time spent in it, so the ingest figures can be
// set against the embedding work they contain.

class TimedEmbeddingModel : public llm::EmbeddingModel {
 public:
  explicit TimedEmbeddingModel(llm::EmbeddingModel& inner) : inner_(inner) {}
  std::vector<std::vector<float>> embed(const std::vector<std::string>& inputs,
                                        const llm::CallOptions& options = {}) override {
    const auto t0 = Clock::now();
    auto out = inner_.embed(inputs, options);
    seconds_ += since(t0);
    texts_ += inputs.size();
    ++calls_;
    return out;
  }
  std::string id() const override { return inner_.id(); }
  std::optional<size_t> count_tokens(std::string_view text) const override {
    return inner_.count_tokens(text);
  }
  std::optional<size_t> max_input_tokens() const override { return inner_.max_input_tokens(); }

  double seconds() const { return seconds_; }
  size_t texts() const { return texts_; }
  size_t calls() const { return calls_; }

 private:
  llm::EmbeddingModel& inner_;
  double seconds_ = 0;
  size_t texts_ = 0;
  size_t calls_ = 0;
};

// ---------------------------------------------------------------------------------------------------------------
// 1. Ingest

void bench_ingest(const Options& o, inference::LocalEmbeddingModel& model, const fs::path& work) {
  const fs::path corpus = work / "corpus";
  write_corpus(corpus, o.files);
  uint64_t bytes = 0;
  for (const auto& e : fs::recursive_directory_iterator(corpus))
    if (e.is_regular_file()) bytes += e.file_size();
  std::printf("\n[1] ingest: %d generated files (half Markdown), %.2f MB, into sqlite:%s\n", o.files,
              bytes / 1e6, (work / "kb.db").c_str());
  std::fflush(stdout);

  // Chunking alone: the documents are loaded first (not timed), then split with the model's tokenizer, as
  // the indexer does.
  knowledge::ChunkOptions chunk_options;
  chunk_options.count_tokens = knowledge::token_counter_for(model);
  auto loaded = knowledge::load_paths({corpus});
  if (!loaded.failures.empty()) throw std::runtime_error("corpus: " + loaded.failures.front().message);
  size_t chunks_alone = 0;
  double chunk_seconds = 1e300;
  for (int r = 0; r < std::max(1, o.reps); ++r) {
    size_t n = 0;
    const auto t0 = Clock::now();
    for (const auto& d : loaded.documents) n += knowledge::split_document(d, chunk_options).size();
    chunk_seconds = std::min(chunk_seconds, since(t0));
    chunks_alone = n;
  }
  const double chunking_rate = chunks_alone / chunk_seconds;
  std::printf("  chunking alone: %zu chunks (max %zu tokens, overlap %zu) in %.3f s = %.0f chunks/s\n",
              chunks_alone, chunk_options.max_tokens, chunk_options.overlap_tokens, chunk_seconds,
              chunking_rate);

  store::StoreOptions so;
  so.embedding_model = model.id();
  auto store = store::open_store("sqlite:" + (work / "kb.db").string(), so);
  TimedEmbeddingModel timed(model);
  knowledge::IndexOptions io;
  size_t embeddings = 0;
  io.on_progress = [&](const knowledge::IndexProgress& p) { embeddings = p.embeddings; };
  knowledge::Indexer indexer(*store, timed, io);

  const auto t0 = Clock::now();
  const auto first = indexer.index({corpus});
  const double first_s = since(t0);
  if (!first.failures.empty()) throw std::runtime_error("ingest: " + first.failures.front().message);
  const double files_rate = first.files_indexed / first_s;
  const double chunks_rate = first.chunks_stored / first_s;
  // Progress is reported before each file; the last file's vectors are in the model's count.
  embeddings = std::max(embeddings, timed.texts());
  const double embed_rate = embeddings / first_s;
  const double embed_only_rate = timed.texts() / timed.seconds();
  std::printf(
      "  first run: %zu files, %zu chunks, %zu embeddings in %.2f s = %.1f files/s, %.1f chunks/s, %.1f "
      "embeddings/s\n",
      first.files_indexed, first.chunks_stored, embeddings, first_s, files_rate, chunks_rate, embed_rate);
  std::printf(
      "  of which embedding: %.2f s in %zu calls (batch %zu) = %.1f embeddings/s; the rest %.2f s (%.1f%%)\n",
      timed.seconds(), timed.calls(), io.embed_batch, embed_only_rate, first_s - timed.seconds(),
      100.0 * (first_s - timed.seconds()) / first_s);
  std::fflush(stdout);

  const size_t calls_before = timed.calls();
  const auto t1 = Clock::now();
  const auto second = indexer.index({corpus});
  const double second_s = since(t1);
  std::printf(
      "  second run (unchanged): %zu unchanged, %zu indexed, %zu embedding calls in %.3f s = %.2f ms per "
      "file\n",
      second.files_unchanged, second.files_indexed, timed.calls() - calls_before, second_s,
      1e3 * second_s / std::max<size_t>(1, second.files_unchanged));
  if (second.files_unchanged != first.files_indexed)
    std::printf("  (!) the second run re-indexed %zu files\n", second.files_indexed);

  add_row("ingest embeddings/s vs the embedding calls alone", fmt("%.1f", embed_rate),
          fmt("%.1f", embed_only_rate), embed_rate / embed_only_rate, 0);
  add_figure("ingest files/s (" + std::to_string(o.files) + " files)", fmt("%.1f", files_rate));
  add_figure("ingest chunks/s", fmt("%.1f", chunks_rate));
  add_row("chunking chunks/s vs ingest chunks/s", fmt("%.0f", chunking_rate), fmt("%.1f", chunks_rate),
          chunking_rate / chunks_rate, 0);
  add_row("unchanged re-run s vs first run s", fmt("%.3f", second_s), fmt("%.2f", first_s),
          first_s / second_s, 0);
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Embedding throughput vs sentence-transformers

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Runs a shell command; returns its stdout, and stderr in *err. Throws with the tail of stderr on failure.
std::string run_capture(const std::string& command, const fs::path& err_file) {
  FILE* p = ::popen((command + " 2>" + quote(err_file.string())).c_str(), "r");
  if (!p) throw std::runtime_error("cannot run " + command);
  std::string out;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int rc = ::pclose(p);
  if (rc != 0) {
    std::ifstream in(err_file);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string e = ss.str();
    if (e.size() > 1500) e = "..." + e.substr(e.size() - 1500);
    throw std::runtime_error("`" + command + "` failed (status " + std::to_string(rc) + "):\n" + e);
  }
  return out;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

double cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    dot += double{a[i]} * b[i];
    na += double{a[i]} * a[i];
    nb += double{b[i]} * b[i];
  }
  return na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : 0;
}

struct TextSet {
  std::string name;
  std::vector<std::string> texts;
  double tokens_mean = 0;
  fs::path file;
  double alith_rate = 0, st_rate = 0;
  std::vector<std::vector<float>> alith_vectors;  // of the last alith run
};

void bench_embedding(const Options& o, inference::LocalEmbeddingModel& model, const fs::path& work) {
  const size_t n = static_cast<size_t>(o.texts);
  std::vector<TextSet> sets(2);
  sets[0].name = "chunks";
  sets[0].texts = sized_texts(model, n, 100, 200, 7);
  sets[1].name = "short";
  sets[1].texts = sized_texts(model, n, 12, 20, 11);
  for (auto& s : sets) {
    size_t tokens = 0;
    for (const auto& t : s.texts) tokens += *model.count_tokens(t);
    s.tokens_mean = static_cast<double>(tokens) / s.texts.size();
    s.file = work / (s.name + ".jsonl");
    std::ofstream out(s.file, std::ios::binary);
    for (const auto& t : s.texts) out << Json(t).dump() << "\n";
  }
  const inference::EmbedderOptions& defaults = o.embedder;
  std::printf(
      "\n[2] embedding texts/s, %d threads: alith Embedder (packs of <= %d texts / %d tokens) vs "
      "sentence-transformers (batch_size 32); best of %d, alternating\n",
      o.threads, defaults.max_sequences, defaults.pack_tokens, o.reps);
  for (const auto& s : sets)
    std::printf("  set %-6s: %zu texts, %.1f tokens on average\n", s.name.c_str(), s.texts.size(),
                s.tokens_mean);
  std::fflush(stdout);

  // The comparison's side: the venv's python and the model's Hugging Face folder.
  std::string python = o.python, model_dir, st_error;
  const fs::path src = ALITH_SOURCE_DIR;
  const fs::path err = work / "stderr.txt";
  if (o.st) {
    try {
      if (python.empty()) {
        std::printf("  running scripts/bench-venv (creates the sentence-transformers venv on first use)\n");
        std::fflush(stdout);
        python = trim(run_capture(quote((src / "scripts/bench-venv").string()), err));
      }
      model_dir = trim(run_capture(quote((src / "scripts/fetch-model").string()) + " minilm", err));
    } catch (const std::exception& e) {
      st_error = e.what();
    }
  } else {
    st_error = "--no-st";
  }
  if (!st_error.empty()) std::printf("  sentence-transformers comparison skipped: %s\n", st_error.c_str());

  std::vector<size_t> sample;
  for (size_t i = 0; i < 8 && i < n; ++i) sample.push_back(i * n / 8);
  std::string sample_arg;
  for (size_t i : sample) sample_arg += (sample_arg.empty() ? "" : ",") + std::to_string(i);

  // alith's llama.cpp backend on the same texts, when the chosen backend is another one.
  std::shared_ptr<inference::LocalEmbeddingModel> llama;
  if (model.embedder().backend_name() != "llama.cpp") {
    inference::EmbedderOptions lo = o.embedder;
    lo.threads = o.threads;
    lo.backend = inference::EmbedderBackend::llama;
    llama = inference::LocalEmbeddingModel::open(o.model, lo);
    llama->embed({"warm-up"});
  }
  std::vector<double> llama_rate(sets.size(), 0.0);

  Json st_last;
  model.embed({"warm-up"});
  for (int r = 0; r < o.reps; ++r) {
    for (size_t i = 0; i < sets.size(); ++i) {
      auto& s = sets[i];
      auto t0 = Clock::now();
      s.alith_vectors = model.embed(s.texts);
      const double rate = s.texts.size() / since(t0);
      s.alith_rate = std::max(s.alith_rate, rate);
      std::printf("  rep %d alith (%s)%*s %-6s: %8.1f texts/s\n", r + 1,
                  model.embedder().backend_name().c_str(),
                  std::max(0, 12 - static_cast<int>(model.embedder().backend_name().size())), "",
                  s.name.c_str(), rate);
      std::fflush(stdout);
      if (!llama) continue;
      t0 = Clock::now();
      llama->embed(s.texts);
      const double lrate = s.texts.size() / since(t0);
      llama_rate[i] = std::max(llama_rate[i], lrate);
      std::printf("  rep %d alith (llama.cpp)    %-6s: %8.1f texts/s\n", r + 1, s.name.c_str(), lrate);
      std::fflush(stdout);
    }
    if (!st_error.empty()) continue;
    try {
      std::string cmd = quote(python) + " " + quote((src / "bench/sentence_transformers_embed.py").string()) +
                        " --model " + quote(model_dir) + " --threads " + std::to_string(o.threads) +
                        " --batch-size 32 --sample " + sample_arg;
      for (const auto& s : sets) cmd += " " + quote(s.name + "=" + s.file.string());
      st_last = Json::parse(run_capture(cmd, err));
      for (const auto& j : st_last["sets"]) {
        for (auto& s : sets) {
          if (s.name != j["name"].get<std::string>()) continue;
          const double rate = j["texts_per_second"].get<double>();
          s.st_rate = std::max(s.st_rate, rate);
          std::printf("  rep %d sentence-transformers %-6s: %8.1f texts/s\n", r + 1, s.name.c_str(), rate);
        }
      }
      std::fflush(stdout);
    } catch (const std::exception& e) {
      st_error = e.what();
      std::printf("  sentence-transformers failed: %s\n", st_error.c_str());
    }
  }

  if (st_error.empty()) {
    std::printf(
        "  sentence-transformers %s, torch %s (%d threads), python %s, model loaded from %s, "
        "max_seq_length %d\n",
        st_last.value("sentence_transformers", std::string("?")).c_str(),
        st_last.value("torch", std::string("?")).c_str(), st_last.value("threads", 0),
        st_last.value("python", std::string("?")).c_str(),
        st_last.value("loaded_as", std::string("?")).c_str(), st_last.value("max_seq_length", 0));
  }
  double min_cos = 2;
  for (size_t i = 0; llama && i < sets.size(); ++i) {
    add_row("embed texts/s, " + sets[i].name + ", " + model.embedder().backend_name() +
                " vs alith's llama.cpp backend",
            fmt("%.1f", sets[i].alith_rate), fmt("%.1f", llama_rate[i]), sets[i].alith_rate / llama_rate[i],
            0);
  }
  for (auto& s : sets) {
    const std::string what = "embed texts/s, " + s.name + " (" + fmt("%.0f", s.tokens_mean) + " tokens)";
    if (!st_error.empty()) {
      std::printf("  alith %s: %.1f texts/s\n", s.name.c_str(), s.alith_rate);
      add_missing(what + " vs sentence-transformers", st_error.substr(0, st_error.find('\n')), 2.0);
      continue;
    }
    for (const auto& j : st_last["sets"]) {
      if (s.name != j["name"].get<std::string>()) continue;
      for (const auto& [key, vec] : j["sample"].items()) {
        const double c = cosine(s.alith_vectors.at(std::stoul(key)), vec.get<std::vector<float>>());
        min_cos = std::min(min_cos, c);
      }
    }
    add_row(what + " vs sentence-transformers", fmt("%.1f", s.alith_rate), fmt("%.1f", s.st_rate),
            s.alith_rate / s.st_rate, 2.0);
  }
  if (st_error.empty()) {
    std::printf("  vectors of %zu sampled texts per set: lowest cosine alith vs sentence-transformers %.6f\n",
                sample.size(), min_cos);
    add_row("lowest cosine alith vs sentence-transformers vectors", fmt("%.6f", min_cos), "1", min_cos,
            0.999);
  }
}

inference::EmbedderBackend parse_backend(const std::string& name) {
  if (name == "auto") return inference::EmbedderBackend::automatic;
  if (name == "llama") return inference::EmbedderBackend::llama;
  if (name == "onednn") return inference::EmbedderBackend::onednn;
  throw std::runtime_error("--backend must be auto, llama or onednn");
}

int usage() {
  std::fprintf(
      stderr,
      "usage: ingest_bench [--quick] [--threads N] [--reps N] [--files N] [--texts N] [--python PATH]\n"
      "                    [--no-st] [--only 12] [--keep]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  bool files_set = false, texts_set = false, reps_set = false;
  try {
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      auto next = [&]() -> std::string {
        if (i + 1 >= argc) throw std::runtime_error("missing value for " + a);
        return argv[++i];
      };
      if (a == "--quick")
        o.quick = true;
      else if (a == "--no-st")
        o.st = false;
      else if (a == "--keep")
        o.keep = true;
      else if (a == "--threads")
        o.threads = std::stoi(next());
      else if (a == "--reps")
        o.reps = std::stoi(next()), reps_set = true;
      else if (a == "--files")
        o.files = std::stoi(next()), files_set = true;
      else if (a == "--texts")
        o.texts = std::stoi(next()), texts_set = true;
      else if (a == "--batch-tokens")
        o.embedder.batch_tokens = std::stoi(next());
      else if (a == "--pack-tokens")
        o.embedder.pack_tokens = std::stoi(next());
      else if (a == "--max-sequences")
        o.embedder.max_sequences = std::stoi(next());
      else if (a == "--model")
        o.model = next();
      else if (a == "--backend")
        o.embedder.backend = parse_backend(next());
      else if (a == "--python")
        o.python = next();
      else if (a == "--only")
        o.only = next();
      else if (a.rfind("--benchmark_", 0) == 0)
        continue;  // scripts/bench passes Google Benchmark flags to all
      else
        return usage();
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return usage();
  }
  if (const char* p = std::getenv("ALITH_BENCH_PYTHON"); p && *p && o.python.empty()) o.python = p;
  if (o.threads <= 0) o.threads = inference::default_threads();
  if (o.quick) {
    if (!files_set) o.files = 12;
    if (!texts_set) o.texts = 48;
    if (!reps_set) o.reps = 1;
  }
  if (o.files < 1 || o.texts < 1 || o.reps < 1) return usage();

  std::string pattern = (fs::temp_directory_path() / "alith-ingest-bench-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) {
    std::fprintf(stderr, "cannot create a temporary folder\n");
    return 1;
  }
  const fs::path work = pattern;
  int rc = 0;
  const auto start = Clock::now();
  try {
    inference::EmbedderOptions eo = o.embedder;
    eo.threads = o.threads;
    auto model = inference::LocalEmbeddingModel::open(o.model, eo);
    std::printf(
        "model %s (%d dimensions, %zu tokens at most), embedder backend %s, %d threads, load average %s%s\n",
        inference::resolve_model_path(o.model).c_str(), model->dimensions(),
        model->max_input_tokens().value_or(0), model->embedder().backend_name().c_str(), o.threads,
        load_average().c_str(), o.quick ? ", quick" : "");
    std::fflush(stdout);
    if (o.only.find('1') != std::string::npos) bench_ingest(o, *model, work);
    if (o.only.find('2') != std::string::npos) bench_embedding(o, *model, work);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ingest_bench: %s\n", e.what());
    rc = 1;
  }

  std::printf("\n%-60s %12s %12s %9s %8s  %s\n", "figure", "alith", "reference", "ratio", "goal", "");
  for (const auto& r : g_rows) {
    if (!r.measured) {
      std::printf("%-60s %12s %12s %9s %7.2fx  not measured: %s\n", r.what.c_str(), "-", "-", "-", r.goal,
                  r.reference.c_str());
      continue;
    }
    const bool info = r.goal <= 0;
    std::printf("%-60s %12s %12s %s %s  %s\n", r.what.c_str(), r.alith.c_str(), r.reference.c_str(),
                r.ratio > 0 ? fmt("%8.3fx", r.ratio).c_str() : "        -",
                info ? "    info" : fmt("%7.3fx", r.goal).c_str(),
                info ? "" : (r.ratio >= r.goal ? "met" : "MISSED"));
  }
  std::printf(
      "(ratio > 1: alith better; goals judged on this run of a noisy machine; load average now %s; %.0f s in "
      "all)\n",
      load_average().c_str(), since(start));
  std::error_code ec;
  if (o.keep)
    std::printf("kept %s\n", work.c_str());
  else
    fs::remove_all(work, ec);
  return rc;
}
