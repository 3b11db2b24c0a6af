// The C++ reference for the SDKs' per-call overhead (bench/sdk_overhead.py, node/bench): the same agent on
// the instant ScriptedModel, called from C++. An SDK's overhead is its time per call minus these.
//
// BM_SdkPromptEcho: agent->prompt("hi") on an agent without tools; the model echoes the prompt.
// BM_SdkToolStep: one run where the model calls a tool (scripted: tool call, then answer), the tool returns
// its argument; the SDK version's tool is a host-language function, so this adds the cost of a callback. Each
// runs 5 repetitions in wall time; the median line is the figure to compare (us_per_call counter).

#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "alith/agent/agent.h"
#include "alith/agent/tool.h"
#include "alith/llm/scripted_model.h"

namespace {

using namespace alith;

void report(benchmark::State& state) {
  state.counters["us_per_call"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * 1e-6,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_SdkPromptEcho(benchmark::State& state) {
  auto model = std::make_shared<llm::ScriptedModel>();
  auto agent = agent::AgentBuilder().model(model).preamble("p").build();
  for (auto _ : state) {
    std::string answer = agent->prompt("hi");
    benchmark::DoNotOptimize(answer);
  }
  report(state);
}
BENCHMARK(BM_SdkPromptEcho)->Repetitions(5)->DisplayAggregatesOnly(true)->UseRealTime();

void BM_SdkToolStep(benchmark::State& state) {
  auto model = std::make_shared<llm::ScriptedModel>();
  auto echo = agent::make_tool(
      "echo", "Returns its text.",
      Json{{"type", "object"}, {"properties", {{"text", {{"type", "string"}}}}}, {"required", {"text"}}},
      [](const Json& args, const agent::ToolContext&) { return args["text"]; });
  auto agent = agent::AgentBuilder().model(model).preamble("p").tool(echo).build();
  for (auto _ : state) {
    model->push(llm::ScriptedModel::tool_call("echo", {{"text", "x"}}));
    model->push(llm::ScriptedModel::text("done"));
    std::string answer = agent->prompt("hi");
    benchmark::DoNotOptimize(answer);
  }
  report(state);
}
BENCHMARK(BM_SdkToolStep)->Repetitions(5)->DisplayAggregatesOnly(true)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
