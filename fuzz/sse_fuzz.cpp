// libFuzzer target for the SSE parser: the input is fed whole and again in pieces whose sizes come from the
// input itself; both runs must agree on the events and on success, and nothing may crash or hang.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "alith/core/sse.h"

namespace {

struct Run {
  std::vector<alith::sse::Event> events;
  bool fed_ok = true;
  bool finished_ok = false;
};

Run parse(std::string_view text, const std::vector<size_t>& cuts) {
  alith::sse::Limits limits;
  limits.max_line_bytes = 4096;  // small caps so the fuzzer reaches the too_large paths
  limits.max_event_bytes = 8192;
  alith::sse::Parser parser(limits);
  Run run;
  auto on_event = [&run](alith::sse::Event&& e) { run.events.push_back(std::move(e)); };
  size_t at = 0;
  for (size_t cut : cuts) {
    if (cut <= at || cut > text.size()) continue;
    if (!parser.feed(text.substr(at, cut - at), on_event)) {
      run.fed_ok = false;
      return run;
    }
    at = cut;
  }
  if (!parser.feed(text.substr(at), on_event)) {
    run.fed_ok = false;
    return run;
  }
  run.finished_ok = parser.finish().ok();
  return run;
}

bool same(const Run& a, const Run& b) {
  if (a.fed_ok != b.fed_ok || a.finished_ok != b.finished_ok || a.events.size() != b.events.size())
    return false;
  for (size_t i = 0; i < a.events.size(); ++i) {
    const auto &x = a.events[i], &y = b.events[i];
    if (x.type != y.type || x.data != y.data || x.id != y.id || x.retry_ms != y.retry_ms) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte seeds the split pattern; the rest is the stream.
  const unsigned seed = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  std::vector<size_t> cuts;
  size_t at = 0;
  for (unsigned step = seed | 1u; at < text.size(); step = step * 37u + 11u) {
    at += 1 + step % 17;
    cuts.push_back(at);
  }
  const Run whole = parse(text, {});
  const Run split = parse(text, cuts);
  std::vector<size_t> bytewise(text.size());
  for (size_t i = 0; i < bytewise.size(); ++i) bytewise[i] = i + 1;
  const Run single = parse(text, bytewise);
  if (!same(whole, split) || !same(whole, single)) std::abort();
  return 0;
}
