#include "vocab.h"

#include <array>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "alith/core/error.h"
#include "json_file.h"

namespace alith::convert {
namespace {

constexpr std::array<std::string_view, 7> kSpecialKinds{"bos", "eos", "unk", "sep", "pad", "cls", "mask"};
constexpr std::string_view kPhantomSpace = "\xe2\x96\x81";  // U+2581, llama.cpp's word-start marker

// A special token is written either as its text or as {"content": text, ...}.
std::optional<std::string> token_text(const Json& entry) {
  if (entry.is_string()) return entry.get<std::string>();
  if (entry.is_object()) {
    auto it = entry.find("content");
    if (it != entry.end() && it->is_string()) return it->get<std::string>();
  }
  return std::nullopt;
}

std::optional<uint32_t> as_id(const Json& value) {
  if (!value.is_number_unsigned()) return std::nullopt;
  const auto v = value.get<uint64_t>();
  if (v > UINT32_MAX) return std::nullopt;
  return static_cast<uint32_t>(v);
}

std::optional<bool> as_bool(const Json& object, std::string_view key) {
  if (!object.is_object()) return std::nullopt;
  auto it = object.find(key);
  if (it == object.end() || !it->is_boolean()) return std::nullopt;
  return it->get<bool>();
}

// Tokens that models forget to flag as special but that llama.cpp's converter treats as control tokens.
bool looks_special(std::string_view t) {
  auto wrapped = [&](std::string_view open, std::string_view close) {
    return t.size() >= open.size() + close.size() && t.starts_with(open) && t.ends_with(close);
  };
  return t == "<pad>" || t == "<mask>" || t == "<2mass>" || t == "[@BOS@]" || wrapped("<|", "|>") ||
         wrapped("<\xef\xbd\x9c", "\xef\xbd\x9c>") || wrapped("<unused", ">");
}

class Builder {
 public:
  explicit Builder(uint32_t n_vocab) : by_id_(n_vocab), types_(n_vocab, TokenType::normal) {}

  void set(uint32_t id, std::string token, const std::string& where) {
    if (id >= by_id_.size())
      throw ParseError(where + ": token '" + token + "' has id " + std::to_string(id) +
                       " but the model has " + std::to_string(by_id_.size()) + " token embeddings");
    by_id_[id] = std::move(token);
  }
  bool has(uint32_t id) const { return id < by_id_.size() && by_id_[id].has_value(); }
  void set_type(uint32_t id, TokenType type) { types_.at(id) = type; }

  std::optional<uint32_t> find(const std::string& token) const {
    if (index_.empty()) {
      for (uint32_t i = 0; i < by_id_.size(); ++i) {
        if (by_id_[i]) index_.emplace(*by_id_[i], i);
      }
    }
    auto it = index_.find(token);
    if (it == index_.end()) return std::nullopt;
    return it->second;
  }

  void finish(WordPieceVocab& out) {
    out.tokens.resize(by_id_.size());
    out.types = types_;
    for (uint32_t i = 0; i < by_id_.size(); ++i) {
      if (by_id_[i]) {
        out.tokens[i] = std::move(*by_id_[i]);
      } else {
        out.tokens[i] = "[PAD" + std::to_string(i) + "]";
        out.types[i] = TokenType::unused;
      }
    }
  }

 private:
  std::vector<std::optional<std::string>> by_id_;
  std::vector<TokenType> types_;
  mutable std::unordered_map<std::string, uint32_t> index_;  // built on first find(), after all set()s
};

void read_normalizer(const Json& normalizer, WordPieceVocab& out, int depth = 0) {
  if (!normalizer.is_object() || depth > 8) return;
  auto type_it = normalizer.find("type");
  if (type_it == normalizer.end() || !type_it->is_string()) return;
  const auto& type = type_it->get_ref<const std::string&>();
  if (type == "Lowercase") {
    out.lowercase = true;
  } else if (type == "StripAccents") {
    out.strip_accents = true;
  } else if (type == "BertNormalizer") {
    if (auto v = as_bool(normalizer, "lowercase")) out.lowercase = v;
    // strip_accents is null when it follows lowercase; llama.cpp does the same when the key is absent.
    if (auto v = as_bool(normalizer, "strip_accents")) out.strip_accents = v;
  } else if (type == "Sequence") {
    auto list = normalizer.find("normalizers");
    if (list == normalizer.end() || !list->is_array()) return;
    for (const auto& n : *list) read_normalizer(n, out, depth + 1);
  }
}

std::optional<std::string> special_in(const Json& step) {
  if (!step.is_object()) return std::nullopt;
  auto it = step.find("SpecialToken");
  if (it == step.end() || !it->is_object()) return std::nullopt;
  auto id = it->find("id");
  if (id == it->end() || !id->is_string()) return std::nullopt;
  return id->get<std::string>();
}

// Which special tokens the tokenizer wraps a text in, read from a TemplateProcessing post-processor such as
// "[CLS] $A [SEP]" (single) and "[CLS] $A [SEP] $B [SEP]" (pair). Like llama.cpp's converter, only simple
// templates are understood.
void read_post_processor(const Json& processor, const std::map<std::string, std::string>& special_text,
                         WordPieceVocab& out) {
  if (!processor.is_object()) return;
  auto type = processor.find("type");
  if (type == processor.end() || *type != "TemplateProcessing") return;
  auto single = processor.find("single");
  if (single == processor.end() || !single->is_array() || single->size() < 2) return;
  auto text_of = [&](const char* kind) {
    auto it = special_text.find(kind);
    return it == special_text.end() ? std::string() : it->second;
  };
  const auto first = special_in(single->front());
  const auto last = special_in(single->back());
  if (first) out.add_bos = *first == text_of("bos") || *first == text_of("cls");
  if (last) out.add_eos = *last == text_of("eos");
  // A separator between the two texts of a pair is only added on its own when the single template does not
  // already end with one (llama.cpp's converter reads it the same way).
  auto pair = processor.find("pair");
  if (pair == processor.end() || !pair->is_array()) return;
  bool separator_between = false;
  bool seen_a = false;
  for (const auto& step : *pair) {
    if (step.is_object() && step.contains("Sequence")) {
      if (seen_a) break;
      seen_a = true;
    } else if (seen_a) {
      auto s = special_in(step);
      if (s && (*s == text_of("sep") || *s == text_of("eos"))) separator_between = true;
    }
  }
  out.add_sep = separator_between && !last;
}

void read_tokenizer_json(const Json& root, const std::string& where, Builder& builder,
                         std::map<std::string, uint32_t>& added, WordPieceVocab& out) {
  if (!root.is_object()) throw ParseError(where + ": not a JSON object");
  auto model = root.find("model");
  if (model == root.end() || !model->is_object()) throw ParseError(where + ": no model object");
  auto type = model->find("type");
  if (type == model->end() || *type != "WordPiece")
    throw UnsupportedError(where + ": the tokenizer is " + (type == model->end() ? "untyped" : type->dump()) +
                           "; only WordPiece (BERT) tokenizers convert");
  auto prefix = model->find("continuing_subword_prefix");
  if (prefix != model->end() && *prefix != "##")
    throw UnsupportedError(where + ": continuation prefix " + prefix->dump() + " (llama.cpp expects \"##\")");
  auto vocab = model->find("vocab");
  if (vocab == model->end() || !vocab->is_object())
    throw ParseError(where + ": model.vocab is not an object");
  for (const auto& [token, id_json] : vocab->items()) {
    auto id = as_id(id_json);
    if (!id) throw ParseError(where + ": token '" + token + "' has no valid id");
    if (builder.has(*id)) throw ParseError(where + ": id " + std::to_string(*id) + " is given twice");
    builder.set(*id, token, where);
  }

  auto added_tokens = root.find("added_tokens");
  if (added_tokens != root.end() && added_tokens->is_array()) {
    for (const auto& entry : *added_tokens) {
      if (!entry.is_object()) continue;
      auto id = entry.contains("id") ? as_id(entry["id"]) : std::nullopt;
      auto content = token_text(entry);
      if (!id || !content) throw ParseError(where + ": an added token lacks its id or content");
      std::string token = *content;
      TokenType token_type = TokenType::control;
      if (!as_bool(entry, "special").value_or(false) && !looks_special(token)) {
        token_type = TokenType::user_defined;
        // llama.cpp matches user-defined tokens against normalized text, where U+2581 is a plain space.
        for (size_t at = 0; (at = token.find(kPhantomSpace, at)) != std::string::npos;)
          token.replace(at, kPhantomSpace.size(), " ");
      }
      builder.set(*id, token, where);
      builder.set_type(*id, token_type);
      added.emplace(*content, *id);
    }
  }

  if (auto normalizer = root.find("normalizer"); normalizer != root.end()) read_normalizer(*normalizer, out);
}

void read_vocab_txt(const std::filesystem::path& path, Builder& builder) {
  const std::string text = read_text_file(path);
  std::string_view rest = text;
  uint32_t id = 0;
  std::unordered_map<std::string_view, uint32_t> seen;
  std::vector<std::pair<uint32_t, std::string_view>> lines;
  while (!rest.empty()) {
    const size_t nl = rest.find('\n');
    const std::string_view line = rest.substr(0, nl);
    // As in the Hugging Face BertTokenizer, a repeated token keeps its last id; the earlier one stays unused.
    seen[line] = id;
    lines.emplace_back(id, line);
    ++id;
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  }
  for (const auto& [line_id, line] : lines) {
    if (seen[line] == line_id) builder.set(line_id, std::string(line), path.string());
  }
}

}  // namespace

WordPieceVocab read_wordpiece_vocab(const std::filesystem::path& dir, uint32_t n_vocab) {
  WordPieceVocab out;
  Builder builder(n_vocab);
  std::map<std::string, uint32_t> added;  // added token text -> id

  const auto tokenizer_json_path = dir / "tokenizer.json";
  const auto tokenizer_json = read_json_file_if_present(tokenizer_json_path);
  const auto tokenizer_config = read_json_file_if_present(dir / "tokenizer_config.json");
  if (tokenizer_json) {
    read_tokenizer_json(*tokenizer_json, tokenizer_json_path.string(), builder, added, out);
  } else if (std::filesystem::exists(dir / "vocab.txt")) {
    read_vocab_txt(dir / "vocab.txt", builder);
    if (tokenizer_config) {
      if (auto v = as_bool(*tokenizer_config, "do_lower_case")) out.lowercase = v;
      if (auto v = as_bool(*tokenizer_config, "strip_accents")) out.strip_accents = v;
    }
  } else {
    throw IoError(dir.string() + " has neither tokenizer.json nor vocab.txt");
  }

  // The text of each special token: tokenizer_config.json first, special_tokens_map.json for what it lacks.
  std::map<std::string, std::string> special_text;
  const auto special_map = read_json_file_if_present(dir / "special_tokens_map.json");
  for (const auto* source :
       {tokenizer_config ? &*tokenizer_config : nullptr, special_map ? &*special_map : nullptr}) {
    if (!source || !source->is_object()) continue;
    for (auto kind : kSpecialKinds) {
      auto it = source->find(std::string(kind) + "_token");
      if (it == source->end()) continue;
      if (auto text = token_text(*it)) special_text.emplace(kind, *text);
    }
  }
  // BERT has no BOS/EOS of its own; its classifier and separator tokens play those parts.
  if (!special_text.count("bos") && special_text.count("cls")) special_text["bos"] = special_text["cls"];
  if (!special_text.count("eos") && special_text.count("sep")) special_text["eos"] = special_text["sep"];

  if (tokenizer_json) {
    if (auto processor = tokenizer_json->find("post_processor"); processor != tokenizer_json->end()) {
      if (processor->is_object() && processor->contains("processors") &&
          (*processor)["processors"].is_array()) {
        for (const auto& p : (*processor)["processors"]) read_post_processor(p, special_text, out);
      } else {
        read_post_processor(*processor, special_text, out);
      }
    }
  }
  if (tokenizer_config) {
    if (auto v = as_bool(*tokenizer_config, "add_bos_token")) out.add_bos = v;
    if (auto v = as_bool(*tokenizer_config, "add_eos_token")) out.add_eos = v;
    if (auto v = as_bool(*tokenizer_config, "add_sep_token")) out.add_sep = v;
  }

  for (const auto& [kind, text] : special_text) {
    auto it = added.find(text);
    std::optional<uint32_t> id = it != added.end() ? std::optional<uint32_t>(it->second) : builder.find(text);
    if (!id) continue;
    out.special_ids.emplace(kind, *id);
    // A slow tokenizer's special tokens are its added tokens, and those are control tokens.
    if (!tokenizer_json) builder.set_type(*id, TokenType::control);
  }
  if (const auto config = read_json_file_if_present(dir / "config.json"); config && config->is_object()) {
    for (auto kind : kSpecialKinds) {
      auto it = config->find(std::string(kind) + "_token_id");
      if (it == config->end()) continue;
      if (auto id = as_id(*it); id && *id < n_vocab) out.special_ids.emplace(kind, *id);
    }
  }

  builder.finish(out);
  return out;
}

std::vector<std::string> llama_wpm_spelling(const WordPieceVocab& vocab) {
  std::vector<std::string> spelled;
  spelled.reserve(vocab.tokens.size());
  std::unordered_map<std::string_view, size_t> first_id;
  for (size_t i = 0; i < vocab.tokens.size(); ++i) {
    const std::string& t = vocab.tokens[i];
    if (vocab.types[i] == TokenType::control) {
      spelled.push_back(t);
    } else if (t.starts_with("##")) {
      spelled.push_back(t.substr(2));
    } else {
      spelled.push_back(std::string(kPhantomSpace) + t);
    }
  }
  for (size_t i = 0; i < spelled.size(); ++i) {
    // GGUF strings pass through C strings on their way into the file; a NUL would cut the token short.
    if (spelled[i].find('\0') != std::string::npos)
      throw ParseError("token " + std::to_string(i) + " contains a NUL character");
    if (spelled[i].empty()) continue;  // llama.cpp renames empty tokens apart
    auto [it, inserted] = first_id.emplace(spelled[i], i);
    if (!inserted)
      throw ParseError("tokens " + std::to_string(it->second) + " ('" + vocab.tokens[it->second] + "') and " +
                       std::to_string(i) + " ('" + vocab.tokens[i] + "') are spelled alike for llama.cpp");
  }
  return spelled;
}

}  // namespace alith::convert
