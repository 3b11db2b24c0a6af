#include "alith/inference/engine.h"

#include <llama-cpp.h>

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <future>
#include <list>
#include <mutex>
#include <set>
#include <thread>

#include "alith/core/error.h"
#include "alith/inference/devices.h"
#include "backend.h"
#include "common.h"  // llama.cpp common: tokenize, token_to_piece, batch helpers
#include "json-schema-to-grammar.h"
#include "sampling.h"
#include "text_stream.h"

namespace alith::inference {

using Clock = std::chrono::steady_clock;

std::string_view to_string(StopReason reason) noexcept {
  switch (reason) {
    case StopReason::end_of_generation:
      return "end_of_generation";
    case StopReason::stop_string:
      return "stop_string";
    case StopReason::max_tokens:
      return "max_tokens";
    case StopReason::context_full:
      return "context_full";
    case StopReason::cancelled:
      return "cancelled";
  }
  return "unknown";
}

Constraint Constraint::from_gbnf(std::string grammar) {
  Constraint c;
  c.gbnf = std::move(grammar);
  return c;
}

Constraint Constraint::from_json_schema(const std::string& schema_json) {
  try {
    Constraint c;
    c.gbnf = json_schema_to_grammar(common_json::parse(schema_json));
    return c;
  } catch (const std::exception& e) {
    throw SchemaError(std::string("cannot turn the JSON schema into a grammar: ") + e.what());
  }
}

namespace {

struct SamplerDeleter {
  void operator()(common_sampler* s) const noexcept { common_sampler_free(s); }
};
struct BatchOwner {
  llama_batch batch;
  explicit BatchOwner(int n) : batch(llama_batch_init(n, 0, 1)) {}
  ~BatchOwner() { llama_batch_free(batch); }
  BatchOwner(const BatchOwner&) = delete;
  BatchOwner& operator=(const BatchOwner&) = delete;
};

// The index of the largest logit (the first on ties). It runs on the scheduler thread between decodes, while
// the other cores wait, so it is written to vectorize: eight independent running maxima, then a scan for the
// first index that holds the maximum. About 4x faster than std::max_element over a 262k vocabulary.
Token argmax(const float* logits, int n) {
  constexpr int lanes = 8;
  float best[lanes];
  for (int l = 0; l < lanes; ++l) best[l] = -INFINITY;
  int i = 0;
  for (; i + lanes <= n; i += lanes) {
    for (int l = 0; l < lanes; ++l) best[l] = logits[i + l] > best[l] ? logits[i + l] : best[l];
  }
  float top = -INFINITY;
  for (int l = 0; l < lanes; ++l) top = best[l] > top ? best[l] : top;
  for (; i < n; ++i) top = logits[i] > top ? logits[i] : top;
  for (int j = 0; j < n; ++j) {
    if (logits[j] == top) return static_cast<Token>(j);
  }
  return 0;  // every logit NaN
}

size_t common_prefix(const std::vector<Token>& a, const std::vector<Token>& b) {
  const size_t n = std::min(a.size(), b.size());
  size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

}  // namespace

struct Slot {
  llama_seq_id seq = 0;
  std::vector<Token> cache;  // tokens whose KV the sequence holds, in position order
  bool reserved = false;     // pinned by a Session
  bool busy = false;         // a job runs on it
  uint64_t last_used = 0;
};

struct Job {
  const GenerateRequest* request = nullptr;
  int fixed_slot = -1;  // a Session's slot
  std::promise<GenerateResult> done;

  enum class Phase { queued, prefill, generate } phase = Phase::queued;
  int slot = -1;
  size_t next_prompt = 0;  // first prompt token not yet in the batch
  Token next_token = -1;   // sampled, to be evaluated in the next step
  int batch_index = -1;    // where this job's logits are in the current batch
  std::unique_ptr<common_sampler, SamplerDeleter> sampler;
  std::set<Token> render_special;  // preserved tokens, shown as text
  bool fast_greedy = false;        // argmax over the logits, no sampler chain
  detail::TextStream text;
  GenerateResult result;
  Clock::time_point enqueued, admitted, first_token;
  bool finished = false;
  std::exception_ptr callback_error;  // on_text threw
};

class Engine::Impl {
 public:
  Impl(std::shared_ptr<const Model> model, EngineOptions options)
      : model_(std::move(model)), options_(options) {
    detail::ensure_backend();
    if (!model_) throw InvalidArgumentError("Engine::create: no model");
    if (!model_->metadata().has_decoder) {
      throw UnsupportedError("model " + model_->path().string() + " (" + model_->metadata().architecture +
                             ") has no decoder: it can embed but not generate; use an Embedder");
    }
    if (options_.sequences < 1 || options_.sequences > 256) {
      throw InvalidArgumentError("EngineOptions.sequences must be 1..256");
    }
    if (options_.batch_size < 1) throw InvalidArgumentError("EngineOptions.batch_size must be positive");
    if (options_.context_per_sequence <= 0) {
      options_.context_per_sequence = std::min(model_->metadata().context_length, 4096);
    }
    if (options_.threads <= 0) options_.threads = default_threads();
    if (options_.threads_batch <= 0) options_.threads_batch = options_.threads;

    vocab_ = llama_model_get_vocab(model_->raw());
    n_vocab_ = llama_vocab_n_tokens(vocab_);
    for (llama_token t = 0; t < n_vocab_; ++t) {
      if (llama_vocab_is_eog(vocab_, t)) eog_tokens_.push_back(t);
    }
    llama_context_params params = llama_context_default_params();
    params.n_seq_max = static_cast<uint32_t>(options_.sequences);
    params.n_ctx = static_cast<uint32_t>(options_.context_per_sequence) * params.n_seq_max;
    params.n_batch = static_cast<uint32_t>(options_.batch_size);
    params.n_ubatch = params.n_batch;
    params.n_threads = options_.threads;
    params.n_threads_batch = options_.threads_batch;
    params.kv_unified = false;  // each sequence owns its share: one long conversation cannot evict another
    params.swa_full = options_.full_swa_cache;
    params.flash_attn_type =
        options_.flash_attention ? LLAMA_FLASH_ATTN_TYPE_AUTO : LLAMA_FLASH_ATTN_TYPE_DISABLED;
    params.no_perf = true;
    ctx_.reset(llama_init_from_model(model_->raw(), params));
    if (!ctx_) {
      throw Error(ErrorCode::unsupported, "llama.cpp could not create a context of " +
                                              std::to_string(params.n_ctx) + " tokens for " +
                                              model_->path().string() + " (out of memory?)");
    }
    n_ctx_seq_ = static_cast<int>(llama_n_ctx_seq(ctx_.get()));
    slots_.resize(static_cast<size_t>(options_.sequences));
    for (size_t i = 0; i < slots_.size(); ++i) slots_[i].seq = static_cast<llama_seq_id>(i);
    batch_ = std::make_unique<BatchOwner>(options_.batch_size);
    worker_ = std::thread([this] { run(); });
  }

  ~Impl() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (worker_.joinable()) worker_.join();
  }

  GenerateResult generate(const GenerateRequest& request, int fixed_slot) {
    if (request.prompt.empty()) throw InvalidArgumentError("generate: empty prompt");
    if (static_cast<int>(request.prompt.size()) >= n_ctx_seq_) {
      throw InvalidArgumentError("prompt of " + std::to_string(request.prompt.size()) +
                                 " tokens does not fit the context of " + std::to_string(n_ctx_seq_) +
                                 " tokens per sequence (EngineOptions.context_per_sequence)");
    }
    if (request.constraint.gbnf.starts_with("%llguidance")) {
      throw UnsupportedError("llguidance grammars are not built into this llama.cpp");
    }
    auto job = std::make_unique<Job>();
    job->request = &request;
    job->fixed_slot = fixed_slot;
    job->text = detail::TextStream(request.stop);
    job->enqueued = Clock::now();
    auto future = job->done.get_future();
    {
      std::lock_guard lock(mutex_);
      if (stopping_) throw Error(ErrorCode::cancelled, "engine is shutting down");
      queue_.push_back(std::move(job));
    }
    wake_.notify_all();
    return future.get();
  }

  int reserve_slot() {
    std::unique_lock lock(mutex_);
    for (;;) {
      // Prefer an idle slot nobody else is using; least recently used first.
      int best = -1;
      for (size_t i = 0; i < slots_.size(); ++i) {
        const auto& s = slots_[i];
        if (s.reserved || s.busy) continue;
        if (best < 0 || s.last_used < slots_[static_cast<size_t>(best)].last_used) best = static_cast<int>(i);
      }
      if (best >= 0) {
        slots_[static_cast<size_t>(best)].reserved = true;
        return best;
      }
      slot_freed_.wait(lock);
    }
  }

  void release_slot(int slot) {
    {
      std::lock_guard lock(mutex_);
      slots_[static_cast<size_t>(slot)].reserved = false;
    }
    wake_.notify_all();
    slot_freed_.notify_all();
  }

  // Session operations run between decode steps under ctx_mutex_; the session's own slot is never busy then,
  // because a Session is used by one thread at a time.
  std::vector<Token> cached(int slot) {
    std::lock_guard lock(ctx_mutex_);
    return slots_[static_cast<size_t>(slot)].cache;
  }

  void clear(int slot) {
    std::lock_guard lock(ctx_mutex_);
    auto& s = slots_[static_cast<size_t>(slot)];
    llama_memory_seq_rm(llama_get_memory(ctx_.get()), s.seq, -1, -1);
    s.cache.clear();
  }

  void save(int slot, const std::filesystem::path& file) {
    std::lock_guard lock(ctx_mutex_);
    const auto& s = slots_[static_cast<size_t>(slot)];
    if (s.cache.empty()) throw InvalidArgumentError("session has no state to save yet");
    const size_t written =
        llama_state_seq_save_file(ctx_.get(), file.c_str(), s.seq, s.cache.data(), s.cache.size());
    if (written == 0) throw IoError("could not write session state to " + file.string());
  }

  void restore(int slot, const std::filesystem::path& file) {
    std::lock_guard lock(ctx_mutex_);
    auto& s = slots_[static_cast<size_t>(slot)];
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
      throw IoError("session state file not found: " + file.string());
    llama_memory_seq_rm(llama_get_memory(ctx_.get()), s.seq, -1, -1);
    s.cache.clear();
    std::vector<Token> tokens(static_cast<size_t>(n_ctx_seq_));
    size_t count = 0;
    const size_t read =
        llama_state_seq_load_file(ctx_.get(), file.c_str(), s.seq, tokens.data(), tokens.size(), &count);
    if (read == 0) {
      llama_memory_seq_rm(llama_get_memory(ctx_.get()), s.seq, -1, -1);
      throw ParseError(
          "session state in " + file.string() +
          " does not load here: another model, an engine with another number of sequences or a smaller "
          "context, or a corrupted file");
    }
    tokens.resize(count);
    s.cache = std::move(tokens);
  }

  std::vector<Token> tokenize(std::string_view text, bool add_special, bool parse_special) const {
    return common_tokenize(vocab_, std::string(text), add_special, parse_special);
  }

  std::string detokenize(const std::vector<Token>& tokens, bool render_special) const {
    std::string out;
    for (Token t : tokens) out += common_token_to_piece(vocab_, t, render_special);
    return out;
  }

  Counters counters() const {
    std::lock_guard lock(mutex_);
    return counters_;
  }

  std::shared_ptr<const Model> model_;
  EngineOptions options_;
  int n_ctx_seq_ = 0;

 private:
  void run() {
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return stopping_ || !active_.empty() || admissible(); });
        if (stopping_) break;
      }
      std::lock_guard ctx_lock(ctx_mutex_);
      admit();
      if (!active_.empty()) step();
    }
    fail_all("engine is shutting down");
  }

  // Under mutex_: is there a queued job with a slot it could take now?
  bool admissible() const {
    for (const auto& job : queue_) {
      if (job->fixed_slot >= 0) {
        if (!slots_[static_cast<size_t>(job->fixed_slot)].busy) return true;
      } else {
        for (const auto& s : slots_) {
          if (!s.reserved && !s.busy) return true;
        }
      }
    }
    return false;
  }

  void admit() {
    std::vector<std::unique_ptr<Job>> admitted;
    {
      std::lock_guard lock(mutex_);
      for (auto it = queue_.begin(); it != queue_.end();) {
        const int slot = pick_slot(**it);
        if (slot < 0) {
          ++it;
          continue;
        }
        slots_[static_cast<size_t>(slot)].busy = true;
        slots_[static_cast<size_t>(slot)].last_used = ++use_clock_;
        (*it)->slot = slot;
        admitted.push_back(std::move(*it));
        it = queue_.erase(it);
      }
    }
    for (auto& job : admitted) {
      if (start(*job)) active_.push_back(std::move(job));
    }
  }

  // Under mutex_. The session's own slot, or the free shared slot whose cache shares the longest prefix with
  // the prompt (ties: least recently used), so a conversation keeps finding its own KV cache.
  int pick_slot(const Job& job) const {
    if (job.fixed_slot >= 0) return slots_[static_cast<size_t>(job.fixed_slot)].busy ? -1 : job.fixed_slot;
    int best = -1;
    size_t best_prefix = 0;
    for (size_t i = 0; i < slots_.size(); ++i) {
      const auto& s = slots_[i];
      if (s.reserved || s.busy) continue;
      const size_t prefix = common_prefix(s.cache, job.request->prompt);
      const bool better =
          best < 0 || prefix > best_prefix ||
          (prefix == best_prefix && s.last_used < slots_[static_cast<size_t>(best)].last_used);
      if (better) {
        best = static_cast<int>(i);
        best_prefix = prefix;
      }
    }
    return best;
  }

  // Prepares an admitted job: trims its slot to the shared prefix and builds its sampler. False when the job
  // failed (its promise is already set).
  bool start(Job& job) {
    job.admitted = Clock::now();
    job.result.stats.queued = job.admitted - job.enqueued;
    const auto& prompt = job.request->prompt;
    auto& slot = slots_[static_cast<size_t>(job.slot)];
    // At least the last prompt token is evaluated again: its logits are where generation starts.
    size_t keep = std::min(common_prefix(slot.cache, prompt), prompt.size() - 1);
    llama_memory_t mem = llama_get_memory(ctx_.get());
    if (keep < slot.cache.size() && !llama_memory_seq_rm(mem, slot.seq, static_cast<llama_pos>(keep), -1)) {
      llama_memory_seq_rm(mem, slot.seq, -1, -1);  // this memory cannot be cut mid-way: start over
      keep = 0;
    }
    slot.cache.resize(keep);
    job.next_prompt = keep;
    job.result.stats.prompt_tokens = static_cast<int>(prompt.size());
    job.result.stats.reused_tokens = static_cast<int>(keep);
    job.result.stats.evaluated_tokens = static_cast<int>(prompt.size() - keep);
    const auto& sp = job.request->sampling;
    // Plain greedy decoding needs no sampler chain: building llama.cpp's candidate array over a 262k
    // vocabulary and sorting it costs about a millisecond a token, 5% of a decode step for a small model.
    job.fast_greedy = sp.temperature <= 0 && job.request->constraint.gbnf.empty() &&
                      sp.repeat_penalty == 1.0f && sp.frequency_penalty == 0.0f &&
                      sp.presence_penalty == 0.0f;
    if (job.fast_greedy) {
      job.phase = Job::Phase::prefill;
      return true;
    }
    try {
      job.sampler = make_sampler(*job.request, job.render_special);
    } catch (const Error&) {
      finish_with_error(job, std::current_exception());
      return false;
    }
    // Penalties look at recent context, prompt included, as llama-server does.
    const size_t from =
        prompt.size() - std::min(prompt.size(), static_cast<size_t>(std::max(sp.penalty_last_n, 0)));
    for (size_t i = from; i < prompt.size(); ++i) common_sampler_accept(job.sampler.get(), prompt[i], false);
    job.phase = Job::Phase::prefill;
    return true;
  }

  std::unique_ptr<common_sampler, SamplerDeleter> make_sampler(const GenerateRequest& request,
                                                               std::set<Token>& render_special) const {
    common_params_sampling p;
    const auto& s = request.sampling;
    p.temp = s.temperature;
    p.top_k = s.top_k;
    p.top_p = s.top_p;
    p.min_p = s.min_p;
    p.penalty_repeat = s.repeat_penalty;
    p.penalty_freq = s.frequency_penalty;
    p.penalty_present = s.presence_penalty;
    p.penalty_last_n = s.penalty_last_n;
    p.seed = s.seed.value_or(LLAMA_DEFAULT_SEED);
    p.no_perf = true;
    if (request.ignore_eos) {
      for (llama_token t : eog_tokens_) p.logit_bias.push_back({t, -INFINITY});
    }
    const auto& c = request.constraint;
    for (const auto& text : c.preserved_tokens) {
      const auto ids = common_tokenize(vocab_, text, false, true);
      if (ids.size() == 1) {
        p.preserved_tokens.insert(ids[0]);
        render_special.insert(ids[0]);
      }
    }
    if (!c.gbnf.empty()) {
      // A grammar made by the chat template starts after the template's generation prompt, which the sampler
      // must step over; a user's grammar starts at the first generated token.
      p.grammar = common_grammar(
          c.generation_prompt.empty() ? COMMON_GRAMMAR_TYPE_USER : COMMON_GRAMMAR_TYPE_TOOL_CALLS, c.gbnf);
      p.grammar_lazy = c.lazy;
      p.generation_prompt = c.generation_prompt;
      for (const auto& word : c.trigger_words) {
        const auto ids = common_tokenize(vocab_, word, false, true);
        if (ids.size() == 1 && p.preserved_tokens.contains(ids[0])) {
          common_grammar_trigger t{COMMON_GRAMMAR_TRIGGER_TYPE_TOKEN, word, ids[0]};
          p.grammar_triggers.push_back(std::move(t));
        } else {
          p.grammar_triggers.push_back({COMMON_GRAMMAR_TRIGGER_TYPE_WORD, word, LLAMA_TOKEN_NULL});
        }
      }
      for (const auto& pattern : c.trigger_patterns) {
        p.grammar_triggers.push_back({COMMON_GRAMMAR_TRIGGER_TYPE_PATTERN, pattern, LLAMA_TOKEN_NULL});
      }
      for (const auto& pattern : c.trigger_patterns_full) {
        p.grammar_triggers.push_back({COMMON_GRAMMAR_TRIGGER_TYPE_PATTERN_FULL, pattern, LLAMA_TOKEN_NULL});
      }
      if (p.grammar_lazy && p.grammar_triggers.empty()) {
        throw InvalidArgumentError("a lazy grammar needs at least one trigger");
      }
    }
    common_sampler* raw = nullptr;
    try {
      raw = common_sampler_init(model_->raw(), p);
    } catch (const std::exception& e) {
      throw SchemaError(std::string("grammar rejected: ") + e.what());
    }
    if (raw == nullptr) throw SchemaError("grammar rejected by llama.cpp (ALITH_LOG=debug shows where)");
    return std::unique_ptr<common_sampler, SamplerDeleter>(raw);
  }

  // One decode: the next token of every generating job, then prompt chunks within the batch budget.
  void step() {
    auto& batch = batch_->batch;
    common_batch_clear(batch);
    const int budget = options_.batch_size;
    std::vector<std::pair<Job*, int>> added;  // job, tokens it put in this batch
    for (auto& job : active_) {
      job->batch_index = -1;
      if (job->phase != Job::Phase::generate || batch.n_tokens >= budget) continue;
      auto& slot = slots_[static_cast<size_t>(job->slot)];
      job->batch_index = batch.n_tokens;
      common_batch_add(batch, job->next_token, static_cast<llama_pos>(slot.cache.size()), {slot.seq}, true);
      added.emplace_back(job.get(), 1);
    }
    for (auto& job : active_) {
      if (job->phase != Job::Phase::prefill || batch.n_tokens >= budget) continue;
      auto& slot = slots_[static_cast<size_t>(job->slot)];
      const auto& prompt = job->request->prompt;
      const size_t take =
          std::min(prompt.size() - job->next_prompt, static_cast<size_t>(budget - batch.n_tokens));
      for (size_t i = 0; i < take; ++i) {
        const size_t at = job->next_prompt + i;
        const bool last = at + 1 == prompt.size();
        if (last) job->batch_index = batch.n_tokens;
        common_batch_add(batch, prompt[at], static_cast<llama_pos>(slot.cache.size() + i), {slot.seq}, last);
      }
      added.emplace_back(job.get(), static_cast<int>(take));
    }
    if (batch.n_tokens == 0) return;

    const int rc = llama_decode(ctx_.get(), batch);
    {
      std::lock_guard lock(mutex_);
      counters_.decode_calls++;
      counters_.batched_tokens += static_cast<uint64_t>(batch.n_tokens);
      counters_.max_step_sequences = std::max<uint64_t>(counters_.max_step_sequences, added.size());
    }
    if (rc != 0) {
      const auto error = std::make_exception_ptr(
          Error(ErrorCode::unsupported, "llama_decode failed (code " + std::to_string(rc) +
                                            ") on a batch of " + std::to_string(batch.n_tokens) + " tokens"));
      for (auto& [job, n] : added) {
        clear_slot(job->slot);
        finish_with_error(*job, error);
      }
      reap();
      return;
    }
    // The batch is in the KV cache now.
    for (auto& [job, n] : added) {
      auto& slot = slots_[static_cast<size_t>(job->slot)];
      if (job->phase == Job::Phase::generate) {
        slot.cache.push_back(job->next_token);
      } else {
        const auto& prompt = job->request->prompt;
        slot.cache.insert(
            slot.cache.end(), prompt.begin() + static_cast<std::ptrdiff_t>(job->next_prompt),
            prompt.begin() + static_cast<std::ptrdiff_t>(job->next_prompt + static_cast<size_t>(n)));
        job->next_prompt += static_cast<size_t>(n);
      }
    }
    for (auto& [job, n] : added) {
      if (job->batch_index >= 0) sample(*job);
    }
    reap();
  }

  void sample(Job& job) {
    const auto now = Clock::now();
    if (job.phase == Job::Phase::prefill) {
      job.phase = Job::Phase::generate;
      job.first_token = now;
      job.result.stats.prefill = now - job.admitted;
    }
    const GenerateRequest& request = *job.request;
    if (request.cancel.cancelled()) return end(job, StopReason::cancelled);
    Token token = 0;
    if (job.fast_greedy) {
      float* logits = llama_get_logits_ith(ctx_.get(), job.batch_index);
      if (request.ignore_eos) {
        for (llama_token t : eog_tokens_) logits[t] = -INFINITY;
      }
      token = argmax(logits, n_vocab_);
    } else {
      token = common_sampler_sample(job.sampler.get(), ctx_.get(), job.batch_index);
      common_sampler_accept(job.sampler.get(), token, true);
    }
    if (llama_vocab_is_eog(vocab_, token)) return end(job, StopReason::end_of_generation);
    job.result.tokens.push_back(token);
    job.result.stats.generated_tokens++;
    const std::string piece = common_token_to_piece(vocab_, token, job.render_special.contains(token));
    emit(job, job.text.push(piece));
    if (job.text.stopped()) return end(job, StopReason::stop_string);
    if (request.max_tokens > 0 && job.result.stats.generated_tokens >= request.max_tokens) {
      return end(job, StopReason::max_tokens);
    }
    // The sampled token still has to be evaluated, and the next one needs a position too.
    if (static_cast<int>(slots_[static_cast<size_t>(job.slot)].cache.size()) + 1 >= n_ctx_seq_) {
      return end(job, StopReason::context_full);
    }
    job.next_token = token;
  }

  void emit(Job& job, const std::string& text) {
    if (text.empty() || !job.request->on_text) return;
    try {
      job.request->on_text(text);
    } catch (...) {
      // A throwing callback ends its own request, not the scheduler; the error reaches that caller.
      job.request->cancel.cancel();
      job.callback_error = std::current_exception();
    }
  }

  void end(Job& job, StopReason reason) {
    emit(job, job.text.finish());
    job.result.text = job.text.emitted();
    job.result.reason = reason;
    job.result.stats.decode = job.first_token.time_since_epoch().count() == 0
                                  ? Clock::duration::zero()
                                  : Clock::now() - job.first_token;
    job.finished = true;
    if (job.callback_error) {
      job.done.set_exception(job.callback_error);
    } else {
      job.done.set_value(std::move(job.result));
    }
  }

  void finish_with_error(Job& job, std::exception_ptr error) {
    job.finished = true;
    job.done.set_exception(std::move(error));
  }

  void clear_slot(int slot) {
    auto& s = slots_[static_cast<size_t>(slot)];
    llama_memory_seq_rm(llama_get_memory(ctx_.get()), s.seq, -1, -1);
    s.cache.clear();
  }

  // Removes finished jobs and frees their slots.
  void reap() {
    bool freed = false;
    for (auto it = active_.begin(); it != active_.end();) {
      if ((*it)->finished) {
        {
          std::lock_guard lock(mutex_);
          slots_[static_cast<size_t>((*it)->slot)].busy = false;
        }
        freed = true;
        it = active_.erase(it);
      } else {
        ++it;
      }
    }
    if (freed) slot_freed_.notify_all();
  }

  void fail_all(const std::string& why) {
    const auto error = std::make_exception_ptr(Error(ErrorCode::cancelled, why));
    for (auto& job : active_) {
      if (!job->finished) finish_with_error(*job, error);
    }
    active_.clear();
    std::lock_guard lock(mutex_);
    for (auto& job : queue_) finish_with_error(*job, error);
    queue_.clear();
  }

  const llama_vocab* vocab_ = nullptr;
  int n_vocab_ = 0;
  std::vector<llama_token> eog_tokens_;
  llama_context_ptr ctx_;  // llama-cpp.h: frees with llama_free
  std::unique_ptr<BatchOwner> batch_;

  std::mutex ctx_mutex_;      // the context and the slots' caches: the worker's step, or a session operation
  mutable std::mutex mutex_;  // queue, slot flags, counters
  std::condition_variable wake_;
  std::condition_variable slot_freed_;
  std::deque<std::unique_ptr<Job>> queue_;
  std::list<std::unique_ptr<Job>> active_;  // worker thread only
  std::vector<Slot> slots_;
  uint64_t use_clock_ = 0;
  Counters counters_;
  bool stopping_ = false;
  std::thread worker_;
};

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

std::shared_ptr<Engine> Engine::create(std::shared_ptr<const Model> model, const EngineOptions& options) {
  return std::shared_ptr<Engine>(new Engine(std::make_unique<Impl>(std::move(model), options)));
}

GenerateResult Engine::generate(const GenerateRequest& request) {
  return impl_->generate(request, -1);
}

std::unique_ptr<Session> Engine::open_session() {
  const int slot = impl_->reserve_slot();
  return std::unique_ptr<Session>(new Session(shared_from_this(), slot));
}

std::vector<Token> Engine::tokenize(std::string_view text, bool add_special, bool parse_special) const {
  return impl_->tokenize(text, add_special, parse_special);
}

std::string Engine::detokenize(const std::vector<Token>& tokens, bool render_special) const {
  return impl_->detokenize(tokens, render_special);
}

const Model& Engine::model() const noexcept {
  return *impl_->model_;
}
const std::shared_ptr<const Model>& Engine::shared_model() const noexcept {
  return impl_->model_;
}
const EngineOptions& Engine::options() const noexcept {
  return impl_->options_;
}
int Engine::context_per_sequence() const noexcept {
  return impl_->n_ctx_seq_;
}
Engine::Counters Engine::counters() const {
  return impl_->counters();
}

Session::Session(std::shared_ptr<Engine> engine, int slot) : engine_(std::move(engine)), slot_(slot) {}
Session::~Session() {
  engine_->impl_->release_slot(slot_);
}

GenerateResult Session::generate(const GenerateRequest& request) {
  return engine_->impl_->generate(request, slot_);
}
std::vector<Token> Session::cached_tokens() const {
  return engine_->impl_->cached(slot_);
}
void Session::save(const std::filesystem::path& file) const {
  engine_->impl_->save(slot_, file);
}
void Session::restore(const std::filesystem::path& file) {
  engine_->impl_->restore(slot_, file);
}
void Session::clear() {
  engine_->impl_->clear(slot_);
}

}  // namespace alith::inference
