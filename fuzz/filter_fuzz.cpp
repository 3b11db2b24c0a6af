// libFuzzer target for metadata filters: arbitrary JSON (as `alith query --where` takes it) through
// Filter::from_json, then to_json and back, then matches() against the input itself. Only alith::Error may
// escape, and a filter must survive its own round trip.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "alith/core/json.h"
#include "alith/store/filter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto spec = alith::parse_json(std::string_view(reinterpret_cast<const char*>(data), size), 32);
  if (!spec) return 0;
  try {
    const auto filter = alith::store::Filter::from_json(*spec);
    const auto again = alith::store::Filter::from_json(filter.to_json());
    if (again.conditions().size() > filter.conditions().size()) std::abort();
    (void)filter.matches(*spec);
  } catch (const alith::Error&) {
  }
  return 0;
}
