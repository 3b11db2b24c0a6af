#pragma once

// A BERT-family sentence encoder run on oneDNN, for the embedding models of the knowledge module.
//
// llama.cpp runs encoders through the same graph as decoders, and on a CPU its matmuls compute in fp32 (or
// dequantize to it). oneDNN's matmuls use the CPU's bf16 units where it has them (AVX512-BF16, AMX), which
// makes them an order of magnitude faster on such CPUs; texts are batched with padding to the longest of a
// group of similar lengths, and attention is masked per text. Tokenization stays with llama.cpp's vocabulary:
// this class takes token ids.
//
// Only built when alith is configured with oneDNN (ALITH_HAVE_ONEDNN).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "alith/core/cancel.h"
#include "alith/inference/embedder.h"

namespace alith::inference::detail {

class BertEncoder {
 public:
  // The encoder for a GGUF, or nullptr with *why_not set when this encoder does not handle it (another
  // architecture, a pooling other than mean or CLS, missing tensors). The GGUF must already have been loaded
  // by llama.cpp once (Model::load checks it); a file that still turns out malformed gives ParseError.
  static std::unique_ptr<BertEncoder> open(const std::filesystem::path& gguf, std::string* why_not);
  ~BertEncoder();
  BertEncoder(const BertEncoder&) = delete;
  BertEncoder& operator=(const BertEncoder&) = delete;

  // One pooled (not normalized) vector per text. Each text holds the model's special tokens and at most
  // context_length() tokens. Not thread-safe: the Embedder serializes calls.
  std::vector<std::vector<float>> encode(const std::vector<std::vector<int32_t>>& texts, Pooling pooling,
                                         int threads, const CancelToken& cancel);

  int dimensions() const noexcept;
  int context_length() const noexcept;
  Pooling model_pooling() const noexcept;  // the GGUF's pooling type
  // "onednn-bf16" or "onednn-f32": the compute type chosen for this CPU.
  const std::string& name() const noexcept;

  class Impl;

 private:
  explicit BertEncoder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace alith::inference::detail
