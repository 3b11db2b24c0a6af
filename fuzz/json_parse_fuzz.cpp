// libFuzzer target for parse_json: simdjson's fast path and nlohmann's parser must agree on every input. What
// parse_json accepts, nlohmann accepts with the same value, number kinds included (compared through
// dump_json, which writes 1 and 1.0 differently); what it refuses, nlohmann refuses or finds too deep. And
// parse_json_members agrees with parse_json.

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
  // parse_json_members: an object's members, gathered again, are parse_json's object; other values come back.
  alith::Json gathered = alith::Json::object();
  bool any = false;
  auto members = alith::parse_json_members(
      text,
      [&](std::string_view key, alith::Json&& value) {
        any = true;
        gathered[std::string(key)] = std::move(value);
      },
      kMaxDepth);
  if (members.ok() != ours.ok()) std::abort();
  if (members.ok()) {
    const alith::Json& whole = *ours;
    if (members->has_value()) {
      if (any || alith::dump_json(**members) != alith::dump_json(whole)) std::abort();
    } else if (!whole.is_object() || alith::dump_json(gathered) != alith::dump_json(whole)) {
      std::abort();
    }
  } else if (any) {
    std::abort();  // bad text hands nothing over
  }
  return 0;
}
