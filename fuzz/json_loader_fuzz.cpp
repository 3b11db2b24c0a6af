// libFuzzer target for the JSON and JSON Lines loaders through load_bytes. The first byte picks the format
// and the field mapping (record pointer, text field, metadata, ids); the rest is the file. Only alith::Error
// may escape.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "alith/knowledge/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const unsigned pick = data[0];
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  alith::knowledge::LoadOptions options;
  options.max_bytes = 1u << 16;
  if (pick & 2) options.json.records = (pick & 16) ? "/items" : "/data/0/items";
  if (pick & 4) options.json.text_field = (pick & 32) ? "/body/text" : "text";
  if (pick & 8) options.json.metadata_fields = {"author", "/meta/year", "/tags/1"};
  if (pick & 64) options.json.id_field = (pick & 128) ? "/meta/id" : "id";
  try {
    (void)alith::knowledge::load_bytes(bytes, (pick & 1) ? "jsonl" : "json", "fuzz.json", options);
  } catch (const alith::Error&) {
  }
  return 0;
}
