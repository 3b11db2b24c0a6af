#pragma once

// The hyperparameters of a BERT model folder (config.json) and the pooling its sentence-transformers modules
// ask for (modules.json, <pooling module>/config.json).

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace alith::convert {

// Values of llama.cpp's llama_pooling_type (stored as uint32 in <arch>.pooling_type).
enum class PoolingType : uint32_t { none = 0, mean = 1, cls = 2, last = 3 };

struct BertConfig {
  uint32_t n_vocab = 0;        // vocab_size
  uint32_t n_embd = 0;         // hidden_size
  uint32_t n_layer = 0;        // num_hidden_layers
  uint32_t n_head = 0;         // num_attention_heads
  uint32_t n_ff = 0;           // intermediate_size
  uint32_t n_ctx = 0;          // max_position_embeddings
  uint32_t n_token_types = 0;  // type_vocab_size
  float norm_eps = 1e-12f;     // layer_norm_eps
  bool has_pooling = false;    // a sentence-transformers Pooling module was found
  PoolingType pooling = PoolingType::none;
  bool normalize = false;  // a Normalize module follows the pooling (embeddings are unit length)
};

// Throws IoError (no config.json), ParseError (missing or ill-typed fields), UnsupportedError (not a BERT
// model, an activation or position embedding llama.cpp's BERT does not compute, a pooling mode it lacks, or
// sentence-transformers modules after the pooling that change the vectors, such as Dense).
BertConfig read_bert_config(const std::filesystem::path& dir);

std::string_view pooling_name(PoolingType pooling) noexcept;

}  // namespace alith::convert
