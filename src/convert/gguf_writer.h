#pragma once

// A GGUF file in the making, over ggml's own GGUF writer (gguf.h): key-values, then tensors whose data this
// object owns until write(). Owns its gguf and ggml contexts.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

struct gguf_context;
struct ggml_context;

namespace alith::convert {

enum class GgufTensorType { f32, f16 };

class GgufWriter {
 public:
  // max_tensors sizes the ggml context that holds the tensors' descriptions.
  explicit GgufWriter(size_t max_tensors);
  ~GgufWriter();
  GgufWriter(const GgufWriter&) = delete;
  GgufWriter& operator=(const GgufWriter&) = delete;

  void set_u32(const std::string& key, uint32_t value);
  void set_f32(const std::string& key, float value);
  void set_bool(const std::string& key, bool value);
  void set_string(const std::string& key, const std::string& value);
  void set_strings(const std::string& key, const std::vector<std::string>& values);
  void set_i32s(const std::string& key, const std::vector<int32_t>& values);

  // ne is ggml order (innermost first: a PyTorch [rows, cols] matrix is {cols, rows}). data must hold exactly
  // the tensor's bytes. Throws InvalidArgumentError on a size mismatch, a name too long for ggml, a repeated
  // name or more tensors than max_tensors.
  void add_tensor(const std::string& name, GgufTensorType type, const std::vector<int64_t>& ne,
                  std::vector<std::byte> data);

  // Writes the file through a temporary beside it, so a failed run never leaves a partial GGUF under the
  // final name. Returns the bytes written. Throws IoError.
  uint64_t write(const std::filesystem::path& path) const;

 private:
  struct GgufFree {
    void operator()(gguf_context* ctx) const noexcept;
  };
  struct GgmlFree {
    void operator()(ggml_context* ctx) const noexcept;
  };
  std::unique_ptr<gguf_context, GgufFree> gguf_;
  std::unique_ptr<ggml_context, GgmlFree> ggml_;
  size_t max_tensors_;
  std::vector<std::vector<std::byte>> data_;  // what each added tensor's data pointer points into
};

}  // namespace alith::convert
