#pragma once

// Test material for the converter: safetensors files assembled byte by byte, and a tiny BERT model folder in
// Hugging Face layout (2 layers, 8 dims, a 16-token WordPiece vocabulary) with deterministic weights.

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "alith/core/json.h"

namespace alith::convert::testing {

struct StTensor {
  std::string name;
  std::string dtype;  // "F32", "F16", ...
  std::vector<uint64_t> shape;
  std::string bytes;
};

inline std::string le64(uint64_t v) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}

// A file with the given header text verbatim, then data.
inline std::string raw_safetensors(const std::string& header, const std::string& data = "") {
  return le64(header.size()) + header + data;
}

// A well-formed file holding the tensors in order.
inline std::string make_safetensors(const std::vector<StTensor>& tensors) {
  Json header = Json::object();
  header["__metadata__"] = {{"format", "pt"}};
  std::string data;
  for (const auto& t : tensors) {
    header[t.name] = {{"dtype", t.dtype},
                      {"shape", t.shape},
                      {"data_offsets", {data.size(), data.size() + t.bytes.size()}}};
    data += t.bytes;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // the reference writer's alignment padding
  return raw_safetensors(text, data);
}

inline std::string f32_bytes(const std::vector<float>& v) {
  std::string s(v.size() * 4, '\0');
  if (!v.empty()) std::memcpy(s.data(), v.data(), s.size());
  return s;
}

inline void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Deterministic, distinct small values, so a tensor that lands in the wrong place shows.
inline std::vector<float> pattern(size_t n, float seed) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = seed + 0.001f * static_cast<float>(i % 97) - 0.03f;
  return v;
}

struct TinyBert {
  static constexpr uint32_t n_vocab = 16, n_embd = 8, n_layer = 2, n_head = 2, n_ff = 16, n_ctx = 16,
                            n_types = 2;

  // The tensors of a BertModel checkpoint, as a map name -> (shape, values).
  static std::map<std::string, std::pair<std::vector<uint64_t>, std::vector<float>>> tensors() {
    std::map<std::string, std::pair<std::vector<uint64_t>, std::vector<float>>> t;
    float seed = 0.0f;
    auto add = [&](const std::string& name, std::vector<uint64_t> shape) {
      size_t n = 1;
      for (auto d : shape) n *= d;
      t[name] = {shape, pattern(n, seed += 0.01f)};
    };
    add("embeddings.word_embeddings.weight", {n_vocab, n_embd});
    add("embeddings.position_embeddings.weight", {n_ctx, n_embd});
    add("embeddings.token_type_embeddings.weight", {n_types, n_embd});
    add("embeddings.LayerNorm.weight", {n_embd});
    add("embeddings.LayerNorm.bias", {n_embd});
    for (uint32_t i = 0; i < n_layer; ++i) {
      const std::string p = "encoder.layer." + std::to_string(i) + ".";
      for (const char* m :
           {"attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"}) {
        add(p + m + ".weight", {n_embd, n_embd});
        add(p + m + ".bias", {n_embd});
      }
      add(p + "attention.output.LayerNorm.weight", {n_embd});
      add(p + "attention.output.LayerNorm.bias", {n_embd});
      add(p + "intermediate.dense.weight", {n_ff, n_embd});
      add(p + "intermediate.dense.bias", {n_ff});
      add(p + "output.dense.weight", {n_embd, n_ff});
      add(p + "output.dense.bias", {n_embd});
      add(p + "output.LayerNorm.weight", {n_embd});
      add(p + "output.LayerNorm.bias", {n_embd});
    }
    return t;
  }

  static std::vector<std::string> vocab() {
    return {"[PAD]", "[UNK]", "[CLS]",   "[SEP]", "[MASK]", "hello", "world", "##s",
            "the",   "un",    "##happy", ",",     "!",      "cafe",  "a",     "##ing"};
  }

  static Json config() {
    return {{"architectures", {"BertModel"}},
            {"model_type", "bert"},
            {"vocab_size", n_vocab},
            {"hidden_size", n_embd},
            {"num_hidden_layers", n_layer},
            {"num_attention_heads", n_head},
            {"intermediate_size", n_ff},
            {"max_position_embeddings", n_ctx},
            {"type_vocab_size", n_types},
            {"layer_norm_eps", 1e-12},
            {"hidden_act", "gelu"},
            {"pad_token_id", 0},
            {"position_embedding_type", "absolute"}};
  }

  static Json tokenizer_json() {
    Json vocab_map = Json::object();
    const auto v = vocab();
    for (size_t i = 0; i < v.size(); ++i) vocab_map[v[i]] = i;
    Json added = Json::array();
    for (uint32_t id : {0u, 1u, 2u, 3u, 4u})
      added.push_back({{"id", id}, {"content", v[id]}, {"special", true}, {"normalized", false}});
    return {
        {"version", "1.0"},
        {"added_tokens", added},
        {"normalizer",
         {{"type", "BertNormalizer"}, {"lowercase", true}, {"strip_accents", nullptr}, {"clean_text", true}}},
        {"pre_tokenizer", {{"type", "BertPreTokenizer"}}},
        {"post_processor",
         {{"type", "TemplateProcessing"},
          {"single", Json::array({{{"SpecialToken", {{"id", "[CLS]"}, {"type_id", 0}}}},
                                  {{"Sequence", {{"id", "A"}, {"type_id", 0}}}},
                                  {{"SpecialToken", {{"id", "[SEP]"}, {"type_id", 0}}}}})},
          {"pair", Json::array({{{"SpecialToken", {{"id", "[CLS]"}, {"type_id", 0}}}},
                                {{"Sequence", {{"id", "A"}, {"type_id", 0}}}},
                                {{"SpecialToken", {{"id", "[SEP]"}, {"type_id", 0}}}},
                                {{"Sequence", {{"id", "B"}, {"type_id", 1}}}},
                                {{"SpecialToken", {{"id", "[SEP]"}, {"type_id", 1}}}}})}}},
        {"model",
         {{"type", "WordPiece"},
          {"unk_token", "[UNK]"},
          {"continuing_subword_prefix", "##"},
          {"max_input_chars_per_word", 100},
          {"vocab", vocab_map}}}};
  }

  static Json tokenizer_config() {
    return {{"do_lower_case", true},
            {"unk_token", "[UNK]"},
            {"sep_token", "[SEP]"},
            {"pad_token", "[PAD]"},
            {"cls_token", "[CLS]"},
            {"mask_token", "[MASK]"},
            {"tokenizer_class", "BertTokenizer"}};
  }

  // Writes the whole folder: config, tokenizer (tokenizer.json and vocab.txt), sentence-transformers modules
  // with mean pooling, and model.safetensors from tensors() (F32).
  static void write(const std::filesystem::path& dir) {
    std::filesystem::create_directories(dir);
    write_file(dir / "config.json", config().dump(2));
    write_file(dir / "tokenizer.json", tokenizer_json().dump());
    write_file(dir / "tokenizer_config.json", tokenizer_config().dump());
    std::string vocab_txt;
    for (const auto& t : vocab()) vocab_txt += t + "\n";
    write_file(dir / "vocab.txt", vocab_txt);
    write_file(
        dir / "modules.json",
        Json::array(
            {{{"idx", 0}, {"name", "0"}, {"path", ""}, {"type", "sentence_transformers.models.Transformer"}},
             {{"idx", 1},
              {"name", "1"},
              {"path", "1_Pooling"},
              {"type", "sentence_transformers.models.Pooling"}},
             {{"idx", 2},
              {"name", "2"},
              {"path", "2_Normalize"},
              {"type", "sentence_transformers.models.Normalize"}}})
            .dump());
    write_file(dir / "1_Pooling" / "config.json", Json{{"word_embedding_dimension", n_embd},
                                                       {"pooling_mode_cls_token", false},
                                                       {"pooling_mode_mean_tokens", true},
                                                       {"pooling_mode_max_tokens", false}}
                                                      .dump());
    std::vector<StTensor> st;
    st.push_back({"embeddings.position_ids", "I64", {1, n_ctx}, std::string(n_ctx * 8, '\0')});
    for (const auto& [name, t] : tensors()) st.push_back({name, "F32", t.first, f32_bytes(t.second)});
    write_file(dir / "model.safetensors", make_safetensors(st));
  }
};

}  // namespace alith::convert::testing
