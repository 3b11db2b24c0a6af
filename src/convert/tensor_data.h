#pragma once

// Turning checkpoint tensor bytes into the F32 or F16 data of a GGUF tensor.

#include <cstddef>
#include <string>
#include <vector>

#include "alith/convert/safetensors.h"

namespace alith::convert {

// Widens F32, F16, BF16 and F64 data to F32. Throws UnsupportedError for other dtypes (integer tensors have
// no place among BERT weights), InvalidArgumentError when bytes does not hold whole elements.
std::vector<float> to_f32(const std::vector<std::byte>& bytes, Dtype dtype, const std::string& name);

// The bytes of the values as F32.
std::vector<std::byte> f32_bytes(const std::vector<float>& values);

// The bytes of the values as F16, rounded to nearest. Throws UnsupportedError when a finite value lies beyond
// F16's range (it would become infinite), which calls for F32 output instead.
std::vector<std::byte> f16_bytes(const std::vector<float>& values, const std::string& name);

}  // namespace alith::convert
