#include "alith/inference/embedder.h"

#include <llama-cpp.h>

#include <cmath>
#include <mutex>

#include "alith/core/error.h"
#include "alith/inference/devices.h"
#include "backend.h"
#include "common.h"
#ifdef ALITH_HAVE_ONEDNN
#include "inference/bert_encoder.h"
#endif

namespace alith::inference {

namespace {

enum llama_pooling_type to_llama(Pooling p) {
  switch (p) {
    case Pooling::mean:
      return LLAMA_POOLING_TYPE_MEAN;
    case Pooling::cls:
      return LLAMA_POOLING_TYPE_CLS;
    case Pooling::last:
      return LLAMA_POOLING_TYPE_LAST;
    case Pooling::model_default:
      break;
  }
  return LLAMA_POOLING_TYPE_UNSPECIFIED;
}

Pooling from_llama(enum llama_pooling_type p) {
  switch (p) {
    case LLAMA_POOLING_TYPE_CLS:
      return Pooling::cls;
    case LLAMA_POOLING_TYPE_LAST:
      return Pooling::last;
    default:
      return Pooling::mean;
  }
}

}  // namespace

class Embedder::Impl {
 public:
  Impl(std::shared_ptr<const Model> model, const EmbedderOptions& options)
      : model_(std::move(model)), options_(options) {
    detail::ensure_backend();
    if (!model_) throw InvalidArgumentError("Embedder::create: no model");
    if (options_.batch_tokens < 8 || options_.max_sequences < 1 || options_.pack_tokens < 1) {
      throw InvalidArgumentError(
          "EmbedderOptions: batch_tokens must be >= 8, max_sequences and pack_tokens >= 1");
    }
    vocab_ = llama_model_get_vocab(model_->raw());
    if (use_native()) return;
    backend_name_ = "llama.cpp";
    llama_context_params p = llama_context_default_params();
    p.embeddings = true;
    p.pooling_type = to_llama(options_.pooling);
    if (p.pooling_type == LLAMA_POOLING_TYPE_UNSPECIFIED) {
      // The GGUF's own pooling (sentence-transformers models record it); a model without one gets mean
      // pooling.
      const auto it = model_->metadata().gguf.find(model_->metadata().architecture + ".pooling_type");
      if (it == model_->metadata().gguf.end() || it->second == "0") p.pooling_type = LLAMA_POOLING_TYPE_MEAN;
    }
    p.n_ctx = static_cast<uint32_t>(options_.batch_tokens);
    // Non-causal models must see a whole text in one micro-batch.
    p.n_batch = p.n_ubatch = p.n_ctx;
    p.n_seq_max = static_cast<uint32_t>(options_.max_sequences);
    p.kv_unified = true;
    p.n_threads = p.n_threads_batch = options_.threads > 0 ? options_.threads : default_threads();
    p.no_perf = true;
    ctx_.reset(llama_init_from_model(model_->raw(), p));
    if (!ctx_) throw Error(ErrorCode::unsupported, "llama.cpp could not create an embedding context");
    pooling_ = from_llama(llama_pooling_type(ctx_.get()));
    if (llama_pooling_type(ctx_.get()) == LLAMA_POOLING_TYPE_NONE) {
      throw UnsupportedError("embedding context has no pooling");
    }
    dims_ = llama_model_n_embd_out(model_->raw());
    max_text_tokens_ = std::min(options_.batch_tokens, std::max(8, model_->metadata().context_length));
  }

  std::vector<std::vector<float>> embed(const std::vector<std::string>& texts, const CancelToken& cancel) {
    std::vector<std::vector<llama_token>> tokenized;
    tokenized.reserve(texts.size());
    for (const auto& t : texts) {
      if (t.empty()) throw InvalidArgumentError("cannot embed an empty text");
      auto tokens = common_tokenize(vocab_, t, true, false);
      if (static_cast<int>(tokens.size()) > max_text_tokens_) {
        // Keep the model's closing token (e.g. [SEP]) when truncating.
        const llama_token last = tokens.back();
        tokens.resize(static_cast<size_t>(max_text_tokens_));
        if (llama_vocab_get_add_eos(vocab_) || llama_vocab_get_add_sep(vocab_)) tokens.back() = last;
      }
      tokenized.push_back(std::move(tokens));
    }
    std::lock_guard lock(mutex_);
#ifdef ALITH_HAVE_ONEDNN
    if (native_) {
      auto out = native_->encode(tokenized, options_.pooling, threads_, cancel);
      if (options_.normalize) {
        for (auto& v : out) normalize(v);
      }
      return out;
    }
#endif
    std::vector<std::vector<float>> out(texts.size());
    llama_batch batch = llama_batch_init(options_.batch_tokens, 0, 1);
    struct BatchFree {
      llama_batch& b;
      ~BatchFree() { llama_batch_free(b); }
    } free_batch{batch};
    size_t next = 0;
    while (next < tokenized.size()) {
      cancel.check();
      common_batch_clear(batch);
      std::vector<size_t> members;
      // An encoder attends across the whole micro-batch (other sequences are masked, not skipped), so the
      // cost grows with the square of the tokens packed together: pack up to pack_tokens, and a longer text
      // goes alone.
      const auto fits = [&](size_t n) {
        return members.empty() || batch.n_tokens + static_cast<int>(n) <= options_.pack_tokens;
      };
      while (next < tokenized.size() && static_cast<int>(members.size()) < options_.max_sequences &&
             fits(tokenized[next].size())) {
        const auto seq = static_cast<llama_seq_id>(members.size());
        const auto& tokens = tokenized[next];
        for (size_t i = 0; i < tokens.size(); ++i) {
          common_batch_add(batch, tokens[i], static_cast<llama_pos>(i), {seq}, true);
        }
        members.push_back(next++);
      }
      llama_memory_clear(llama_get_memory(ctx_.get()), true);
      if (llama_decode(ctx_.get(), batch) < 0)
        throw Error(ErrorCode::unsupported, "llama_decode failed while embedding");
      for (size_t s = 0; s < members.size(); ++s) {
        const float* v = llama_get_embeddings_seq(ctx_.get(), static_cast<llama_seq_id>(s));
        if (v == nullptr) throw Error(ErrorCode::unsupported, "llama.cpp returned no pooled embedding");
        auto& dst = out[members[s]];
        dst.assign(v, v + dims_);
        if (options_.normalize) normalize(dst);
      }
    }
    return out;
  }

  // Picks the oneDNN encoder when the options allow it and it handles the model; false means llama.cpp.
  bool use_native() {
    if (options_.backend == EmbedderBackend::llama) return false;
#ifdef ALITH_HAVE_ONEDNN
    std::string why = "it pools by mean or CLS only";
    if (options_.pooling != Pooling::last) {
      try {
        native_ = detail::BertEncoder::open(model_->path(), &why);
      } catch (const Error& e) {  // a tensor missing or of a type it cannot read: llama.cpp may still run it
        why = e.what();
      }
    }
    if (native_) {
      backend_name_ = native_->name();
      threads_ = options_.threads > 0 ? options_.threads : default_threads();
      pooling_ = options_.pooling == Pooling::model_default ? native_->model_pooling() : options_.pooling;
      dims_ = native_->dimensions();
      max_text_tokens_ = std::min(options_.batch_tokens, native_->context_length());
      return true;
    }
#else
    const std::string why = "alith was built without oneDNN";
#endif
    if (options_.backend == EmbedderBackend::onednn) {
      throw UnsupportedError("the oneDNN embedding encoder does not apply to " + model_->path().string() +
                             ": " + why);
    }
    return false;
  }

  static void normalize(std::vector<float>& v) {
    double sum = 0;
    for (float x : v) sum += static_cast<double>(x) * x;
    if (sum <= 0) return;
    const auto scale = static_cast<float>(1.0 / std::sqrt(sum));
    for (float& x : v) x *= scale;
  }

  std::shared_ptr<const Model> model_;
  EmbedderOptions options_;
  const llama_vocab* vocab_ = nullptr;
  size_t count_tokens(std::string_view text) const {
    // Without the special tokens the model adds ([CLS]/[SEP]): a chunker sizes the text itself.
    const auto n =
        llama_tokenize(vocab_, text.data(), static_cast<int32_t>(text.size()), nullptr, 0, false, false);
    return static_cast<size_t>(n < 0 ? -n : n);
  }

  llama_context_ptr ctx_;  // llama-cpp.h: frees with llama_free; null when native_ computes
#ifdef ALITH_HAVE_ONEDNN
  std::unique_ptr<detail::BertEncoder> native_;
#endif
  std::string backend_name_;
  int threads_ = 0;
  std::mutex mutex_;
  Pooling pooling_ = Pooling::mean;
  int dims_ = 0;
  int max_text_tokens_ = 0;
};

Embedder::Embedder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Embedder::~Embedder() = default;

std::unique_ptr<Embedder> Embedder::create(std::shared_ptr<const Model> model,
                                           const EmbedderOptions& options) {
  return std::unique_ptr<Embedder>(new Embedder(std::make_unique<Impl>(std::move(model), options)));
}

std::vector<std::vector<float>> Embedder::embed(const std::vector<std::string>& texts,
                                                const CancelToken& cancel) {
  return impl_->embed(texts, cancel);
}
size_t Embedder::count_tokens(std::string_view text) const {
  return impl_->count_tokens(text);
}
size_t Embedder::max_text_tokens() const noexcept {
  // Two of them go to the special tokens the model wraps a text in.
  return static_cast<size_t>(std::max(1, impl_->max_text_tokens_ - 2));
}
int Embedder::dimensions() const noexcept {
  return impl_->dims_;
}
Pooling Embedder::pooling() const noexcept {
  return impl_->pooling_;
}
const std::string& Embedder::backend_name() const noexcept {
  return impl_->backend_name_;
}

}  // namespace alith::inference
