#pragma once

// The generation engine: one llama.cpp context over one shared Model, serving many sequences at once.
//
// Each sequence ("slot") keeps the KV cache of the tokens it last evaluated. A request is placed on the free
// slot whose cached tokens share the longest prefix with its prompt, so a conversation's next turn evaluates
// only the tokens after that prefix (the rest of the slot is trimmed). A Session reserves a slot for one
// conversation and can save its KV state to a file and restore it later.
//
// Continuous batching: one scheduler thread owns the context. Each step it puts the next token of every
// generating sequence and chunks of pending prompts into one batch and decodes them together; a request that
// arrives joins at the next step, and no request waits for another's whole reply.
//
// Thread-safe: generate() may be called from any number of threads; each call blocks until its reply is done.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alith/core/cancel.h"
#include "alith/inference/model.h"

namespace alith::inference {

using Token = int32_t;

struct EngineOptions {
  int sequences = 4;             // slots decoded together; more concurrent requests queue
  int context_per_sequence = 0;  // tokens each slot can hold; 0: min(the model's training context, 4096)
  int batch_size = 512;          // tokens per decode step (prompt chunks + one token per generating slot)
  int threads = 0;               // generation threads; 0: default_threads()
  int threads_batch = 0;         // prompt-processing threads; 0: same as threads
  bool flash_attention = false;  // llama.cpp's flash attention (auto-disabled where unsupported)
  // Keep the whole sliding-window KV for SWA models (Gemma 3): without it a slot cannot be trimmed back to an
  // earlier prefix, and every turn would be evaluated from scratch.
  bool full_swa_cache = true;
};

// Sampling, applied in llama.cpp's order: penalties, top-k, top-p, min-p, temperature, then the draw. Greedy
// when temperature <= 0. A fixed seed makes a sampled run repeatable.
struct SamplingParams {
  float temperature = 0.8f;
  int top_k = 40;  // <= 0: whole vocabulary
  float top_p = 0.95f;
  float min_p = 0.05f;
  float repeat_penalty = 1.0f;     // 1: off
  float frequency_penalty = 0.0f;  // 0: off
  float presence_penalty = 0.0f;   // 0: off
  int penalty_last_n = 64;
  std::optional<uint32_t> seed;  // none: random
};

// A grammar that constrains what may be sampled.
struct Constraint {
  std::string gbnf;  // GBNF; empty: unconstrained
  // Lazy grammars let free text through until a trigger word or pattern appears (e.g. a tool-call opener),
  // then constrain the rest; used for tool calls under tool_choice auto.
  bool lazy = false;
  std::vector<std::string> trigger_words;
  std::vector<std::string> trigger_patterns;       // regex, matched anywhere in the output so far
  std::vector<std::string> trigger_patterns_full;  // regex, matched against the whole output
  std::vector<std::string> preserved_tokens;       // special tokens the grammar may emit as one token
  std::string generation_prompt;                   // text the template already put after the prompt

  static Constraint from_gbnf(std::string grammar);
  // Errors: SchemaError when the schema cannot be turned into a grammar.
  static Constraint from_json_schema(const std::string& schema_json);
};

enum class StopReason { end_of_generation, stop_string, max_tokens, context_full, cancelled };
std::string_view to_string(StopReason reason) noexcept;

struct GenerateRequest {
  std::vector<Token> prompt;  // from Engine::tokenize (must not be empty)
  SamplingParams sampling;
  Constraint constraint;
  int max_tokens = 256;  // <= 0: until the context is full
  std::vector<std::string> stop;
  bool ignore_eos = false;  // never sample end-of-generation tokens (benchmarks: a fixed number of tokens)
  CancelToken cancel;       // checked between tokens
  // Called on the scheduler thread with each new piece of text: always whole UTF-8 characters, never text of
  // a stop string. Keep it short; it delays the other sequences' next step.
  std::function<void(std::string_view piece)> on_text;
};

struct GenerateStats {
  int prompt_tokens = 0;
  int reused_tokens = 0;     // prompt tokens found in the slot's KV cache (not evaluated again)
  int evaluated_tokens = 0;  // prompt tokens evaluated for this request
  int generated_tokens = 0;
  std::chrono::nanoseconds queued{0};   // waiting for a free slot
  std::chrono::nanoseconds prefill{0};  // admission to the first sampled token
  std::chrono::nanoseconds decode{0};   // first sampled token to the end
};

struct GenerateResult {
  std::string text;  // stop string excluded
  std::vector<Token> tokens;
  StopReason reason = StopReason::end_of_generation;
  GenerateStats stats;
};

class Session;

class Engine : public std::enable_shared_from_this<Engine> {
 public:
  // Errors: InvalidArgumentError (bad options), UnsupportedError (an embedding-only model), Error on a
  // context llama.cpp cannot create (e.g. out of memory).
  static std::shared_ptr<Engine> create(std::shared_ptr<const Model> model,
                                        const EngineOptions& options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Runs one request on the best free slot. Errors: InvalidArgumentError (empty prompt, prompt longer than
  // a slot's context), CancelledError is not thrown: a cancelled request returns with StopReason::cancelled.
  GenerateResult generate(const GenerateRequest& request);

  // Reserves a slot for one conversation; blocks while every slot is reserved. The slot returns to the pool
  // (keeping its cache) when the Session is destroyed.
  std::unique_ptr<Session> open_session();

  std::vector<Token> tokenize(std::string_view text, bool add_special = true,
                              bool parse_special = true) const;
  std::string detokenize(const std::vector<Token>& tokens, bool render_special = false) const;

  const Model& model() const noexcept;
  const std::shared_ptr<const Model>& shared_model() const noexcept;
  const EngineOptions& options() const noexcept;  // with defaults resolved
  int context_per_sequence() const noexcept;

  struct Counters {
    uint64_t decode_calls = 0;        // llama_decode steps
    uint64_t batched_tokens = 0;      // tokens over all steps
    uint64_t max_step_sequences = 0;  // most sequences decoded in one step
  };
  Counters counters() const;

  class Impl;

 private:
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  friend class Session;
};

// One conversation pinned to one slot: every generate() reuses the KV cache of the previous one.
class Session {
 public:
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  GenerateResult generate(const GenerateRequest& request);
  // Tokens whose KV state the slot holds (prompt and reply of the last turn, as evaluated).
  std::vector<Token> cached_tokens() const;
  // Saves the slot's KV state and tokens to a file; restore() loads it into this session: any slot of an
  // engine over the same model with the same number of sequences (llama.cpp records the KV stream layout).
  // Errors: IoError, ParseError (a file of another model or layout, or a corrupted one).
  void save(const std::filesystem::path& file) const;
  void restore(const std::filesystem::path& file);
  void clear();  // forget the cache

 private:
  friend class Engine;
  Session(std::shared_ptr<Engine> engine, int slot);
  std::shared_ptr<Engine> engine_;
  int slot_;
};

}  // namespace alith::inference
