#pragma once

// Which tensors of a Hugging Face BERT checkpoint become which tensors of llama.cpp's "bert" architecture,
// and the shapes the config implies for them. Names follow gguf-py's tensor_mapping.py and constants.py.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bert_config.h"

namespace alith::convert {

struct TensorTarget {
  std::string gguf_name;        // "blk.0.attn_q.weight"
  std::vector<uint64_t> shape;  // expected Hugging Face shape, outermost first
  bool required = true;
  // Kept in F32 whatever the output type: 1-D tensors, norms, and the tables llama.cpp's converter never
  // narrows (position and token-type embeddings).
  bool keep_f32 = false;
};

// The checkpoint's tensors, keyed by their canonical Hugging Face name (see canonical_bert_name).
std::map<std::string, TensorTarget> bert_tensor_plan(const BertConfig& config);

// The name a checkpoint tensor is planned under: without the "bert." prefix of task models, and with the old
// LayerNorm gamma/beta spelled weight/bias. nullopt for tensors an embedding model does not use (pooler, task
// heads, position_ids).
std::optional<std::string> canonical_bert_name(std::string_view name);

}  // namespace alith::convert
