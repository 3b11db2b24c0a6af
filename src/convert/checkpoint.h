#pragma once

// The weights of a Hugging Face model folder: model.safetensors, or the shards that
// model.safetensors.index.json lists. Every tensor name maps to exactly one file.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "alith/convert/safetensors.h"

namespace alith::convert {

class Checkpoint {
 public:
  struct Entry {
    const TensorInfo* info;  // owned by the file's header
    SafetensorsFile* file;
  };

  // Throws IoError (no safetensors weights in dir), UnsupportedError (only a pytorch_model.bin), ParseError
  // (a malformed index or file, a tensor in two shards).
  explicit Checkpoint(const std::filesystem::path& dir);

  // All tensors, each file's in the order of its data.
  const std::vector<Entry>& tensors() const noexcept { return entries_; }

 private:
  std::vector<std::unique_ptr<SafetensorsFile>> files_;
  std::vector<Entry> entries_;
};

}  // namespace alith::convert
