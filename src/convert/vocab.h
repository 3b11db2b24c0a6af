#pragma once

// The WordPiece vocabulary of a BERT model folder, read from tokenizer.json (the fast tokenizer) or, without
// one, vocab.txt, with the special tokens from tokenizer_config.json, special_tokens_map.json and
// config.json. What it yields follows llama.cpp's own converter (convert_hf_to_gguf.py, BertModel and
// gguf.SpecialVocab), so the GGUF tokenizes as llama.cpp expects.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace alith::convert {

// Values of llama.cpp's llama_token_type (stored as int32 in tokenizer.ggml.token_type).
enum class TokenType : int32_t {
  normal = 1,
  unknown = 2,
  control = 3,
  user_defined = 4,
  unused = 5,
  byte = 6
};

struct WordPieceVocab {
  std::vector<std::string> tokens;  // by id, in Hugging Face spelling ("[CLS]", "the", "##ing")
  std::vector<TokenType> types;     // same length
  // "bos", "eos", "unk", "sep", "pad", "cls", "mask" -> id, for those the folder names.
  std::map<std::string, uint32_t> special_ids;
  std::optional<bool> add_bos, add_eos, add_sep;
  std::optional<bool> lowercase, strip_accents;  // the normalizer's, when the folder says
};

// Reads the vocabulary of a model whose embedding matrix has n_vocab rows. Ids the files leave out become
// unused "[PAD<id>]" placeholders, as in llama.cpp's converter. Throws IoError (no tokenizer.json nor
// vocab.txt), ParseError (malformed files, ids out of range or repeated), UnsupportedError (a tokenizer other
// than WordPiece, or one whose continuation prefix is not "##").
WordPieceVocab read_wordpiece_vocab(const std::filesystem::path& dir, uint32_t n_vocab);

// The spelling llama.cpp's WPM tokenizer matches against: a word-initial piece gets the phantom space U+2581,
// a continuation piece loses its "##", control tokens stay as they are. Throws ParseError when two tokens end
// up spelled alike (llama.cpp would abort on loading such a vocabulary).
std::vector<std::string> llama_wpm_spelling(const WordPieceVocab& vocab);

}  // namespace alith::convert
