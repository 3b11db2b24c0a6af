// libFuzzer target for the HTML loader through load_bytes: gumbo's parse plus alith's text extraction. Only
// alith::Error may escape, and a loaded document's text must be valid UTF-8 (dumping it as JSON checks that).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "alith/core/json.h"
#include "alith/knowledge/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  alith::knowledge::LoadOptions options;
  options.max_bytes = 1u << 16;
  try {
    const auto docs = alith::knowledge::load_bytes(bytes, "html", "fuzz.html", options);
    for (const auto& d : docs) {
      // Throws nlohmann's type_error (not an alith::Error, so the fuzzer reports it) on invalid UTF-8.
      (void)alith::Json(d.text).dump();
      (void)d.metadata.dump();
    }
  } catch (const alith::Error&) {
  }
  return 0;
}
