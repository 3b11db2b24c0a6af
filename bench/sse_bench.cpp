// SSE parser throughput on a realistic OpenAI chat-completion stream, next to a plain memchr scan for '\n'
// over the same bytes (the floor any line-based parser must pay). Compare the bytes_per_second columns.

#include <benchmark/benchmark.h>

#include "ratio.h"

#include <cstring>
#include <string>

#include "alith/core/sse.h"

namespace {

// ~10 MB of "data: {chunk}\n\n" events as OpenAI streams them, plus the occasional keep-alive comment.
const std::string& openai_stream() {
  static const std::string stream = [] {
    static const char* const kWords[] = {" the",  " quick", " brown", " fox",  " jumps", " over",
                                         " lazy", " dog",   ",",      " and",  " then",  " écrit",
                                         " 数据", " 🙂",  "\\n",    " token"};
    std::string out;
    out.reserve(11u << 20);
    for (size_t i = 0; out.size() < (10u << 20); ++i) {
      if (i % 500 == 0) out += ": keep-alive\n\n";
      out += R"(data: {"id":"chatcmpl-9xQ2bT8kZrN4mLw3pYc7vD1eF","object":"chat.completion.chunk",)";
      out += R"("created":1718000000,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_0aa8d3e20b",)";
      out += R"("choices":[{"index":0,"delta":{"content":")";
      out += kWords[i % 16];
      out += R"("},"logprobs":null,"finish_reason":null}]})";
      out += "\n\n";
    }
    out += "data: [DONE]\n\n";
    return out;
  }();
  return stream;
}

void parse(benchmark::State& state, size_t piece) {
  const std::string& stream = openai_stream();
  size_t events = 0;
  for (auto _ : state) {
    alith::sse::Parser parser;
    size_t n = 0;
    auto on_event = [&n](alith::sse::Event&& e) {
      n += e.data.size() > 0;
      benchmark::DoNotOptimize(e.data.data());
    };
    for (size_t at = 0; at < stream.size(); at += piece) {
      auto r = parser.feed(std::string_view(stream).substr(at, piece), on_event);
      if (!r) state.SkipWithError("parse failed");
    }
    if (!parser.finish()) state.SkipWithError("finish failed");
    events = n;
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * stream.size()));
  state.counters["events"] = static_cast<double>(events);
}

// Network-sized reads, as curl hands them over.
void BM_SseParse16K(benchmark::State& state) {
  parse(state, 16 * 1024);
}
void BM_SseParseWhole(benchmark::State& state) {
  parse(state, std::string::npos);
}
// Tiny reads: every event straddles pieces, exercising the buffered path.
void BM_SseParse100B(benchmark::State& state) {
  parse(state, 100);
}

void BM_MemchrNewlines(benchmark::State& state) {
  const std::string& stream = openai_stream();
  for (auto _ : state) {
    size_t lines = 0;
    const char* p = stream.data();
    const char* end = p + stream.size();
    while (const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p))) {
      ++lines;
      p = static_cast<const char*>(nl) + 1;
    }
    benchmark::DoNotOptimize(lines);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * stream.size()));
}

BENCHMARK(BM_SseParse16K)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SseParseWhole)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SseParse100B)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MemchrNewlines)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  // The reference is a bare memchr scan for line ends over the same bytes: the floor any SSE parser pays.
  return alith::bench::run_with_ratios(argc, argv,
                                       {{"BM_SseParseWhole", "BM_MemchrNewlines"},
                                        {"BM_SseParse16K", "BM_MemchrNewlines"},
                                        {"BM_SseParse100B", "BM_MemchrNewlines"}});
}
