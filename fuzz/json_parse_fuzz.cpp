// libFuzzer target for parse_json: simdjson's fast path and nlohmann's parser must agree on every input. What
// parse_json accepts, nlohmann accepts with the same value, number kinds included (compared through
// dump_json, which writes 1 and 1.0 differently); what it refuses, nlohmann refuses or finds too deep.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "alith/core/json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  constexpr size_t kMaxDepth = 16;
  auto ours = alith::parse_json(text, kMaxDepth);
  auto reference = alith::Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (ours.ok()) {
    if (reference.is_discarded() || alith::dump_json(*ours) != alith::dump_json(reference)) std::abort();
  } else {
    if (!ours.error().offset) std::abort();  // every refusal says where
    // A refusal of text nlohmann takes is only right for nesting past the limit.
    if (!reference.is_discarded() && ours.error().message.find("nesting deeper") == std::string::npos)
      std::abort();
  }
  return 0;
}
