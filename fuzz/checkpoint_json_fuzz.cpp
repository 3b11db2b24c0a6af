// libFuzzer target for stored checkpoint documents (what every checkpointer backend reads back): arbitrary
// JSON through checkpoint_from_json. A malformed document must be a ParseError value, never a crash or an
// exception, and an accepted one must survive its own round trip unchanged and be stored as dump_json writes
// it.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "alith/core/json.h"
#include "alith/flow/checkpointer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto json = alith::parse_json(std::string_view(reinterpret_cast<const char*>(data), size), 64);
  if (!json) return 0;
  auto checkpoint = alith::flow::checkpoint_from_json(*json);
  if (!checkpoint) {
    if (checkpoint.error().code != alith::ErrorCode::parse) std::abort();
    return 0;
  }
  // The document the backends store is written without building the tree: it must be the same text.
  if (alith::flow::checkpoint_document(*checkpoint) != alith::dump_json(alith::flow::to_json(*checkpoint))) {
    std::abort();
  }
  auto again = alith::flow::checkpoint_from_json(alith::flow::to_json(*checkpoint));
  if (!again) std::abort();
  if (alith::flow::to_json(*again) != alith::flow::to_json(*checkpoint)) std::abort();
  return 0;
}
