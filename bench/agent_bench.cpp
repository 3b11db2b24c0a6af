// Framework overhead of the agent loop against an in-process instant model.
//
// BM_AgentToolStep is one run of the shape that matters: the model asks for one tool call, the tool runs,
// the model answers. Compare it with BM_InstantModelOnly (the stub model producing the same two replies and
// nothing else) to see the loop's own cost. Counters: allocs_per_run is heap allocations per iteration,
// counted by the replaced global operator new below.

#include <benchmark/benchmark.h>

#include "ratio.h"

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>

#include "alith/agent/agent.h"
#include "alith/agent/schema.h"

namespace {

// The one global this binary allows: a counter for the replaced operator new (bench-only).
std::atomic<uint64_t> g_allocations{0};

}  // namespace

// libstdc++ routes new[], and the nothrow forms, through these. Aligned forms are not replaced.
// GCC cannot see that these replace the global pair and flags free() of a new'd pointer once inlined.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

namespace {

using namespace alith;

llm::ChatResponse instant_reply(const llm::ChatRequest& request) {
  llm::ChatResponse r;
  if (request.messages.back().role == llm::Role::tool) {
    r.message = llm::Message::assistant("The answer is 42.");
    r.usage = {10, 5, 15};
    return r;
  }
  llm::ToolCall call;
  call.id = "call_1";
  call.name = "echo";
  call.raw_arguments = R"({"x":41})";
  call.arguments = Json::object();
  call.arguments["x"] = 41;
  r.message = llm::Message::assistant("", {std::move(call)});
  r.finish_reason = llm::FinishReason::tool_calls;
  r.usage = {10, 5, 15};
  return r;
}

// Answers at once: a tool call first, the final answer once it sees a tool result. Stateless, so thread-safe.
class InstantModel final : public llm::ChatModel {
 public:
  llm::ChatResponse complete(const llm::ChatRequest& request, const llm::CallOptions&) override {
    return instant_reply(request);
  }
  llm::ChatResponse stream(const llm::ChatRequest& request, const llm::StreamHandler& on_event,
                           const llm::CallOptions&) override {
    auto r = instant_reply(request);
    llm::StreamEvent e;
    e.text = r.message.text();
    if (!e.text.empty()) on_event(e);
    return r;
  }
  std::string id() const override { return "instant:bench"; }
};

class AnswerModel final : public llm::ChatModel {
 public:
  llm::ChatResponse complete(const llm::ChatRequest&, const llm::CallOptions&) override {
    llm::ChatResponse r;
    r.message = llm::Message::assistant("The answer is 42.");
    return r;
  }
  llm::ChatResponse stream(const llm::ChatRequest& request, const llm::StreamHandler&,
                           const llm::CallOptions& options) override {
    return complete(request, options);
  }
  std::string id() const override { return "answer:bench"; }
};

std::shared_ptr<agent::Tool> echo_tool() {
  return agent::make_function_tool("echo", "Return x + 1", {"x"}, {"a number"}, [](int x) { return x + 1; });
}

void report_allocations(benchmark::State& state, uint64_t before) {
  const uint64_t allocs = g_allocations.load(std::memory_order_relaxed) - before;
  state.counters["allocs_per_run"] =
      benchmark::Counter(static_cast<double>(allocs), benchmark::Counter::kAvgIterations);
}

void BM_AgentToolStep(benchmark::State& state) {
  auto agent = agent::AgentBuilder().model(std::make_shared<InstantModel>()).tool(echo_tool()).build();
  if (agent->run("warm up").answer != "The answer is 42.") state.SkipWithError("unexpected answer");
  const uint64_t before = g_allocations.load();
  for (auto _ : state) {
    auto result = agent->run("What is 41 + 1?");
    benchmark::DoNotOptimize(result.answer.data());
  }
  report_allocations(state, before);
}
BENCHMARK(BM_AgentToolStep);

void BM_AgentToolStepStreaming(benchmark::State& state) {
  auto agent = agent::AgentBuilder().model(std::make_shared<InstantModel>()).tool(echo_tool()).build();
  size_t events = 0;
  const agent::EventHandler on_event = [&events](const agent::AgentEvent&) { ++events; };
  const uint64_t before = g_allocations.load();
  for (auto _ : state) {
    auto result = agent->stream("What is 41 + 1?", on_event);
    benchmark::DoNotOptimize(result.answer.data());
  }
  report_allocations(state, before);
  state.counters["events_per_run"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_AgentToolStepStreaming);

void BM_AgentAnswerOnly(benchmark::State& state) {
  auto agent = agent::AgentBuilder().model(std::make_shared<AnswerModel>()).tool(echo_tool()).build();
  const uint64_t before = g_allocations.load();
  for (auto _ : state) {
    auto result = agent->run("Hi");
    benchmark::DoNotOptimize(result.answer.data());
  }
  report_allocations(state, before);
}
BENCHMARK(BM_AgentAnswerOnly);

// The stub model's own share: building the two replies of BM_AgentToolStep.
void BM_InstantModelOnly(benchmark::State& state) {
  InstantModel model;
  llm::ChatRequest first;
  first.messages.push_back(llm::Message::user("What is 41 + 1?"));
  llm::ChatRequest second = first;
  second.messages.push_back(llm::Message::tool_result("call_1", "echo", "42"));
  const uint64_t before = g_allocations.load();
  for (auto _ : state) {
    auto a = model.complete(first, {});
    auto b = model.complete(second, {});
    benchmark::DoNotOptimize(a.message.tool_calls.data());
    benchmark::DoNotOptimize(b.message.content.data());
  }
  report_allocations(state, before);
}
BENCHMARK(BM_InstantModelOnly);

void BM_ValidateToolArgs(benchmark::State& state) {
  const Json schema = echo_tool()->spec().parameters;
  const Json args = {{"x", 41}};
  const uint64_t before = g_allocations.load();
  for (auto _ : state) {
    auto r = agent::validate(args, schema);
    benchmark::DoNotOptimize(r.ok());
  }
  report_allocations(state, before);
}
BENCHMARK(BM_ValidateToolArgs);

}  // namespace

int main(int argc, char** argv) {
  // The reference is the instant model answering alone: the ratio shows what the loop adds around it.
  return alith::bench::run_with_ratios(
      argc, argv,
      {{"BM_AgentToolStep", "BM_InstantModelOnly"}, {"BM_AgentAnswerOnly", "BM_InstantModelOnly"}});
}
