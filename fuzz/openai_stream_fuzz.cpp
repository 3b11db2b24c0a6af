// Feeds arbitrary bytes, split at fuzzer-chosen points, through sse::Parser into openai::StreamAssembler (and
// the Anthropic assembler, which sits behind the same SSE path). Bad input must end in an alith::Error, never
// a crash, a hang or another exception type.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "alith/core/error.h"
#include "alith/core/sse.h"
#include "alith/llm/anthropic.h"
#include "alith/llm/openai.h"

namespace {

void drive(std::string_view bytes, size_t step, bool anthropic) {
  alith::sse::Parser parser;
  alith::llm::openai::StreamAssembler openai;
  alith::llm::anthropic::StreamAssembler claude;
  const alith::llm::StreamHandler ignore = [](const alith::llm::StreamEvent&) {};
  const auto on_event = [&](alith::sse::Event&& event) {
    if (anthropic) {
      claude.on_event(event.type, event.data, ignore);
    } else {
      openai.on_data(event.data, ignore);
    }
  };
  try {
    while (!bytes.empty()) {
      const size_t n = std::min(step, bytes.size());
      if (!parser.feed(bytes.substr(0, n), on_event).ok()) return;
      bytes.remove_prefix(n);
    }
    if (!parser.finish().ok()) return;
    if (anthropic) {
      (void)claude.finish();
    } else {
      (void)openai.finish();
    }
  } catch (const alith::Error&) {
    // A typed error is the expected outcome for malformed input.
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks the chunk size (1..128) and the decoder.
  const size_t step = (data[0] & 0x7F) + 1;
  const bool anthropic = (data[0] & 0x80) != 0;
  drive(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1), step, anthropic);
  return 0;
}
