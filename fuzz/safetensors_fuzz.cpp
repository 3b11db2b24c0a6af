// libFuzzer target for the safetensors header parser: any bytes, read as the start of a file whose size the
// input also chooses, must give a header or a parse error; an accepted header must satisfy every invariant
// the converter relies on (ranges inside the data, no overlaps, sizes that match shapes).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "alith/convert/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte adds slack to the file size, so the fuzzer also reaches "prefix shorter than the file".
  const uint64_t extra = data[0] % 4 == 0 ? data[0] * 1024ull : 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  alith::convert::SafetensorsLimits limits;
  limits.max_header_bytes = 1 << 16;
  auto r = alith::convert::parse_safetensors_header(bytes, bytes.size() + extra, limits);
  if (!r.ok()) {
    if (r.error().code != alith::ErrorCode::parse) std::abort();
    return 0;
  }
  const auto& h = *r;
  if (h.data_offset + h.data_size != bytes.size() + extra) std::abort();
  uint64_t previous_end = 0;
  for (const auto& t : h.tensors) {
    if (t.begin > t.end || t.end > h.data_size) std::abort();
    if (t.elements() * alith::convert::dtype_size(t.dtype) != t.bytes()) std::abort();
    if (t.shape.size() > limits.max_rank) std::abort();
    if (t.bytes() != 0) {
      if (t.begin < previous_end) std::abort();
      previous_end = t.end;
    }
  }
  return 0;
}
