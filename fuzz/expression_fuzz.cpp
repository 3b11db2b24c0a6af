// libFuzzer target for workflow condition expressions: any bytes either parse or give a ParseError with an
// offset inside the text; what parses evaluates against a small fixed state to a value or an alith::Error.
// Anything else (a crash, UB, another exception, a hang, a result that cannot be dumped) is a bug.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "alith/core/json.h"
#include "alith/flow/expression.h"

namespace {

const alith::Json& state() {
  static const alith::Json s = alith::Json::parse(R"({
    "approved": true, "rejected": false, "count": 3, "ratio": 0.5, "zero": 0, "name": "Ada", "empty": "",
    "nothing": null, "notes": ["a", "b", "c"], "list": [], "obj": {},
    "user": {"name": "Bob", "tags": ["x", "y"], "address": {"city": "Paris"}, "age": null},
    "items": [{"id": 1}, {"id": 2, "score": 9.5}], "text": "h\u00e9llo \u2603 \ud83d\ude00",
    "max": 9223372036854775807, "min": -9223372036854775808, "huge": 18446744073709551615, "tiny": 5e-324,
    "big": 1.7976931348623157e308
  })");
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = alith::flow::Expression::parse(text);
  if (!parsed.ok()) {
    const auto& error = parsed.error();
    if (error.code != alith::ErrorCode::parse || !error.offset || *error.offset > size) std::abort();
    return 0;
  }
  const alith::flow::Expression expression = *parsed;
  if (expression.text() != text) std::abort();
  bool evaluated = false, truth = false;
  try {
    const alith::Json value = expression.evaluate(state());
    (void)value.dump();  // literals and results are valid UTF-8: dumping never throws
    evaluated = true;
    truth = alith::flow::Expression::truthy(value);
  } catch (const alith::Error&) {
  }
  try {
    if (expression.test(state()) != truth || !evaluated) std::abort();
  } catch (const alith::Error&) {
    if (evaluated) std::abort();  // evaluate() and test() agree on errors too
  }
  return 0;
}
