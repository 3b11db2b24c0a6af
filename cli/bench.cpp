// `alith bench --model local:NAME`: prompt-processing and generation speed of a local model in-process,
// measured the way llama-bench measures them (a fresh prompt of N tokens; M generated tokens), so the figures
// compare.

#include <algorithm>
#include <iomanip>
#include <iostream>

#include "alith/core/error.h"
#include "alith/core/json.h"
#include "alith/inference/devices.h"
#include "alith/inference/engine.h"
#include "alith/inference/local_model.h"
#include "alith/llm/registry.h"
#include "commands.h"

namespace alith::cli {
namespace {

struct BenchOptions {
  std::string model;
  int prompt_tokens = 512;
  int gen_tokens = 128;
  int threads = 0;
  int repetitions = 3;
  bool json = false;
};

double per_second(int tokens, std::chrono::nanoseconds elapsed) {
  return elapsed.count() > 0 ? tokens * 1e9 / static_cast<double>(elapsed.count()) : 0.0;
}

int run_bench(const BenchOptions& o) {
  const auto ref = llm::ModelRef::parse(o.model);
  if (ref.provider != "local")
    throw InvalidArgumentError("alith bench measures local models: --model local:NAME");
  auto model = inference::Model::load(inference::resolve_model_path(ref.model));
  inference::EngineOptions eo;
  eo.sequences = 1;
  eo.context_per_sequence = o.prompt_tokens + o.gen_tokens + 16;
  eo.threads = o.threads;
  auto engine = inference::Engine::create(model, eo);

  // A prompt of exactly prompt_tokens tokens from repeated prose.
  std::vector<inference::Token> prompt =
      engine->tokenize("The quick brown fox jumps over the lazy dog.", true);
  const auto filler = engine->tokenize(" The quick brown fox jumps over the lazy dog.", false);
  while (static_cast<int>(prompt.size()) < o.prompt_tokens)
    prompt.insert(prompt.end(), filler.begin(), filler.end());
  prompt.resize(static_cast<size_t>(o.prompt_tokens));

  std::vector<double> pp, tg;
  for (int rep = 0; rep < o.repetitions; ++rep) {
    auto session = engine->open_session();  // a fresh slot each time: nothing reused
    session->clear();
    inference::GenerateRequest r;
    r.prompt = prompt;
    r.sampling.temperature = 0;
    r.max_tokens = o.gen_tokens;
    r.ignore_eos = true;
    const auto result = session->generate(r);
    pp.push_back(per_second(result.stats.evaluated_tokens, result.stats.prefill));
    // The first generated token comes out of the prefill; the rest are one decode step each.
    tg.push_back(per_second(result.stats.generated_tokens - 1, result.stats.decode));
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  const auto& meta = model->metadata();
  if (o.json) {
    Json out = {{"model", o.model},
                {"description", meta.description},
                {"threads", engine->options().threads},
                {"prompt_tokens", o.prompt_tokens},
                {"gen_tokens", o.gen_tokens},
                {"prefill_tokens_per_s", median(pp)},
                {"decode_tokens_per_s", median(tg)}};
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::cout << meta.description << ", " << engine->options().threads << " threads, median of "
            << o.repetitions << "\n"
            << std::fixed << std::setprecision(1) << "  prefill pp" << o.prompt_tokens << ": " << median(pp)
            << " tokens/s\n"
            << "  decode  tg" << o.gen_tokens << ": " << median(tg) << " tokens/s\n";
  return 0;
}

}  // namespace

Command add_bench(CLI::App& app) {
  auto o = std::make_shared<BenchOptions>();
  auto* sub = app.add_subcommand("bench", "Measure a local model's prefill and decode tokens/s");
  sub->add_option("-m,--model", o->model, "local:NAME or local:/path/model.gguf")->required();
  sub->add_option("-p,--prompt-tokens", o->prompt_tokens, "Prompt length")->check(CLI::Range(1, 32768));
  sub->add_option("-n,--gen-tokens", o->gen_tokens, "Tokens to generate")->check(CLI::Range(2, 32768));
  sub->add_option("-t,--threads", o->threads, "Threads (default: physical cores)");
  sub->add_option("-r,--repetitions", o->repetitions, "Runs (the median is printed)")
      ->check(CLI::Range(1, 100));
  sub->add_flag("--json", o->json, "Print JSON");
  return [o] { return run_bench(*o); };
}

}  // namespace alith::cli
