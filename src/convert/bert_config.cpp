#include "bert_config.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "alith/core/error.h"
#include "json_file.h"

namespace alith::convert {
namespace {

// Hugging Face classes whose weights are a plain BERT encoder, possibly under a "bert." prefix.
constexpr std::array<std::string_view, 5> kBertClasses{"BertModel", "BertForMaskedLM", "BertForPreTraining",
                                                       "BertForSequenceClassification",
                                                       "BertForTokenClassification"};

uint32_t positive_u32(const Json& config, const char* key, const std::string& where,
                      std::optional<uint32_t> fallback = std::nullopt) {
  auto it = config.find(key);
  if (it == config.end()) {
    if (fallback) return *fallback;
    throw ParseError(where + ": missing " + key);
  }
  if (!it->is_number_unsigned() || it->get<uint64_t>() == 0 || it->get<uint64_t>() > (1u << 30))
    throw ParseError(where + ": " + key + " must be a positive integer, not " + it->dump());
  return static_cast<uint32_t>(it->get<uint64_t>());
}

std::string string_field(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void read_pooling(const std::filesystem::path& dir, BertConfig& config) {
  const auto modules_path = dir / "modules.json";
  const auto modules = read_json_file_if_present(modules_path);
  if (!modules) return;
  if (!modules->is_array()) throw ParseError(modules_path.string() + ": not an array");
  bool after_pooling = false;
  for (const auto& module : *modules) {
    if (!module.is_object()) throw ParseError(modules_path.string() + ": a module is not an object");
    const std::string type = string_field(module, "type");
    if (type.ends_with("Pooling")) {
      const std::string sub = string_field(module, "path");
      // The path comes from the folder's own files; keep it inside the folder.
      if (sub.find("..") != std::string::npos || std::filesystem::path(sub).is_absolute())
        throw ParseError(modules_path.string() + ": pooling path '" + sub + "' leaves the model folder");
      const auto pooling_path = dir / sub / "config.json";
      const Json pooling = read_json_file(pooling_path);
      auto flag = [&](const char* key) {
        auto it = pooling.is_object() ? pooling.find(key) : pooling.end();
        return it != pooling.end() && it->is_boolean() && it->get<bool>();
      };
      const std::string mode = pooling.is_object() ? string_field(pooling, "pooling_mode") : std::string();
      if (flag("pooling_mode_mean_tokens") || mode == "mean") {
        config.pooling = PoolingType::mean;
      } else if (flag("pooling_mode_cls_token") || mode == "cls") {
        config.pooling = PoolingType::cls;
      } else if (flag("pooling_mode_lasttoken") || mode == "lasttoken") {
        config.pooling = PoolingType::last;
      } else {
        throw UnsupportedError(pooling_path.string() + ": only mean, CLS and last-token pooling convert");
      }
      config.has_pooling = true;
      after_pooling = true;
    } else if (type.ends_with("Normalize")) {
      config.normalize = true;
    } else if (after_pooling) {
      // Dense projections and the like change the vectors; llama.cpp's BERT graph has no place for them.
      throw UnsupportedError(modules_path.string() + ": module " + type +
                             " after the pooling does not convert");
    }
  }
}

}  // namespace

BertConfig read_bert_config(const std::filesystem::path& dir) {
  const auto path = dir / "config.json";
  const std::string where = path.string();
  const Json json = read_json_file(path);
  if (!json.is_object()) throw ParseError(where + ": not a JSON object");

  const std::string model_type = string_field(json, "model_type");
  bool bert_class = false;
  if (auto it = json.find("architectures"); it != json.end() && it->is_array()) {
    for (const auto& a : *it) {
      if (a.is_string() &&
          std::find(kBertClasses.begin(), kBertClasses.end(), a.get<std::string>()) != kBertClasses.end())
        bert_class = true;
    }
  }
  if (model_type != "bert" && !bert_class)
    throw UnsupportedError(where + ": model_type '" + model_type + "' is not BERT; only BERT models convert");

  BertConfig config;
  config.n_vocab = positive_u32(json, "vocab_size", where);
  config.n_embd = positive_u32(json, "hidden_size", where);
  config.n_layer = positive_u32(json, "num_hidden_layers", where);
  config.n_head = positive_u32(json, "num_attention_heads", where);
  config.n_ff = positive_u32(json, "intermediate_size", where);
  config.n_ctx = positive_u32(json, "max_position_embeddings", where);
  config.n_token_types = positive_u32(json, "type_vocab_size", where, 1);
  if (config.n_embd % config.n_head != 0)
    throw ParseError(where + ": hidden_size is not a multiple of num_attention_heads");
  // llama.cpp keeps per-layer arrays of this many entries.
  if (config.n_layer > 512) throw UnsupportedError(where + ": more layers than llama.cpp supports");

  if (auto it = json.find("layer_norm_eps"); it != json.end()) {
    if (!it->is_number() || it->get<double>() <= 0)
      throw ParseError(where + ": layer_norm_eps must be positive");
    config.norm_eps = it->get<float>();
  }
  // llama.cpp's BERT computes GELU and absolute position embeddings only.
  const std::string act = json.contains("hidden_act") ? string_field(json, "hidden_act") : "gelu";
  if (!act.starts_with("gelu"))
    throw UnsupportedError(where + ": hidden_act '" + act + "' (llama.cpp's BERT uses GELU)");
  const std::string pos = string_field(json, "position_embedding_type");
  if (!pos.empty() && pos != "absolute")
    throw UnsupportedError(where + ": position_embedding_type '" + pos +
                           "' (llama.cpp's BERT is absolute only)");

  read_pooling(dir, config);
  return config;
}

std::string_view pooling_name(PoolingType pooling) noexcept {
  switch (pooling) {
    case PoolingType::mean:
      return "mean";
    case PoolingType::cls:
      return "cls";
    case PoolingType::last:
      return "last";
    case PoolingType::none:
      break;
  }
  return "none";
}

}  // namespace alith::convert
