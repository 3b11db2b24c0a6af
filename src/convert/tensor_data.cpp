#include "tensor_data.h"

#include <ggml.h>

#include <cmath>
#include <cstring>

#include "alith/core/error.h"

namespace alith::convert {
namespace {

template <class T>
std::vector<T> elements_of(const std::vector<std::byte>& bytes) {
  std::vector<T> out(bytes.size() / sizeof(T));
  if (!out.empty()) std::memcpy(out.data(), bytes.data(), out.size() * sizeof(T));
  return out;
}

}  // namespace

std::vector<float> to_f32(const std::vector<std::byte>& bytes, Dtype dtype, const std::string& name) {
  const size_t size = dtype_size(dtype);
  if (bytes.size() % size != 0)
    throw InvalidArgumentError("tensor '" + name + "': " + std::to_string(bytes.size()) +
                               " bytes are not whole " + std::string(dtype_name(dtype)) + " elements");
  const size_t n = bytes.size() / size;
  std::vector<float> out(n);
  switch (dtype) {
    case Dtype::f32:
      return elements_of<float>(bytes);
    case Dtype::f64: {
      const auto wide = elements_of<double>(bytes);
      for (size_t i = 0; i < n; ++i) out[i] = static_cast<float>(wide[i]);
      return out;
    }
    case Dtype::f16: {
      const auto half = elements_of<ggml_fp16_t>(bytes);
      ggml_fp16_to_fp32_row(half.data(), out.data(), static_cast<int64_t>(n));
      return out;
    }
    case Dtype::bf16: {
      const auto brain = elements_of<ggml_bf16_t>(bytes);
      ggml_bf16_to_fp32_row(brain.data(), out.data(), static_cast<int64_t>(n));
      return out;
    }
    default:
      throw UnsupportedError("tensor '" + name + "' is " + std::string(dtype_name(dtype)) +
                             "; only F32, F16, BF16 and F64 weights convert");
  }
}

std::vector<std::byte> f32_bytes(const std::vector<float>& values) {
  std::vector<std::byte> out(values.size() * sizeof(float));
  if (!out.empty()) std::memcpy(out.data(), values.data(), out.size());
  return out;
}

std::vector<std::byte> f16_bytes(const std::vector<float>& values, const std::string& name) {
  constexpr float kMaxF16 = 65504.0f;
  for (float v : values) {
    if (std::isfinite(v) && std::fabs(v) > kMaxF16)
      throw UnsupportedError("tensor '" + name + "' holds " + std::to_string(v) +
                             ", beyond F16's range; convert to F32 instead");
  }
  std::vector<ggml_fp16_t> half(values.size());
  ggml_fp32_to_fp16_row(values.data(), half.data(), static_cast<int64_t>(values.size()));
  std::vector<std::byte> out(half.size() * sizeof(ggml_fp16_t));
  if (!out.empty()) std::memcpy(out.data(), half.data(), out.size());
  return out;
}

}  // namespace alith::convert
