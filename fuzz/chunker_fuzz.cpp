// libFuzzer target for the chunkers: arbitrary bytes as a Markdown and as a plain document, sizes from the
// input. Every chunk must stay within its limit (a token here is a byte, so the limit is exact), point back
// to its own text, and the chunks must cover every non-blank byte; nothing may crash or hang.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "alith/knowledge/chunker.h"

namespace {

bool blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

void check(const alith::knowledge::Document& d, const std::vector<alith::knowledge::Chunk>& chunks,
           size_t max) {
  std::string covered(d.text.size(), 0);
  for (const auto& c : chunks) {
    if (c.tokens > max && c.text.size() > 4) {
      fprintf(stderr, "chunk tokens %zu max %zu size %zu begin %zu\n", c.tokens, max, c.text.size(),
              c.span.begin);
      std::abort();
    }
    if (c.span.end > d.text.size() || c.span.begin > c.span.end) std::abort();
    if (d.text.compare(c.span.begin, c.span.end - c.span.begin, c.text) != 0) std::abort();
    for (size_t i = c.span.begin; i < c.span.end; ++i) covered[i] = 1;
  }
  for (size_t i = 0; i < d.text.size(); ++i) {
    if (!blank(d.text[i]) && !covered[i]) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const size_t max = 1 + data[0] % 64;
  const size_t overlap = data[1] % max;
  alith::knowledge::Document d;
  d.id = d.source = "fuzz";
  d.text.assign(reinterpret_cast<const char*>(data + 2), size - 2);
  alith::knowledge::ChunkOptions options;
  options.max_tokens = max;
  options.overlap_tokens = overlap;
  options.count_tokens = [](std::string_view t) { return t.size(); };
  check(d, alith::knowledge::split_markdown(d, options), max);
  check(d, alith::knowledge::split_recursive(d, options), max);
  return 0;
}
