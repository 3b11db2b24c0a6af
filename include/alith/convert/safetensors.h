#pragma once

// Reader for the safetensors format (Hugging Face): an 8-byte little-endian header length N, N bytes of JSON
// naming each tensor's dtype, shape and [begin, end) byte range in the data that follows, then the data.
//
// The header is untrusted input. parse_safetensors_header() checks everything before any data is touched: the
// header length against its cap and the file size, the JSON, each dtype, that the shape's element count times
// the dtype size equals the byte range (with overflow checks), that every range lies inside the data and that
// no two ranges overlap. Bad input is a ParseError value, never a crash.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "alith/core/error.h"

namespace alith::convert {

enum class Dtype { boolean, u8, i8, f8_e5m2, f8_e4m3, i16, u16, f16, bf16, i32, u32, f32, i64, u64, f64 };

// Bytes per element.
size_t dtype_size(Dtype dtype) noexcept;
// The header's spelling ("F32", "BF16", ...).
std::string_view dtype_name(Dtype dtype) noexcept;

struct TensorInfo {
  std::string name;
  Dtype dtype = Dtype::f32;
  std::vector<uint64_t> shape;  // outermost first, as in PyTorch; empty for a scalar
  uint64_t begin = 0;           // byte range within the data section
  uint64_t end = 0;

  uint64_t elements() const noexcept;  // product of shape (validated not to overflow)
  uint64_t bytes() const noexcept { return end - begin; }
};

struct SafetensorsHeader {
  std::vector<TensorInfo> tensors;              // in file order of their data
  std::map<std::string, std::string> metadata;  // "__metadata__"
  uint64_t data_offset = 0;                     // where the data section starts in the file (8 + N)
  uint64_t data_size = 0;                       // bytes in the data section

  const TensorInfo* find(std::string_view name) const noexcept;
};

struct SafetensorsLimits {
  uint64_t max_header_bytes = 100u << 20;  // what the reference implementation accepts
  size_t max_rank = 8;
  size_t max_json_depth = 16;  // a valid header nests three deep
};

// Parses the header from the start of a file. prefix holds at least the file's first 8 + N bytes (more is
// ignored); file_size is the size of the whole file, against which the ranges are checked. A prefix shorter
// than the header it announces is a ParseError.
Result<SafetensorsHeader> parse_safetensors_header(std::string_view prefix, uint64_t file_size,
                                                   const SafetensorsLimits& limits = {});

// An open safetensors file: the header parsed and checked on open, tensor data read on demand.
class SafetensorsFile {
 public:
  // Throws IoError when the file cannot be read, ParseError when its header is malformed.
  explicit SafetensorsFile(const std::filesystem::path& path, const SafetensorsLimits& limits = {});

  const SafetensorsHeader& header() const noexcept { return header_; }
  const std::filesystem::path& path() const noexcept { return path_; }

  // The raw little-endian bytes of one tensor. Throws IoError on a short read (the file changed under us).
  std::vector<std::byte> read(const TensorInfo& tensor);

 private:
  std::filesystem::path path_;
  std::ifstream in_;
  uint64_t file_size_ = 0;
  SafetensorsHeader header_;
};

}  // namespace alith::convert
