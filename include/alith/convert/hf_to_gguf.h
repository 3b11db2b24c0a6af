#pragma once

// Converts a BERT-family sentence-embedding model in Hugging Face layout to a GGUF that llama.cpp loads as
// its "bert" architecture, so embedding needs neither Python nor PyTorch at run time.
//
// The folder holds config.json, model.safetensors (or shards listed in model.safetensors.index.json), the
// WordPiece vocabulary (tokenizer.json and/or vocab.txt, with tokenizer_config.json) and, for
// sentence-transformers models, modules.json with its pooling config, which becomes the GGUF's pooling type.
// Keys, tokenizer fields and tensor names are those of llama.cpp's own convert_hf_to_gguf.py.

#include <cstdint>
#include <filesystem>
#include <string>

namespace alith::convert {

enum class OutType {
  f32,  // every tensor as F32: the checkpoint's values exactly
  f16,  // matrices as F16 (half the size), vectors, norms and position embeddings as F32, as llama.cpp does
};

struct ConvertOptions {
  OutType out_type = OutType::f16;
  std::string name;        // general.name; empty: the folder's name
  bool overwrite = false;  // replace an existing output file
};

struct ConvertReport {
  std::string architecture;  // "bert"
  std::string pooling;       // "mean", "cls", "last", or "none" when the folder names none
  bool normalize = false;    // the sentence-transformers pipeline L2-normalizes its embeddings
  uint32_t n_vocab = 0, n_embd = 0, n_layer = 0, n_head = 0, n_ff = 0, n_ctx = 0;
  size_t n_tensors = 0;       // tensors written
  uint64_t n_parameters = 0;  // elements in them
  uint64_t bytes = 0;         // size of the GGUF file
};

// Writes out from the model in hf_dir. Throws IoError (missing or unreadable files, output not writable),
// InvalidArgumentError (out exists and overwrite is off), ParseError (malformed config, tokenizer or
// safetensors, missing tensors or wrong shapes), UnsupportedError (not a BERT model, a feature llama.cpp's
// BERT lacks, or weights beyond F16's range with OutType::f16). Nothing is left under out on failure.
ConvertReport convert_bert_to_gguf(const std::filesystem::path& hf_dir, const std::filesystem::path& out,
                                   const ConvertOptions& options = {});

}  // namespace alith::convert
