#include "bert_tensors.h"

namespace alith::convert {

std::map<std::string, TensorTarget> bert_tensor_plan(const BertConfig& c) {
  std::map<std::string, TensorTarget> plan;
  auto add = [&](std::string hf, std::string gguf, std::vector<uint64_t> shape, bool required = true,
                 bool keep_f32 = false) {
    keep_f32 = keep_f32 || shape.size() <= 1;
    plan.emplace(std::move(hf), TensorTarget{std::move(gguf), std::move(shape), required, keep_f32});
  };
  auto add_linear = [&](const std::string& hf, const std::string& gguf, uint64_t out, uint64_t in,
                        bool bias_required) {
    add(hf + ".weight", gguf + ".weight", {out, in});
    add(hf + ".bias", gguf + ".bias", {out}, bias_required);
  };
  auto add_norm = [&](const std::string& hf, const std::string& gguf) {
    add(hf + ".weight", gguf + ".weight", {c.n_embd});
    add(hf + ".bias", gguf + ".bias", {c.n_embd});
  };

  add("embeddings.word_embeddings.weight", "token_embd.weight", {c.n_vocab, c.n_embd});
  add("embeddings.token_type_embeddings.weight", "token_types.weight", {c.n_token_types, c.n_embd}, false,
      true);
  add("embeddings.position_embeddings.weight", "position_embd.weight", {c.n_ctx, c.n_embd}, true, true);
  add_norm("embeddings.LayerNorm", "token_embd_norm");
  for (uint32_t i = 0; i < c.n_layer; ++i) {
    const std::string hf = "encoder.layer." + std::to_string(i) + ".";
    const std::string gguf = "blk." + std::to_string(i) + ".";
    add_linear(hf + "attention.self.query", gguf + "attn_q", c.n_embd, c.n_embd, false);
    add_linear(hf + "attention.self.key", gguf + "attn_k", c.n_embd, c.n_embd, false);
    add_linear(hf + "attention.self.value", gguf + "attn_v", c.n_embd, c.n_embd, false);
    add_linear(hf + "attention.output.dense", gguf + "attn_output", c.n_embd, c.n_embd, false);
    add_norm(hf + "attention.output.LayerNorm", gguf + "attn_output_norm");
    add_linear(hf + "intermediate.dense", gguf + "ffn_up", c.n_ff, c.n_embd, false);
    add_linear(hf + "output.dense", gguf + "ffn_down", c.n_embd, c.n_ff, false);
    add_norm(hf + "output.LayerNorm", gguf + "layer_output_norm");
  }
  return plan;
}

std::optional<std::string> canonical_bert_name(std::string_view name) {
  std::string n(name);
  if (n.starts_with("bert.")) n.erase(0, 5);
  if (n.ends_with(".gamma")) n.replace(n.size() - 6, 6, ".weight");
  if (n.ends_with(".beta")) n.replace(n.size() - 5, 5, ".bias");
  if (n == "embeddings.position_ids" || n.starts_with("pooler.") || n.starts_with("cls.predictions") ||
      n.starts_with("cls.seq_relationship"))
    return std::nullopt;
  return n;
}

}  // namespace alith::convert
