// Workflow engine overhead against LangGraph, in one run.
//
// The graphs are those of bench/langgraph_flow.py (read its header for the exact semantics), built here with
// alith's GraphBuilder and every node a no-op that returns a one-value update:
//   linear  100 nodes in a chain, one per step: the engine's cost per step;
//   fanout  split -> 100 workers by static edges -> a join -> END: the 1 -> 100 -> 1 fan-out and fan-in;
//   send    split -> 100 Sends to one worker node -> join -> END: the map-reduce form.
// Each runs with no checkpointer, the memory checkpointer, and SQLite:
//   sqlite-normal        alith's defaults: synchronous=NORMAL (durable when the process dies) and
//                        CommitMode::automatic, which on SQLite is batched through the run log: each step's
//                        checkpoint is in the memory-mapped log before the next step starts (a kill loses no
//                        finished step) and a background writer commits them to SQLite in groups;
//   sqlite-normal-sync   NORMAL with CommitMode::sync: a SQLite commit per step;
//   sqlite-full          synchronous=FULL (an fsync per commit: durable on power loss); automatic is sync
//                        there (no run log: it would not survive a power loss);
//   sqlite-full-batched  FULL with batched commits (a crash loses the steps since the last group).
// LangGraph's default "async" durability writes each checkpoint on a background thread while the next step
// runs (a crash can lose it), one commit each; the -sync case is compared with its "sync" durability.
// Every invoke uses a new thread id, as the LangGraph side does.
//
// Then LangGraph 1.2.24 runs the same graphs in the venv of scripts/bench-venv-langgraph (created on first
// use; $ALITH_BENCH_LANGGRAPH_PYTHON overrides it), its SQLite runs at the same synchronous setting as the
// alith run it is compared with (and its durability mode as said above), and the program prints
// "ratio langgraph/alith" for every pair.
// --no-langgraph skips the reference. Google Benchmark flags (--benchmark_filter, --benchmark_min_time) apply
// to the alith side; --langgraph-seconds sets the reference's time per combination (default 2).

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "alith/flow/graph.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

#ifndef ALITH_SOURCE_DIR
#define ALITH_SOURCE_DIR "."
#endif

namespace {

using alith::Json;
using namespace alith::flow;

constexpr int kNodes = 100;

std::shared_ptr<const Graph> linear_graph() {
  GraphBuilder b;
  b.state(StateSchema().key("n"));
  for (int i = 0; i < kNodes; ++i) {
    const std::string name = "n" + std::to_string(i);
    b.node(name, [](const Json& s, NodeContext&) { return Json{{"n", s["n"].get<int64_t>() + 1}}; });
    b.edge(i == 0 ? std::string(START) : "n" + std::to_string(i - 1), name);
  }
  b.edge("n" + std::to_string(kNodes - 1), std::string(END));
  return b.compile();
}

NodeFn nothing() {
  return [](const Json&, NodeContext&) { return Json(); };
}

std::shared_ptr<const Graph> fanout_graph() {
  GraphBuilder b;
  b.state(StateSchema().key("results", Reducer::append()));
  b.node("split", nothing()).edge(std::string(START), "split");
  std::vector<std::string> workers;
  for (int i = 0; i < kNodes; ++i) {
    const std::string name = "w" + std::to_string(i);
    b.node(name, [i](const Json&, NodeContext&) { return Json{{"results", Json::array({i})}}; });
    b.edge("split", name);
    workers.push_back(name);
  }
  b.node("join", nothing()).join(workers, "join").edge("join", std::string(END));
  return b.compile();
}

std::shared_ptr<const Graph> send_graph() {
  return GraphBuilder()
      .state(StateSchema().key("results", Reducer::append()))
      .node("split", nothing())
      .node("worker",
            [](const Json& in, NodeContext&) {
              return Json{{"results", Json::array({in["i"]})}};
            })
      .node("join", nothing())
      .edge(std::string(START), "split")
      .branch("split",
              [](const Json&) -> Route {
                std::vector<Send> sends;
                sends.reserve(kNodes);
                for (int i = 0; i < kNodes; ++i) sends.push_back({"worker", {{"i", i}}});
                return sends;
              },
              {"worker"})
      .edge("worker", "join")
      .edge("join", std::string(END))
      .compile();
}

struct Case {
  std::string graph;         // linear, fanout, send
  std::string checkpointer;  // none, memory, sqlite-normal, sqlite-full
};

std::shared_ptr<const Graph> graph_for(const std::string& name) {
  if (name == "linear") return linear_graph();
  if (name == "fanout") return fanout_graph();
  return send_graph();
}

void check(const std::string& graph, const Json& state, benchmark::State& st) {
  if (graph == "linear") {
    if (state["n"] != kNodes) st.SkipWithError("linear: wrong final n");
    return;
  }
  Json expected = Json::array();
  for (int i = 0; i < kNodes; ++i) expected.push_back(i);
  if (state["results"] != expected) st.SkipWithError((graph + ": wrong results").c_str());
}

void run_case(benchmark::State& st, const Case& c) {
  auto graph = graph_for(c.graph);
  alith::testing::TempDir dir("alith-flow-bench-");
  RunConfig config;
  if (c.checkpointer == "memory") {
    config.checkpointer = open_checkpointer("memory:");
  } else if (c.checkpointer != "none") {
    CheckpointerOptions options;
    options.durability =
        c.checkpointer.find("full") != std::string::npos ? Durability::power_loss : Durability::process;
    if (c.checkpointer.find("batched") != std::string::npos) config.commit = CommitMode::batched;
    if (c.checkpointer.ends_with("-sync")) config.commit = CommitMode::sync;
    config.checkpointer = open_checkpointer("sqlite:" + dir.file("flow.db"), options);
  }
  const Json input = c.graph == "linear" ? Json{{"n", 0}} : Json{{"results", Json::array()}};
  int64_t k = 0;
  Json last;
  for (auto _ : st) {
    config.thread_id = "t" + std::to_string(k++);
    last = graph->invoke(input, config).state;
  }
  check(c.graph, last, st);
}

// Real time per iteration of every alith case, by name.
class Collect : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& run : runs) {
      if (run.run_type == Run::RT_Iteration && !run.error_occurred) {
        const std::string name = run.benchmark_name();
        us_[name.substr(0, name.find('/'))] = run.GetAdjustedRealTime();  // microseconds (the unit set below)
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }
  std::map<std::string, double> us_;
};

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// One LangGraph measurement: microseconds per invoke, or a negative number when it could not run.
double langgraph_us(const std::string& python, const std::string& graph, const std::string& checkpointer,
                    const std::string& synchronous, const std::string& durability, double seconds) {
  std::string command = quote(python) + " " +
                        quote(std::string(ALITH_SOURCE_DIR) + "/bench/langgraph_flow.py") +
                        " --json --graph " + graph + " --checkpointer " + checkpointer + " --min-seconds " +
                        std::to_string(seconds);
  if (!synchronous.empty()) command += " --sqlite-synchronous " + synchronous;
  if (!durability.empty()) command += " --durability " + durability;
  auto out = alith::testing::run_command(command + " 2>/dev/null");
  if (out.status != 0) return -1;
  auto line = out.out.substr(0, out.out.find('\n'));
  auto json = Json::parse(line, nullptr, false);
  if (json.is_discarded() || !json.contains("us_per_invoke")) return -1;
  return json["us_per_invoke"].get<double>();
}

}  // namespace

int main(int argc, char** argv) {
  bool langgraph = true;
  double langgraph_seconds = 2.0;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--no-langgraph") {
      langgraph = false;
    } else if (a.rfind("--langgraph-seconds=", 0) == 0) {
      langgraph_seconds = std::stod(a.substr(20));
    } else {
      args.push_back(argv[i]);
    }
  }
  const std::vector<Case> cases = [] {
    std::vector<Case> out;
    for (const char* g : {"linear", "fanout", "send"}) {
      for (const char* c :
           {"none", "memory", "sqlite-normal", "sqlite-normal-sync", "sqlite-full", "sqlite-full-batched"}) {
        out.push_back({g, c});
      }
    }
    return out;
  }();
  for (const auto& c : cases) {
    benchmark::RegisterBenchmark(("alith_" + c.graph + "_" + c.checkpointer).c_str(),
                                 [c](benchmark::State& st) { run_case(st, c); })
        ->Unit(benchmark::kMicrosecond)
        ->UseRealTime();
  }
  int count = static_cast<int>(args.size());
  benchmark::Initialize(&count, args.data());
  Collect reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  std::printf("\nalith per step (linear, %d nodes):", kNodes);
  for (const char* c :
       {"none", "memory", "sqlite-normal", "sqlite-normal-sync", "sqlite-full", "sqlite-full-batched"}) {
    auto it = reporter.us_.find(std::string("alith_linear_") + c);
    if (it != reporter.us_.end()) std::printf("  %s %.2f us", c, it->second / kNodes);
  }
  std::printf("\n");
  if (!langgraph) return 0;

  std::string python;
  if (const char* p = std::getenv("ALITH_BENCH_LANGGRAPH_PYTHON"); p && *p) {
    python = p;
  } else {
    auto out =
        alith::testing::run_command(quote(std::string(ALITH_SOURCE_DIR) + "/scripts/bench-venv-langgraph"));
    python = out.out.substr(0, out.out.find('\n'));
    if (out.status != 0 || python.empty()) {
      std::printf("LangGraph reference unavailable (scripts/bench-venv-langgraph failed)\n");
      return 1;
    }
  }
  std::printf("\nLangGraph reference (%s):\n", python.c_str());
  for (const auto& c : cases) {
    auto mine = reporter.us_.find("alith_" + c.graph + "_" + c.checkpointer);
    if (mine == reporter.us_.end()) continue;
    std::string checkpointer = c.checkpointer, synchronous;
    if (c.checkpointer.rfind("sqlite-normal", 0) == 0) checkpointer = "sqlite", synchronous = "NORMAL";
    if (c.checkpointer.rfind("sqlite-full", 0) == 0) checkpointer = "sqlite", synchronous = "FULL";
    const std::string durability = c.checkpointer.ends_with("-sync") ? "sync" : "";
    const double theirs =
        langgraph_us(python, c.graph, checkpointer, synchronous, durability, langgraph_seconds);
    if (theirs < 0) {
      std::printf("  %-7s %-19s langgraph failed\n", c.graph.c_str(), c.checkpointer.c_str());
      continue;
    }
    std::printf("  %-7s %-19s alith %10.1f us  langgraph %10.1f us  ratio langgraph/alith: %.1f\n",
                c.graph.c_str(), c.checkpointer.c_str(), mine->second, theirs, theirs / mine->second);
    std::fflush(stdout);
  }
  return 0;
}
