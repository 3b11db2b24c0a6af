// libFuzzer target for the calculator tool's expression parser: any bytes give a number or a typed error,
// never a crash, a hang or unbounded recursion.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "alith/agent/builtin_tools.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view expression(reinterpret_cast<const char*>(data), size);
  auto result = alith::agent::evaluate_arithmetic(expression);
  if (result.ok()) {
    volatile double sink = *result;
    (void)sink;
  }
  return 0;
}
