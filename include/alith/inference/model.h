#pragma once

// GGUF models loaded in-process through llama.cpp. A Model is immutable once loaded and shared (shared_ptr)
// by every engine, session and embedder that uses it; the weights are memory-mapped, so loading the same file
// twice costs page-cache memory once. ModelRegistry deduplicates loads by path and unloads a model when its
// last user lets go of it.

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

struct llama_model;

namespace alith::inference {

struct ModelMetadata {
  std::string architecture;   // general.architecture, e.g. "gemma3", "bert"
  std::string name;           // general.name when present
  std::string description;    // llama.cpp's summary, e.g. "gemma3 270M Q4_K - Medium"
  std::string quantization;   // the file type, e.g. "Q4_K - Medium"
  std::string chat_template;  // the template in use (the GGUF's own, or an override); empty if none
  uint64_t parameters = 0;
  uint64_t size_bytes = 0;  // tensor data
  int context_length = 0;   // the context the model was trained with
  int embedding_length = 0;
  int layers = 0;
  int vocab_size = 0;
  bool has_encoder = false;  // BERT-like: embeddings only
  bool has_decoder = true;
  std::map<std::string, std::string>
      gguf;  // every GGUF key/value, as llama.cpp renders it (arrays summarized)
};

struct LoadOptions {
  int gpu_layers = -1;  // layers to offload; -1: all when a GPU backend is present, else none
  bool use_mmap = true;
  bool check_tensors = false;  // validate tensor data while loading (slow; for untrusted files)
  // Repack weights for the CPU's fastest GEMM kernels (llama.cpp's "extra buffer types"). Those kernels take
  // batch columns in groups of four, so a sequence's logits can differ in the last bits depending on what
  // else shares its batch; turn repacking off when batched output must be bit-identical to unbatched output.
  bool repack = true;
  std::string chat_template;  // Jinja source overriding the GGUF's template (or supplying a missing one)
};

class Model {
 public:
  // Loads a GGUF. Errors: IoError (missing or unreadable path), ParseError (not a GGUF, truncated, corrupted,
  // unsupported architecture). Never crashes on a bad file: the header and tensor bounds are checked before
  // any tensor is mapped.
  static std::shared_ptr<Model> load(const std::filesystem::path& path, const LoadOptions& options = {});
  ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }
  const ModelMetadata& metadata() const noexcept { return metadata_; }
  const LoadOptions& options() const noexcept { return options_; }
  llama_model* raw() const noexcept { return model_.get(); }  // for the inference module's own use

 private:
  struct Deleter {
    void operator()(llama_model* model) const noexcept;
  };
  Model(std::filesystem::path path, LoadOptions options, std::unique_ptr<llama_model, Deleter> model);

  std::filesystem::path path_;
  LoadOptions options_;
  std::unique_ptr<llama_model, Deleter> model_;
  ModelMetadata metadata_;
};

// Shares loaded models by (canonical path, options). Thread-safe. Holds weak references only: a model is
// unloaded as soon as nothing uses it.
class ModelRegistry {
 public:
  std::shared_ptr<Model> load(const std::filesystem::path& path, const LoadOptions& options = {});
  size_t loaded() const;  // models currently alive

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::weak_ptr<Model>> models_;
};

}  // namespace alith::inference
