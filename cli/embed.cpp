// `alith embed --model REF [TEXT...]`: sentence embeddings from the command line. Texts come from the
// arguments, or one per line from stdin when none are given. Local models (local:NAME or local:/path.gguf)
// run in-process with a choice of pooling and normalization; any other provider goes through its
// embeddings API.

#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include "alith/core/config.h"
#include "alith/core/error.h"
#include "alith/core/json.h"
#include "alith/inference/local_model.h"
#include "alith/llm/registry.h"
#include "commands.h"

namespace alith::cli {
namespace {

struct EmbedOptions {
  std::string model;
  std::string pooling;  // empty: the model's own
  bool no_normalize = false;
  bool json = false;
  int threads = 0;
  std::string backend = "auto";
  std::vector<std::string> texts;
};

inference::Pooling parse_pooling(const std::string& name) {
  if (name.empty()) return inference::Pooling::model_default;
  if (name == "mean") return inference::Pooling::mean;
  if (name == "cls") return inference::Pooling::cls;
  if (name == "last") return inference::Pooling::last;
  throw InvalidArgumentError("--pooling must be mean, cls or last, not '" + name + "'");
}

std::vector<std::string> read_stdin_lines() {
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      throw InvalidArgumentError("line " + std::to_string(lines.size() + 1) +
                                 " of stdin is empty; give one non-empty text per line");
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

int run_embed(EmbedOptions& o) {
  const auto ref = llm::ModelRef::parse(o.model);
  std::vector<std::string> texts = o.texts.empty() ? read_stdin_lines() : o.texts;
  if (texts.empty()) throw InvalidArgumentError("nothing to embed: give TEXT arguments or lines on stdin");

  std::shared_ptr<llm::EmbeddingModel> model;
  if (ref.provider == "local") {
    inference::EmbedderOptions eo;
    eo.pooling = parse_pooling(o.pooling);
    eo.normalize = !o.no_normalize;
    eo.threads = o.threads;
    eo.backend = o.backend == "llama"    ? inference::EmbedderBackend::llama
                 : o.backend == "onednn" ? inference::EmbedderBackend::onednn
                                         : inference::EmbedderBackend::automatic;
    model = inference::LocalEmbeddingModel::open(ref.model, eo);
  } else {
    if (!o.pooling.empty() || o.no_normalize || o.backend != "auto") {
      throw InvalidArgumentError("--pooling, --no-normalize and --backend apply to local: models only; " +
                                 ref.provider + " decides them itself");
    }
    model = llm::make_embedding_model(o.model, Config::load());
  }
  const auto vectors = model->embed(texts);
  if (vectors.size() != texts.size()) {
    throw Error(ErrorCode::provider, "the model returned " + std::to_string(vectors.size()) +
                                         " embeddings for " + std::to_string(texts.size()) + " texts");
  }
  const size_t dims = vectors.empty() ? 0 : vectors.front().size();

  if (o.json) {
    Json out = {{"model", o.model}, {"dimensions", dims}, {"embeddings", vectors}};
    std::cout << out.dump() << "\n";
    return 0;
  }
  constexpr size_t kShown = 6;
  constexpr size_t kTextShown = 60;
  std::cout << std::fixed << std::setprecision(4);
  for (size_t i = 0; i < vectors.size(); ++i) {
    const auto& v = vectors[i];
    std::cout << v.size() << " [";
    for (size_t j = 0; j < std::min(kShown, v.size()); ++j) std::cout << (j ? ", " : "") << v[j];
    if (v.size() > kShown) std::cout << ", ...";
    std::string shown = texts[i].substr(0, kTextShown);
    if (texts[i].size() > kTextShown) shown += "...";
    std::cout << "]  " << shown << "\n";
  }
  return 0;
}

}  // namespace

Command add_embed(CLI::App& app) {
  auto o = std::make_shared<EmbedOptions>();
  auto* sub = app.add_subcommand("embed", "Embed texts (arguments, or one per line on stdin)");
  sub->add_option("-m,--model", o->model, "local:NAME, local:/path/model.gguf or provider:model")->required();
  sub->add_option("--pooling", o->pooling, "Pooling of a local model (default: the model's own)")
      ->check(CLI::IsMember({"mean", "cls", "last"}));
  sub->add_flag("--no-normalize", o->no_normalize, "Keep raw pooled vectors (local models)");
  sub->add_flag("--json", o->json, R"(Print {"model","dimensions","embeddings"} as JSON)");
  sub->add_option("-t,--threads", o->threads, "Threads of a local model (default: physical cores)");
  sub->add_option("--backend", o->backend,
                  "What computes a local model's vectors: auto (the oneDNN encoder for BERT models, else "
                  "llama.cpp), llama or onednn")
      ->check(CLI::IsMember({"auto", "llama", "onednn"}));
  sub->add_option("texts", o->texts, "Texts to embed (default: one per line from stdin)");
  return [o] { return run_embed(*o); };
}

}  // namespace alith::cli
