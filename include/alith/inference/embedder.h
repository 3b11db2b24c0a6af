#pragma once

// Sentence embeddings from a GGUF model: texts are batched as separate sequences of one decode, pooled per
// sequence and optionally L2-normalized. Thread-safe (calls are serialized on the embedder's own context).

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "alith/core/cancel.h"
#include "alith/inference/model.h"

namespace alith::inference {

enum class Pooling { model_default, mean, cls, last };

// What computes the vectors. llama.cpp runs every GGUF embedding model. BERT-family encoders (MiniLM, BGE,
// E5...) also have a native encoder on oneDNN, several times faster on CPUs with bf16 units (AVX512-BF16,
// AMX); it needs alith built with oneDNN and mean or CLS pooling (bench/ingest_bench measures both).
enum class EmbedderBackend {
  automatic,  // the oneDNN encoder where it applies, else llama.cpp
  llama,      // always llama.cpp
  onednn,     // the oneDNN encoder, or UnsupportedError saying why it does not apply
};

struct EmbedderOptions {
  Pooling pooling = Pooling::model_default;  // the GGUF's pooling type, else mean
  bool normalize = true;                     // unit length, so dot product = cosine similarity
  int batch_tokens = 2048;  // the longest text embedded whole (and at most the model's context)
  // Texts are packed into one decode up to this many tokens. Encoders attend across the whole decode, so a
  // pack costs the square of its tokens: small packs are faster (bench/ingest_bench).
  int pack_tokens = 512;
  int max_sequences = 32;  // texts per decode
  int threads = 0;         // 0: default_threads()
  EmbedderBackend backend = EmbedderBackend::automatic;
};

class Embedder {
 public:
  static std::unique_ptr<Embedder> create(std::shared_ptr<const Model> model,
                                          const EmbedderOptions& options = {});
  ~Embedder();
  Embedder(const Embedder&) = delete;
  Embedder& operator=(const Embedder&) = delete;

  // One vector per text, in order. Errors: CancelledError, InvalidArgumentError (an empty text).
  std::vector<std::vector<float>> embed(const std::vector<std::string>& texts,
                                        const CancelToken& cancel = {});
  // Tokens of text in the model's vocabulary, without the special tokens the model adds. Thread-safe and
  // lock-free (tokenizing reads only the vocabulary).
  size_t count_tokens(std::string_view text) const;
  // The longest text (in count_tokens tokens) that is embedded whole; longer texts are truncated.
  size_t max_text_tokens() const noexcept;
  int dimensions() const noexcept;
  Pooling pooling() const noexcept;  // resolved
  // "llama.cpp", "onednn-bf16" or "onednn-f32".
  const std::string& backend_name() const noexcept;

  class Impl;

 private:
  explicit Embedder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace alith::inference
