// libFuzzer target for the SQLite checkpointer's run log (src/flow/checkpointers/run_log.h), the file replay
// reads after a crash. Each input is parsed twice: as a whole segment file, and as the payload of one record
// framed with a valid header and CRC, so that the fuzzer reaches the payload decoder past the checksum. Bad
// bytes must give a ParseError value or stop the reading quietly, never a crash; decoded views stay inside
// the input.

#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

#include "flow/checkpointers/run_log.h"

namespace {

void check(std::span<const std::byte> bytes) {
  auto records = alith::flow::detail::parse_run_log(bytes);
  if (!records) {
    if (records.error().code != alith::ErrorCode::parse) std::abort();
    return;
  }
  const auto* begin = reinterpret_cast<const char*>(bytes.data());
  const auto* end = begin + bytes.size();
  auto inside = [&](std::string_view s) {
    if (!s.empty() && (s.data() < begin || s.data() + s.size() > end)) std::abort();
  };
  for (const auto& r : *records) {
    for (auto s : {r.thread_id, r.checkpoint_id, r.parent_id, r.document}) inside(s);
    for (const auto& w : r.writes) {
      inside(w.task_id);
      inside(w.value);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  check({reinterpret_cast<const std::byte*>(data), size});
  std::vector<std::byte> framed(64 + 16 + size);
  std::memcpy(framed.data(), "ALITHRUNLOG", 12);
  const uint32_t version = 1, length = static_cast<uint32_t>(size), state = 0, marker = 0x21434552;
  const auto crc = static_cast<uint32_t>(crc32(crc32(0L, Z_NULL, 0), data, static_cast<uInt>(size)));
  std::memcpy(framed.data() + 12, &version, 4);
  std::memcpy(framed.data() + 64, &length, 4);
  std::memcpy(framed.data() + 68, &crc, 4);
  std::memcpy(framed.data() + 72, &state, 4);
  std::memcpy(framed.data() + 76, &marker, 4);
  if (size > 0) std::memcpy(framed.data() + 80, data, size);
  check(framed);
  return 0;
}
