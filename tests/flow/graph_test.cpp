#include "alith/flow/graph.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include "support/temp_dir.h"

namespace alith::flow {
namespace {

using ::alith::testing::TempDir;

// A node that adds `value` under `key` (through the key's reducer).
NodeFn put(std::string key, Json value) {
  return [key = std::move(key), value = std::move(value)](const Json&, NodeContext&) {
    return Json{{key, value}};
  };
}

TEST(FlowGraph, LinearRunAppliesUpdatesThroughReducers) {
  auto graph = GraphBuilder()
                   .state(StateSchema().key("log", Reducer::append()).key("n"))
                   .node("a",
                         [](const Json& s, NodeContext&) {
                           return Json{{"log", "a"}, {"n", s["n"].get<int>() + 1}};
                         })
                   .node("b",
                         [](const Json& s, NodeContext&) {
                           return Json{{"log", "b"}, {"n", s["n"].get<int>() * 10}};
                         })
                   .edge(std::string(START), "a")
                   .edge("a", "b")
                   .edge("b", std::string(END))
                   .compile();
  auto out = graph->invoke({{"n", 1}});
  EXPECT_EQ(out.status, RunOutcome::Status::done);
  EXPECT_EQ(out.state["n"], 20);
  EXPECT_EQ(out.state["log"], Json::array({"a", "b"}));
  EXPECT_EQ(out.steps, 2);
  EXPECT_EQ(graph->nodes(), (std::vector<std::string>{"a", "b"}));
}

TEST(FlowGraph, ReducersOverwriteAppendMergeCustom) {
  StateSchema schema;
  schema.key("o").key("a", Reducer::append()).key("m", Reducer::merge());
  schema.key("sum", Reducer::custom("sum", [](const Json& cur, const Json& up) {
               return Json(cur.is_null() ? up.get<int>() : cur.get<int>() + up.get<int>());
             }));
  Json state = schema.initial();
  schema.apply(state, {{"o", 1}, {"a", 1}, {"m", {{"x", 1}, {"y", 2}}}, {"sum", 5}});
  schema.apply(state, {{"o", 2}, {"a", Json::array({2, 3})}, {"m", {{"x", nullptr}, {"z", 3}}}, {"sum", 7}});
  EXPECT_EQ(state["o"], 2);
  EXPECT_EQ(state["a"], Json::array({1, 2, 3}));
  EXPECT_EQ(state["m"], (Json{{"y", 2}, {"z", 3}}));
  EXPECT_EQ(state["sum"], 12);
  // A rejected update leaves the state as it was.
  Json before = state;
  EXPECT_THROW(schema.apply(state, {{"o", 3}, {"m", 5}}), InvalidArgumentError);
  EXPECT_EQ(state, before);
  EXPECT_THROW(schema.apply(state, Json::array({1})), InvalidArgumentError);
}

TEST(FlowGraph, KeySchemasCheckValues) {
  StateSchema schema;
  schema.key("count", Reducer::overwrite(), Json{{"type", "integer"}, {"minimum", 0}});
  Json state = Json::object();
  schema.apply(state, {{"count", 3}});
  EXPECT_THROW(schema.apply(state, {{"count", "three"}}), SchemaError);
  EXPECT_THROW(schema.apply(state, {{"count", -1}}), SchemaError);
  EXPECT_EQ(state["count"], 3);
}

struct Typed {
  std::string title;
  int pages = 0;
  static constexpr auto fields =
      std::make_tuple(agent::field(&Typed::title, "title"), agent::field(&Typed::pages, "pages"));
};

TEST(FlowGraph, SchemaFromAStruct) {
  auto schema = StateSchema::of<Typed>();
  ASSERT_NE(schema.find("title"), nullptr);
  ASSERT_NE(schema.find("pages"), nullptr);
  Json state = Json::object();
  schema.apply(state, {{"pages", 12}});
  EXPECT_THROW(schema.apply(state, {{"pages", "many"}}), SchemaError);
  EXPECT_EQ(agent::from_json<Typed>(Json{{"title", "t"}, {"pages", state["pages"]}}).pages, 12);
}

// Parallel branches that write the same key: the result follows task order, not finishing order.
TEST(FlowGraph, ParallelWritesMergeInTaskOrderEveryRun) {
  std::mt19937 rng(7);
  auto sleepy = [&rng](std::string name) {
    const int ms = static_cast<int>(rng() % 5);
    return [name, ms](const Json&, NodeContext&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
      return Json{{"log", name}, {"last", name}};
    };
  };
  GraphBuilder b;
  b.state(StateSchema().key("log", Reducer::append()).key("last"));
  b.node("split", put("log", "split"));
  b.edge(std::string(START), "split");
  std::vector<std::string> workers;
  for (int i = 0; i < 8; ++i) {
    auto name = "w" + std::to_string(i);
    b.node(name, sleepy(name)).edge("split", name);
    workers.push_back(name);
  }
  b.node("gather", put("log", "gather")).join(workers, "gather").edge("gather", std::string(END));
  auto graph = b.compile();
  Json first;
  for (int run = 0; run < 20; ++run) {
    auto out = graph->invoke(Json::object());
    if (run == 0) {
      first = out.state;
      EXPECT_EQ(out.state["log"],
                Json::array({"split", "w0", "w1", "w2", "w3", "w4", "w5", "w6", "w7", "gather"}));
      EXPECT_EQ(out.state["last"], "w7");
      EXPECT_EQ(out.steps, 3);
    }
    EXPECT_EQ(out.state, first) << "run " << run;
  }
}

TEST(FlowGraph, JoinWaitsForBranchesOfDifferentLengths) {
  std::atomic<int> gathered{0};
  auto graph = GraphBuilder()
                   .state(StateSchema().key("log", Reducer::append()))
                   .node("a", put("log", "a"))
                   .node("b1", put("log", "b1"))
                   .node("b2", put("log", "b2"))
                   .node("gather",
                         [&](const Json& s, NodeContext&) {
                           ++gathered;
                           return Json{{"log", "gather:" + std::to_string(s["log"].size())}};
                         })
                   .edge(std::string(START), "a")
                   .edge(std::string(START), "b1")
                   .edge("b1", "b2")
                   .join({"a", "b2"}, "gather")
                   .edge("gather", std::string(END))
                   .compile();
  auto out = graph->invoke(Json::object());
  EXPECT_EQ(gathered.load(), 1);
  EXPECT_EQ(out.state["log"], Json::array({"a", "b1", "b2", "gather:3"}));
}

TEST(FlowGraph, BranchRoutesOnTheStateAfterTheStep) {
  auto graph =
      GraphBuilder()
          .state(StateSchema().key("n").key("log", Reducer::append()))
          .node("inc",
                [](const Json& s, NodeContext&) {
                  return Json{{"n", s.value("n", 0) + 1}};
                })
          .node("done", put("log", "done"))
          .edge(std::string(START), "inc")
          .branch("inc", [](const Json& s) -> Route { return s["n"] < 5 ? "inc" : "done"; }, {"inc", "done"})
          .edge("done", std::string(END))
          .max_steps(10)
          .compile();
  auto out = graph->invoke({{"n", 0}});
  EXPECT_EQ(out.state["n"], 5);
  EXPECT_EQ(out.steps, 6);
  auto limited = GraphBuilder()
                     .node("loop", put("x", 1))
                     .edge(std::string(START), "loop")
                     .branch("loop", [](const Json&) -> Route { return "loop"; }, {"loop", std::string(END)})
                     .max_steps(7)
                     .compile();
  try {
    limited->invoke(Json::object());
    FAIL() << "expected the step limit";
  } catch (const StepLimitError& e) {
    EXPECT_EQ(e.code(), ErrorCode::max_steps);
    EXPECT_NE(std::string(e.what()).find("7 steps"), std::string::npos);
  }
}

TEST(FlowGraph, RouterNamingAnUndeclaredTargetFails) {
  auto graph = GraphBuilder()
                   .node("a", put("x", 1))
                   .node("b", put("x", 2))
                   .edge(std::string(START), "a")
                   .branch("a", [](const Json&) -> Route { return "c"; }, {"b", std::string(END)})
                   .edge("b", std::string(END))
                   .compile();
  EXPECT_THROW(graph->invoke(Json::object()), InvalidArgumentError);
}

TEST(FlowGraph, SendMapsItemsToANodeAndReducesThem) {
  auto graph = GraphBuilder()
                   .state(StateSchema().key("items").key("squares", Reducer::append()))
                   .node("split", [](const Json&, NodeContext&) { return Json(); })
                   .node("square",
                         [](const Json& in, NodeContext&) {
                           const int x = in["x"].get<int>();
                           return Json{{"squares", x * x}};
                         })
                   .node("sum",
                         [](const Json& s, NodeContext&) {
                           int total = 0;
                           for (const auto& v : s["squares"]) total += v.get<int>();
                           return Json{{"total", total}};
                         })
                   .edge(std::string(START), "split")
                   .branch("split",
                           [](const Json& s) -> Route {
                             std::vector<Send> sends;
                             for (const auto& x : s["items"]) sends.push_back({"square", {{"x", x}}});
                             return sends;
                           },
                           {"square"})
                   .edge("square", "sum")
                   .edge("sum", std::string(END))
                   .compile();
  auto out = graph->invoke({{"items", {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}});
  EXPECT_EQ(out.state["squares"], Json::array({1, 4, 9, 16, 25, 36, 49, 64, 81, 100}));
  EXPECT_EQ(out.state["total"], 385);
}

TEST(FlowGraph, CompileReportsEveryProblem) {
  auto problems = [](GraphBuilder b) {
    try {
      b.compile();
    } catch (const GraphError& e) {
      return e.problems();
    }
    return std::vector<std::string>{};
  };
  auto has = [](const std::vector<std::string>& list, const std::string& text) {
    for (const auto& p : list) {
      if (p.find(text) != std::string::npos) return true;
    }
    return false;
  };
  auto p = problems(std::move(GraphBuilder()
                                  .node("a", put("x", 1))
                                  .node("a", put("x", 1))
                                  .node("b", put("x", 1))
                                  .node("island", put("x", 1))
                                  .edge(std::string(START), "a")
                                  .edge("a", "ghost")
                                  .edge("island", std::string(END))));
  EXPECT_TRUE(has(p, "node 'a' is defined twice"));
  EXPECT_TRUE(has(p, "edge a -> ghost: unknown node 'ghost'"));
  EXPECT_TRUE(has(p, "node 'a' has no outgoing edge"));
  EXPECT_TRUE(has(p, "node 'b' has no outgoing edge"));
  EXPECT_TRUE(has(p, "node 'island' cannot be reached from START"));

  p = problems(std::move(GraphBuilder()
                             .node("a", put("x", 1))
                             .node("b", put("x", 1))
                             .edge(std::string(START), "a")
                             .edge("a", "b")
                             .edge("b", "a")));
  EXPECT_TRUE(has(p, "node 'a' has no path to END"));
  EXPECT_TRUE(has(p, "cycle (a -> b -> a) and no step limit"));

  p = problems(
      std::move(GraphBuilder()
                    .node("a", put("x", 1))
                    .edge(std::string(START), "a")
                    .branch("a", [](const Json&) -> Route { return "a"; }, {"a", std::string(END)})));
  EXPECT_TRUE(has(p, "cycle (a -> a) and no step limit"));

  p = problems(std::move(GraphBuilder().node(std::string(END), put("x", 1))));
  EXPECT_TRUE(has(p, "reserved"));
  EXPECT_TRUE(has(p, "START has no outgoing edge"));
  EXPECT_NO_THROW(GraphBuilder()
                      .node("a", put("x", 1))
                      .edge(std::string(START), "a")
                      .branch("a", [](const Json&) -> Route { return "a"; }, {"a", std::string(END)})
                      .max_steps(3)
                      .compile());
}

TEST(FlowGraph, NodeErrorsPropagateWithTheirType) {
  auto graph = GraphBuilder()
                   .node("bad", [](const Json&, NodeContext&) -> Json { throw ToolError("boom"); })
                   .edge(std::string(START), "bad")
                   .edge("bad", std::string(END))
                   .compile();
  EXPECT_THROW(graph->invoke(Json::object()), ToolError);
  auto scalar = GraphBuilder()
                    .node("bad", [](const Json&, NodeContext&) { return Json(5); })
                    .edge(std::string(START), "bad")
                    .edge("bad", std::string(END))
                    .compile();
  EXPECT_THROW(scalar->invoke(Json::object()), InvalidArgumentError);
}

TEST(FlowGraph, EventsArriveOnTheCallingThreadInOrder) {
  const auto caller = std::this_thread::get_id();
  GraphBuilder b;
  b.state(StateSchema().key("log", Reducer::append()));
  b.node("a",
         [](const Json&, NodeContext& ctx) {
           ctx.emit_token("he");
           ctx.emit_token("llo");
           ctx.emit({{"progress", 1}});
           return Json{{"log", "a"}};
         })
      .node("b", put("log", "b"))
      .node("c", put("log", "c"))
      .edge(std::string(START), "a")
      .edge("a", "b")
      .edge("a", "c")
      .join({"b", "c"}, std::string("a2"))
      .node("a2", put("log", "a2"))
      .edge("a2", std::string(END));
  auto graph = b.compile();
  std::vector<std::string> kinds;
  std::string tokens;
  bool other_thread = false;
  RunConfig config;
  config.on_event = [&](const RunEvent& e) {
    if (std::this_thread::get_id() != caller) other_thread = true;
    static const char* names[] = {"step_started", "task_started",  "task_finished", "token",
                                  "custom",       "step_finished", "interrupted"};
    kinds.push_back(std::string(names[static_cast<int>(e.kind)]) + (e.node.empty() ? "" : ":" + e.node));
    if (e.kind == RunEvent::Kind::token) tokens += e.text;
  };
  graph->invoke(Json::object(), config);
  EXPECT_FALSE(other_thread);
  EXPECT_EQ(tokens, "hello");
  ASSERT_GE(kinds.size(), 6u);
  EXPECT_EQ(kinds[0], "step_started");
  EXPECT_EQ(kinds[1], "task_started:a");
  EXPECT_EQ(kinds[2], "token:a");
  EXPECT_EQ(kinds[4], "custom:a");
  EXPECT_EQ(kinds[5], "task_finished:a");
  EXPECT_EQ(kinds[6], "step_finished");
  EXPECT_EQ(kinds.back(), "step_finished");
}

TEST(FlowGraph, CancellationStopsBeforeTheNextStep) {
  auto cancel = CancelToken::create();
  auto graph = GraphBuilder()
                   .node("a",
                         [&](const Json&, NodeContext&) {
                           cancel.cancel();
                           return Json{{"x", 1}};
                         })
                   .node("b", put("x", 2))
                   .edge(std::string(START), "a")
                   .edge("a", "b")
                   .edge("b", std::string(END))
                   .compile();
  RunConfig config;
  config.cancel = cancel;
  EXPECT_THROW(graph->invoke(Json::object(), config), CancelledError);
}

// --- checkpoints -------------------------------------------------------------------------------------------

class FlowCheckpoints : public ::testing::TestWithParam<std::string> {
 protected:
  std::shared_ptr<Checkpointer> open() {
    return open_checkpointer(GetParam() == "memory" ? "memory:" : "sqlite:" + dir_.file("flow.db"));
  }
  CommitMode commit() const {
    return GetParam() == "sqlite-batched" ? CommitMode::batched : CommitMode::sync;
  }
  TempDir dir_{"alith-flow-"};
};

TEST_P(FlowCheckpoints, EveryStepIsCheckpointedWithParentLinks) {
  auto cp = open();
  auto graph = GraphBuilder()
                   .state(StateSchema().key("log", Reducer::append()))
                   .node("a", put("log", "a"))
                   .node("b", put("log", "b"))
                   .edge(std::string(START), "a")
                   .edge("a", "b")
                   .edge("b", std::string(END))
                   .compile();
  RunConfig config{"t1", cp, {}, {}, {}, {{"flow", "test"}}};
  config.commit = commit();
  auto out = graph->invoke(Json::object(), config);
  auto history = cp->list("t1");
  ASSERT_EQ(history.size(), 3u);  // input, after a, after b
  EXPECT_EQ(history[0].id, out.checkpoint_id);
  EXPECT_EQ(history[0].parent_id, history[1].id);
  EXPECT_EQ(history[1].parent_id, history[2].id);
  EXPECT_EQ(history[2].source, "input");
  EXPECT_EQ(history[2].step, -1);
  EXPECT_EQ(history[1].state["log"], Json::array({"a"}));
  EXPECT_EQ(history[1].next.size(), 1u);
  EXPECT_EQ(history[1].next[0].node, "b");
  EXPECT_TRUE(history[0].next.empty());
  EXPECT_EQ(history[0].metadata["flow"], "test");
  // A second run on the same thread goes on from its state.
  graph->invoke(Json::object(), config);
  EXPECT_EQ(cp->get("t1")->state["log"], Json::array({"a", "b", "a", "b"}));
}

TEST_P(FlowCheckpoints, InterruptPausesAndResumeAnswers) {
  auto cp = open();
  std::atomic<int> prepared{0}, asked{0};
  auto build = [&] {
    return GraphBuilder()
        .state(StateSchema().key("log", Reducer::append()))
        .node("prepare",
              [&](const Json&, NodeContext&) {
                ++prepared;
                return Json{{"log", "prepared"}};
              })
        .node("approve",
              [&](const Json&, NodeContext& ctx) {
                ++asked;
                Json first = ctx.interrupt({{"question", "approve?"}});
                Json second = ctx.interrupt({{"question", "sure?"}});
                return Json{{"log", first.get<std::string>() + "+" + second.get<std::string>()}};
              })
        .node("side", put("log", "side"))
        .edge(std::string(START), "prepare")
        .edge("prepare", "approve")
        .edge("prepare", "side")
        .join({"approve", "side"}, "finish")
        .node("finish", put("log", "finish"))
        .edge("finish", std::string(END))
        .compile();
  };
  RunConfig config{"t", cp, {}, {}, {}, {}};
  config.commit = commit();
  auto out = build()->invoke(Json::object(), config);
  ASSERT_EQ(out.status, RunOutcome::Status::interrupted);
  ASSERT_EQ(out.interrupts.size(), 1u);
  EXPECT_EQ(out.interrupts[0].node, "approve");
  EXPECT_EQ(out.interrupts[0].payload["question"], "approve?");
  EXPECT_THROW(build()->invoke(Json::object(), config), InvalidArgumentError);  // unfinished

  // A fresh graph object: nothing but the checkpointer carries the run.
  out = build()->resume(config, Json("yes"));
  ASSERT_EQ(out.status, RunOutcome::Status::interrupted);
  EXPECT_EQ(out.interrupts[0].payload["question"], "sure?");
  out = build()->resume(config, Json("really"));
  ASSERT_EQ(out.status, RunOutcome::Status::done);
  EXPECT_EQ(out.state["log"], Json::array({"prepared", "yes+really", "side", "finish"}));
  EXPECT_EQ(prepared.load(), 1);
  EXPECT_EQ(asked.load(), 3);  // the node reruns from its start on each resume
  // Nothing to answer now.
  EXPECT_THROW(build()->resume(config, Json("again")), InvalidArgumentError);
}

TEST_P(FlowCheckpoints, ResumeAfterAFailureRerunsOnlyUnfinishedTasks) {
  auto cp = open();
  std::atomic<int> good_runs{0}, flaky_runs{0};
  std::atomic<bool> fail{true};
  auto graph = GraphBuilder()
                   .state(StateSchema().key("log", Reducer::append()))
                   .node("good",
                         [&](const Json&, NodeContext&) {
                           ++good_runs;
                           return Json{{"log", "good"}};
                         })
                   .node("flaky",
                         [&](const Json&, NodeContext&) {
                           ++flaky_runs;
                           if (fail) throw IoError("transient");
                           return Json{{"log", "flaky"}};
                         })
                   .edge(std::string(START), "good")
                   .edge(std::string(START), "flaky")
                   .edge("good", std::string(END))
                   .edge("flaky", std::string(END))
                   .compile();
  RunConfig config{"t", cp, {}, {}, {}, {}};
  config.commit = commit();
  EXPECT_THROW(graph->invoke(Json::object(), config), IoError);
  fail = false;
  auto out = graph->resume(config);
  EXPECT_EQ(out.status, RunOutcome::Status::done);
  EXPECT_EQ(good_runs.load(), 1);
  EXPECT_EQ(flaky_runs.load(), 2);
  EXPECT_EQ(out.state["log"], Json::array({"good", "flaky"}));
}

TEST_P(FlowCheckpoints, ForkFromAnEarlierCheckpointBranchesTheHistory) {
  auto cp = open();
  auto graph = GraphBuilder()
                   .state(StateSchema().key("n").key("log", Reducer::append()))
                   .node("double",
                         [](const Json& s, NodeContext&) {
                           return Json{{"n", s["n"].get<int>() * 2}};
                         })
                   .node("report",
                         [](const Json& s, NodeContext&) {
                           return Json{{"log", s["n"]}};
                         })
                   .edge(std::string(START), "double")
                   .edge("double", "report")
                   .edge("report", std::string(END))
                   .compile();
  RunConfig config{"t", cp, {}, {}, {}, {}};
  config.commit = commit();
  graph->invoke({{"n", 3}}, config);
  EXPECT_EQ(cp->get("t")->state["log"], Json::array({6}));
  auto history = cp->list("t");
  ASSERT_EQ(history.size(), 3u);
  const auto input = history[2];  // before `double`
  auto out = graph->fork(config, input.id, {{"n", 10}});
  EXPECT_EQ(out.state["log"], Json::array({20}));
  history = cp->list("t");
  ASSERT_EQ(history.size(), 6u);
  EXPECT_EQ(history[2].source, "fork");
  EXPECT_EQ(history[2].parent_id, input.id);
  // The original branch is still there.
  EXPECT_EQ(cp->get("t", history[3].id)->state["log"], Json::array({6}));
  EXPECT_THROW(graph->fork(config, "nope"), InvalidArgumentError);
}

TEST_P(FlowCheckpoints, StepLimitKeepsTheCheckpointToResumeFrom) {
  auto cp = open();
  auto graph =
      GraphBuilder()
          .state(StateSchema().key("n"))
          .node("inc",
                [](const Json& s, NodeContext&) {
                  return Json{{"n", s.value("n", 0) + 1}};
                })
          .edge(std::string(START), "inc")
          .branch("inc", [](const Json& s) -> Route { return s["n"] < 10 ? "inc" : std::string(END); },
                  {"inc", std::string(END)})
          .max_steps(4)
          .compile();
  RunConfig config{"t", cp, {}, {}, {}, {}};
  config.commit = commit();
  EXPECT_THROW(graph->invoke(Json::object(), config), StepLimitError);
  EXPECT_EQ(cp->get("t")->state["n"], 4);
  config.max_steps = 100;
  auto out = graph->resume(config);
  EXPECT_EQ(out.state["n"], 10);
}

TEST_P(FlowCheckpoints, SubgraphUpdatesAndInterruptsPassThrough) {
  auto cp = open();
  auto inner = GraphBuilder()
                   .state(StateSchema().key("log", Reducer::append()))
                   .node("ask",
                         [](const Json&, NodeContext& ctx) {
                           Json v = ctx.interrupt("inner?");
                           return Json{{"log", "inner:" + v.get<std::string>()}, {"private", 1}};
                         })
                   .node("more", put("log", "inner:more"))
                   .edge(std::string(START), "ask")
                   .edge("ask", "more")
                   .edge("more", std::string(END))
                   .compile();
  auto outer = GraphBuilder()
                   .state(StateSchema().key("log", Reducer::append()))
                   .node("first", put("log", "first"))
                   .node("sub", inner)
                   .edge(std::string(START), "first")
                   .edge("first", "sub")
                   .edge("sub", std::string(END))
                   .compile();
  RunConfig config{"t", cp, {}, {}, {}, {}};
  config.commit = commit();
  auto out = outer->invoke(Json::object(), config);
  ASSERT_EQ(out.status, RunOutcome::Status::interrupted);
  EXPECT_EQ(out.interrupts[0].payload, "inner?");
  out = outer->resume(config, Json("ok"));
  ASSERT_EQ(out.status, RunOutcome::Status::done);
  EXPECT_EQ(out.state["log"], Json::array({"first", "inner:ok", "inner:more"}));
  EXPECT_FALSE(out.state.contains("private"));
}

INSTANTIATE_TEST_SUITE_P(Backends, FlowCheckpoints, ::testing::Values("memory", "sqlite", "sqlite-batched"));

}  // namespace
}  // namespace alith::flow
