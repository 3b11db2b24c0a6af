// libFuzzer target for the Markdown and text loaders through load_bytes: YAML front matter (yaml-cpp, with
// alias bombs and deep nesting capped), UTF-8 repair and the binary check. Only alith::Error may escape; a
// Markdown document keeps the file's line count (front matter is blanked, not removed).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "alith/knowledge/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  alith::knowledge::LoadOptions options;
  options.max_bytes = 1u << 16;
  for (const char* format : {"markdown", "text"}) {
    try {
      const auto docs = alith::knowledge::load_bytes(bytes, format, "fuzz.md", options);
      if (docs.size() != 1 || !docs[0].metadata.is_object()) std::abort();
      // A valid UTF-8 input without a BOM keeps its lines where they were.
      if (!bytes.starts_with("\xEF\xBB\xBF") && std::count(docs[0].text.begin(), docs[0].text.end(), '\n') !=
                                                    std::count(bytes.begin(), bytes.end(), '\n'))
        std::abort();
    } catch (const alith::Error&) {
    }
  }
  return 0;
}
