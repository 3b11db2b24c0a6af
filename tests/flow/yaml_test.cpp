// Workflow files: a file with every node and edge kind loads and runs (agents on a scripted model through
// the model factory), and malformed files are rejected with every problem at its file:line:col before
// anything runs.

#include "alith/flow/yaml.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>

#include "../agent/scripted_model.h"
#include "alith/flow/checkpointer.h"
#include "support/temp_dir.h"

namespace alith::flow {
namespace {

using agent::testing::ScriptedModel;
using agent::testing::text_reply;
using ::alith::testing::TempDir;

// Counts what a workflow did: models made, tool calls. A rejected file must leave both at zero.
struct Probe {
  std::shared_ptr<ScriptedModel> model = std::make_shared<ScriptedModel>();
  std::shared_ptr<std::atomic<int>> models_made = std::make_shared<std::atomic<int>>(0);
  std::shared_ptr<std::atomic<int>> tool_calls = std::make_shared<std::atomic<int>>(0);
  std::shared_ptr<std::vector<std::string>> refs = std::make_shared<std::vector<std::string>>();

  WorkflowOptions options() const {
    WorkflowOptions o;
    o.model_factory = [model = model, made = models_made, refs = refs](const std::string& ref) {
      ++*made;
      refs->push_back(ref);
      return model;
    };
    o.tools["count"] = agent::make_tool(
        "count", "Counts its calls", Json{{"type", "object"}, {"properties", {{"n", {{"type", "integer"}}}}}},
        [calls = tool_calls](const Json& args, const agent::ToolContext&) {
          ++*calls;
          return Json(args.value("n", 0) + 1);
        });
    return o;
  }
};

RunConfig with_memory(std::string thread = "t") {
  RunConfig config;
  config.thread_id = std::move(thread);
  config.checkpointer = open_checkpointer("memory:");
  return config;
}

constexpr const char* kEverything = R"yaml(name: everything
max_steps: 40
state:
  topic:
  notes: {reducer: append}
  items: {initial: [1, 2, 3], schema: {type: array}}
  squares: append
  approved:
  draft:
  published:
  count:
  summary:
  bumped:
agents:
  writer:
    model: "scripted:writer"
    preamble: You write short drafts.
    tools: [calculator]
    memory: {window: 10}
    max_steps: 3
nodes:
  write: {agent: writer, prompt: "Write about {{topic}}", output: draft}
  approve: {interrupt: "Publish this draft?\n{{draft}}", output: approved}
  publish: {set: {published: "true", notes: "'published ' + topic"}}
  split: {set: {notes: "'split'"}}
  square: {tool: calculator, args: {expression: "{{item}} * {{item}}"}, output: squares}
  other: {set: {notes: "'other'"}}
  gather: {set: {count: "len(squares)"
}
}
  bump: {tool: count, args: {n: "{{count}}"}, output: bumped}
  review: {flow: sub.yaml}
edges:
  - {from: start, to: write}
  - {from: write, to: approve}
  - {from: approve, to: publish, when: "approved == true or approved == 'yes'"}
  - {from: approve, to: write, else: true}
  - {from: publish, to: [split, other]}
  - {from: split, map: items, to: square, as: item}
  - {from: [square, other], to: gather}
  - {from: gather, to: bump}
  - {from: bump, to: review}
  - {from: review, to: end}
)yaml";

constexpr const char* kSub = R"yaml(# a subflow: reads the parent's state, returns what it sets
nodes:
  summarize: {set: {summary: "'count ' + str(count)"
  }
  }
edges:
  - {from: start, to: summarize}
  - {from: summarize, to: end}
)yaml";

TEST(FlowYaml, EveryNodeAndEdgeKindLoadsAndRuns) {
  TempDir dir("alith-flow-yaml-");
  dir.write("sub.yaml", kSub);
  const auto path = dir.write("everything.yaml", kEverything);
  Probe probe;
  auto workflow = load_workflow(path, probe.options());
  EXPECT_EQ(workflow.name, "everything");
  ASSERT_EQ(workflow.files.size(), 2u);
  EXPECT_EQ(workflow.files[0].path, std::filesystem::canonical(path));
  EXPECT_EQ(workflow.files[0].sha256.size(), 64u);
  EXPECT_EQ(workflow.files[1].path.filename(), "sub.yaml");
  EXPECT_EQ(workflow.agents, std::vector<std::string>{"writer"});
  EXPECT_EQ(*probe.models_made, 0) << "loading must not make models";

  probe.model->push(text_reply("A short draft about rollups."));
  auto config = with_memory();
  std::string tokens;
  config.on_event = [&](const RunEvent& e) {
    if (e.kind == RunEvent::Kind::token) tokens += e.text;
  };
  auto out = workflow.graph->invoke({{"topic", "rollups"}}, config);
  ASSERT_EQ(out.status, RunOutcome::Status::interrupted);
  ASSERT_EQ(out.interrupts.size(), 1u);
  EXPECT_EQ(out.interrupts[0].node, "approve");
  EXPECT_EQ(out.interrupts[0].payload, "Publish this draft?\nA short draft about rollups.");
  EXPECT_EQ(tokens, "A short draft about rollups.");
  EXPECT_EQ(*probe.models_made, 1);
  EXPECT_EQ(*probe.refs, std::vector<std::string>{"scripted:writer"});
  ASSERT_EQ(probe.model->requests().size(), 1u);
  EXPECT_EQ(probe.model->requests()[0].messages.back().text(), "Write about rollups");

  out = workflow.graph->resume(config, Json("yes"));
  ASSERT_EQ(out.status, RunOutcome::Status::done) << out.state.dump();
  EXPECT_EQ(out.state["published"], true);
  EXPECT_EQ(out.state["squares"], Json::array({"1", "4", "9"}));
  EXPECT_EQ(out.state["notes"], Json::array({"published rollups", "split", "other"}));
  EXPECT_EQ(out.state["count"], 3);
  EXPECT_EQ(out.state["bumped"], 4);  // "{{count}}" alone passes the number itself
  EXPECT_EQ(out.state["summary"], "count 3");
  EXPECT_EQ(*probe.tool_calls, 1);
}

TEST(FlowYaml, ElseEdgeLoopsBackAndAnsweredTwice) {
  TempDir dir("alith-flow-yaml-");
  dir.write("sub.yaml", kSub);
  Probe probe;
  auto workflow = load_workflow(dir.write("everything.yaml", kEverything), probe.options());
  probe.model->push(text_reply("First."));
  probe.model->push(text_reply("Second."));
  auto config = with_memory();
  auto out = workflow.graph->invoke({{"topic", "x"}}, config);
  ASSERT_EQ(out.status, RunOutcome::Status::interrupted);
  out = workflow.graph->resume(config, Json("no"));
  ASSERT_EQ(out.status, RunOutcome::Status::interrupted);
  EXPECT_EQ(out.interrupts[0].payload, "Publish this draft?\nSecond.");
  // The agent's memory spans its runs: the second prompt sees the first turn.
  ASSERT_EQ(probe.model->requests().size(), 2u);
  EXPECT_GE(probe.model->requests()[1].messages.size(), 4u);
  out = workflow.graph->resume(config, Json(true));
  EXPECT_EQ(out.status, RunOutcome::Status::done);
}

TEST(FlowYaml, NoMatchingConditionIsAnErrorNamingTheNode) {
  auto workflow = load_workflow_text(R"yaml(nodes:
  pick: {set: {x: "1"}}
  a: {set: {y: "1"}}
edges:
  - {from: start, to: pick}
  - {from: pick, to: a, when: "x > 5"}
  - {from: a, to: end}
)yaml",
                                     "pick.yaml");
  try {
    workflow.graph->invoke(Json::object());
    FAIL() << "expected an error";
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("pick.yaml:6:12: no condition of the edges from 'pick' matched"),
              std::string::npos)
        << e.what();
  }
}

TEST(FlowYaml, ConditionTypeErrorsNameTheirPlace) {
  auto workflow = load_workflow_text(R"yaml(nodes:
  a: {set: {x: "'text'"}}
edges:
  - {from: start, to: a}
  - {from: a, to: end, when: "x > 5"}
  - {from: a, to: a, else: true}
max_steps: 3
)yaml",
                                     "types.yaml");
  try {
    workflow.graph->invoke(Json::object());
    FAIL() << "expected an error";
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("types.yaml:5:30: the condition of an edge from 'a'"),
              std::string::npos)
        << e.what();
  }
}

TEST(FlowYaml, MapOverSomethingThatIsNotAList) {
  auto workflow = load_workflow_text(R"yaml(nodes:
  split: {set: {items: "'abc'"}}
  work: {set: {done: "item"}}
edges:
  - {from: start, to: split}
  - {from: split, map: items, to: work}
  - {from: work, to: end}
)yaml",
                                     "map.yaml");
  EXPECT_THROW(workflow.graph->invoke(Json::object()), InvalidArgumentError);
  // The default name of each element is `item`.
  auto ok = load_workflow_text(R"yaml(state: {done: append}
nodes:
  split: {set: {items: "[1, 2]"}}
  work: {set: {done: "item * 10"}}
edges:
  - {from: start, to: split}
  - {from: split, map: items, to: work}
  - {from: work, to: end}
)yaml");
  EXPECT_EQ(ok.graph->invoke(Json::object()).state["done"], Json::array({10, 20}));
}

TEST(FlowYaml, TemplatesInsertStringsVerbatimAndOtherValuesAsJson) {
  auto workflow = load_workflow_text(R"yaml(nodes:
  ask: {interrupt: {question: "Pick {{n}} of {{names}} for {{who}}, {{ '{{' }}literal}}", n: "{{n}}", raw: plain}, output: answer}
edges:
  - {from: start, to: ask}
  - {from: ask, to: end}
)yaml");
  auto config = with_memory();
  auto out = workflow.graph->invoke({{"n", 2}, {"names", Json::array({"a", "b"})}, {"who", "Ada"}}, config);
  ASSERT_EQ(out.status, RunOutcome::Status::interrupted);
  EXPECT_EQ(out.interrupts[0].payload,
            (Json{{"question", R"(Pick 2 of ["a","b"] for Ada, {{literal}})"}, {"n", 2}, {"raw", "plain"}}));
  out = workflow.graph->resume(config, Json("ok"));
  EXPECT_EQ(out.state["answer"], "ok");
}

TEST(FlowYaml, AgentWithoutAModelUsesTheFactoryDefault) {
  Probe probe;
  auto workflow = load_workflow_text(R"yaml(agents:
  helper: {preamble: Be brief.}
nodes:
  answer: {agent: helper, prompt: "{{question}}", output: answer, stream: false}
edges:
  - {from: start, to: answer}
  - {from: answer, to: end}
)yaml",
                                     "default.yaml", probe.options());
  probe.model->push(text_reply("42"));
  auto out = workflow.graph->invoke({{"question", "What is six times seven?"}});
  EXPECT_EQ(out.state["answer"], "42");
  EXPECT_EQ(*probe.refs, std::vector<std::string>{""});
  EXPECT_EQ(probe.model->stream_calls(), 0u);
}

TEST(FlowYaml, SubflowCyclesAndDepthAreCaught) {
  TempDir dir("alith-flow-yaml-");
  const std::string body = "edges:\n  - {from: start, to: inner}\n  - {from: inner, to: end}\n";
  dir.write("a.yaml", "nodes:\n  inner: {flow: b.yaml}\n" + body);
  dir.write("b.yaml", "nodes:\n  inner: {flow: ./a.yaml}\n" + body);
  try {
    load_workflow(dir / "a.yaml");
    FAIL() << "expected a WorkflowError";
  } catch (const WorkflowError& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "b.yaml:2:17: flow './a.yaml' includes itself: a.yaml -> b.yaml -> a.yaml"),
              std::string::npos)
        << e.what();
  }
  // A chain deeper than the cap.
  for (int i = 0; i < 4; ++i)
    dir.write("d" + std::to_string(i) + ".yaml",
              "nodes:\n  inner: {flow: d" + std::to_string(i + 1) + ".yaml}\n" + body);
  dir.write("d4.yaml", "nodes:\n  inner: {set: {x: '1'}}\n" + body);
  WorkflowOptions shallow;
  shallow.limits.max_depth = 2;
  try {
    load_workflow(dir / "d0.yaml", shallow);
    FAIL() << "expected a WorkflowError";
  } catch (const WorkflowError& e) {
    EXPECT_NE(std::string(e.what()).find("d2.yaml:2:17: subflows nest deeper than 2 levels"),
              std::string::npos)
        << e.what();
  }
  EXPECT_NO_THROW(load_workflow(dir / "d0.yaml"));
}

TEST(FlowYaml, ProblemsInASubflowNameItsFile) {
  TempDir dir("alith-flow-yaml-");
  dir.write("flows/child.yaml",
            "nodes:\n  x: {set: {y: '1 +'}}\nedges:\n  - {from: start, to: x}\n  - {from: x, to: end}\n");
  dir.write("main.yaml",
            "nodes:\n  c: {flow: flows/child.yaml}\n  d: {sett: {}}\nedges:\n  - {from: start, to: c}\n"
            "  - {from: c, to: d}\n  - {from: d, to: end}\n");
  try {
    load_workflow(dir / "main.yaml");
    FAIL() << "expected a WorkflowError";
  } catch (const WorkflowError& e) {
    ASSERT_EQ(e.problems().size(), 3u) << e.what();
    const std::string main = (dir / "main.yaml").string();
    const std::string child = (dir / "flows/child.yaml").string();
    EXPECT_EQ(e.problems()[0].to_string(),
              main + ":3:3: node 'd' needs one of agent, interrupt, set, tool or flow");
    EXPECT_EQ(e.problems()[1].to_string(),
              main + ":3:7: unknown key 'sett' in node 'd' (did you mean 'set'?)");
    EXPECT_EQ(e.problems()[2].to_string(),
              child + ":2:20: invalid expression for 'y': expected a value, found the end");
  }
}

TEST(FlowYaml, UnreadableAndOversizedFiles) {
  TempDir dir("alith-flow-yaml-");
  try {
    load_workflow(dir / "missing.yaml");
    FAIL();
  } catch (const WorkflowError& e) {
    EXPECT_EQ(e.problems().at(0).to_string(),
              (dir / "missing.yaml").string() + ": cannot read the workflow: no such file");
  }
  EXPECT_THROW(load_workflow(dir.path()), WorkflowError);  // a directory
  WorkflowOptions small;
  small.limits.max_file_bytes = 64;
  try {
    load_workflow_text(std::string(100, '#'), "big.yaml", small);
    FAIL();
  } catch (const WorkflowError& e) {
    EXPECT_EQ(e.problems().at(0).to_string(), "big.yaml: the file is larger than 64 bytes");
  }
}

TEST(FlowYaml, ExamplesLoad) {
  const auto examples = std::filesystem::path(__FILE__).parent_path() / "../../examples/flows";
  size_t loaded = 0;
  for (const auto& entry : std::filesystem::directory_iterator(examples)) {
    if (entry.path().extension() != ".yaml") continue;
    Probe probe;
    SCOPED_TRACE(entry.path().string());
    EXPECT_NO_THROW(load_workflow(entry.path(), probe.options()));
    EXPECT_EQ(*probe.models_made, 0);
    ++loaded;
  }
  EXPECT_GE(loaded, 2u);
}

// A small valid file the malformed cases change one line at a time.
struct Malformed {
  const char* name;
  std::string text;
  std::string expected;  // a substring of the error: "wf.yaml:line:col: message"
};

std::vector<Malformed> malformed_cases() {
  const std::string edges = "edges:\n  - {from: start, to: a}\n  - {from: a, to: end}\n";
  const std::string agents = "agents:\n  writer: {model: \"openai:gpt-4o-mini\"}\n";
  return {
      {"YamlSyntax", "nodes: [a, b\nedges: []\n",
       "wf.yaml:2:6: invalid YAML: end of sequence flow not found"},
      {"BadIndentation", "nodes:\n  a: {set: {x: '1'}}\n b: 2\n" + edges, "wf.yaml:3:2: invalid YAML: "},
      // yaml-cpp alone would read empty documents here forever (found by flow_yaml_fuzz).
      {"TopLevelComma", "  , {from: a, to: b}\nnodes: {}\n", "wf.yaml:1:3: invalid YAML: unexpected ','"},
      {"Empty", "", "wf.yaml:1:1: the file is empty: a workflow needs 'nodes' and 'edges'"},
      {"NotAMapping", "- a\n- b\n",
       "wf.yaml:1:1: a workflow must be a mapping of name, state, agents, nodes and edges, not a list"},
      {"TwoDocuments", "nodes:\n  a: {set: {x: '1'}}\n" + edges + "---\nname: x\n",
       "wf.yaml:6:1: a workflow file holds one YAML document"},
      {"UnknownTopLevelKey", "nodes:\n  a: {set: {x: '1'}}\n" + edges + "max_step: 3\n",
       "wf.yaml:6:1: unknown key 'max_step' (did you mean 'max_steps'?)"},
      {"UnknownVersion", "version: 2\nnodes:\n  a: {set: {x: '1'}}\n" + edges,
       "wf.yaml:1:10: 'version' must be 1, the only format so far"},
      {"MissingEdges", "nodes:\n  a: {set: {x: '1'}}\n",
       "wf.yaml:1:1: missing 'edges': how the nodes connect"},
      {"MaxStepsOutOfRange", "max_steps: 0\nnodes:\n  a: {set: {x: '1'}}\n" + edges,
       "wf.yaml:1:12: 'max_steps' must be an integer from 1 to 100000, not '0'"},
      {"UnknownNodeKey", "nodes:\n  a: {set: {x: '1'}, outptu: y}\n" + edges,
       "wf.yaml:2:22: unknown key 'outptu' in node 'a' (did you mean 'output'?)"},
      {"TwoKinds", "nodes:\n  a: {set: {x: '1'}, tool: calculator, output: y}\n" + edges,
       "wf.yaml:2:22: node 'a' has two kinds ('set' and 'tool'); give it one"},
      {"NoKind", "nodes:\n  a: {output: y}\n" + edges,
       "wf.yaml:2:3: node 'a' needs one of agent, interrupt, set, tool or flow"},
      {"KeyOfAnotherKind", "nodes:\n  a: {set: {x: '1'}, prompt: hi}\n" + edges,
       "wf.yaml:2:22: 'prompt' does not apply to set node 'a'"},
      {"UnknownAgent", agents + "nodes:\n  a: {agent: writr, prompt: hi, output: y}\n" + edges,
       "wf.yaml:4:14: node 'a': unknown agent 'writr' (did you mean 'writer'?)"},
      {"UnknownToolNode", "nodes:\n  a: {tool: calculater, output: y}\n" + edges,
       "wf.yaml:2:13: unknown tool 'calculater' (did you mean 'calculator'?)"},
      {"UnknownAgentTool",
       "agents:\n  writer: {model: 'local:m', tools: [calculator, clock]}\nnodes:\n  a: {agent: writer, "
       "prompt: hi, output: y}\n" +
           edges,
       "wf.yaml:2:50: unknown tool 'clock'; the tools are calculator, count, current_time, http_get and "
       "read_file"},
      {"ToolNeedsAnOption", "nodes:\n  a: {tool: http_get, args: {url: 'http://x'}, output: y}\n" + edges,
       "wf.yaml:2:13: tool 'http_get' is not available: "},
      {"ArgumentsDoNotFit", "nodes:\n  a: {tool: calculator, args: {expresion: '1+1'}, output: y}\n" + edges,
       "wf.yaml:2:31: the arguments of node 'a' do not fit tool 'calculator': "},
      {"InterruptWithoutOutput", "nodes:\n  a: {interrupt: 'OK?'}\n" + edges,
       "wf.yaml:2:3: node 'a' needs 'output': the state key the human's answer goes to"},
      {"AgentWithoutPrompt", agents + "nodes:\n  a: {agent: writer, output: y}\n" + edges,
       "wf.yaml:4:3: node 'a' needs 'prompt'"},
      {"BadModelReference",
       "agents:\n  writer: {model: gemma}\nnodes:\n  a: {agent: writer, prompt: hi, output: y}\n" + edges,
       "wf.yaml:2:19: 'gemma' is not a model reference (provider:model"},
      {"UnknownMemoryKey",
       "agents:\n  writer: {memory: {windows: 3}}\nnodes:\n  a: {agent: writer, prompt: hi, output: y}\n" +
           edges,
       "wf.yaml:2:21: unknown key 'windows' in 'memory' of agent 'writer' (did you mean 'window'?)"},
      {"UnknownToolChoice",
       "agents:\n  writer: {tools: [calculator], tool_choice: calc}\nnodes:\n  a: {agent: writer, prompt: "
       "hi, output: y}\n" +
           edges,
       "wf.yaml:2:46: 'tool_choice' of agent 'writer' must be auto, none, required or one of its tools, not "
       "'calc'"},
      {"ConditionQuoted",
       "nodes:\n  a: {set: {x: '1'}}\nedges:\n  - {from: start, to: a}\n  - {from: a, to: end, when: \"x == "
       "\"}\n  - {from: a, to: a, else: true}\n",
       "wf.yaml:5:36: invalid condition: expected a value, found the end"},
      {"ConditionPlain",
       "nodes:\n  a: {set: {x: '1'}}\nedges:\n  - {from: start, to: a}\n  - from: a\n    to: end\n    when: "
       "x >> 2\n  - {from: a, to: a, else: true}\n",
       "wf.yaml:7:14: invalid condition: "},
      {"ConditionWithEscapes",
       "nodes:\n  a: {set: {x: '1'}}\nedges:\n  - {from: start, to: a}\n  - {from: a, to: end, when: \"x == "
       "\\\"a\\\" and\"}\n  - {from: a, to: a, else: true}\n",
       "wf.yaml:5:30: invalid condition: expected a value, found the end (at character 13 of the value)"},
      {"UnknownFunction", "nodes:\n  a: {set: {x: 'lenght(y)'}}\n" + edges,
       "wf.yaml:2:17: invalid expression for 'x': unknown function 'lenght'"},
      {"SetValueNotAnExpression", "nodes:\n  a: {set: {x: [1]}}\n" + edges,
       "wf.yaml:2:16: 'x' in 'set' of node 'a' must be an expression"},
      {"TemplateUnclosed",
       agents + "nodes:\n  a: {agent: writer, prompt: 'Write {{topic', output: y}\n" + edges,
       "wf.yaml:4:37: unclosed '{{' in the prompt of node 'a'"},
      {"TemplateBadExpression",
       agents + "nodes:\n  a: {agent: writer, prompt: 'Hi {{ a b }}', output: y}\n" + edges,
       "wf.yaml:4:39: invalid template in the prompt of node 'a': unexpected"},
      {"UnknownNodeInEdge",
       "nodes:\n  write: {set: {x: '1'}}\nedges:\n  - {from: start, to: wirte}\n  - {from: write, to: end}\n",
       "wf.yaml:4:23: unknown node 'wirte' (did you mean 'write'?)"},
      {"EdgeWithoutTo", "nodes:\n  a: {set: {x: '1'}}\nedges:\n  - {from: start}\n  - {from: a, to: end}\n",
       "wf.yaml:4:5: an edge needs 'to'"},
      {"StartAsTarget",
       "nodes:\n  a: {set: {x: '1'}}\nedges:\n  - {from: start, to: a}\n  - {from: a, to: start}\n",
       "wf.yaml:5:19: 'start' cannot be the target of an edge"},
      {"UnknownEdgeKey",
       "nodes:\n  a: {set: {x: '1'}}\nedges:\n  - {from: start, to: a}\n  - {from: a, to: end, wen: 'x'}\n",
       "wf.yaml:5:24: unknown key 'wen' in an edge (did you mean 'when'?)"},
      {"TwoElseEdges",
       "nodes:\n  a: {set: {x: '1'}}\nedges:\n  - {from: start, to: a}\n  - {from: a, to: end, when: x}\n  - "
       "{from: a, to: end, else: true}\n  - {from: a, to: a, else: true}\n",
       "wf.yaml:7:22: the edges from 'a' have two 'else' edges"},
      {"PlainBesideConditional",
       "max_steps: 5\nnodes:\n  a: {set: {x: '1'}}\nedges:\n  - {from: start, to: a}\n  - {from: a, to: end, "
       "when: x}\n  - {from: a, to: a}\n",
       "wf.yaml:7:12: 'a' has conditional edges, so this edge would run as well as the chosen one"},
      {"JoinWithCondition",
       "nodes:\n  a: {set: {x: '1'}}\n  b: {set: {x: '1'}}\n  c: {set: {x: '1'}}\nedges:\n"
       "  - {from: start, to: [a, b]}\n  - {from: [a, b], to: c, when: x}\n  - {from: c, to: end}\n",
       "wf.yaml:7:27: a join (a list in 'from') cannot have 'when'"},
      {"MapToEnd",
       "nodes:\n  a: {set: {x: '[1]'}}\nedges:\n  - {from: start, to: a}\n  - {from: a, map: x, to: end}\n",
       "wf.yaml:5:27: a map edge sends to one node"},
      {"AsWithoutMap",
       "nodes:\n  a: {set: {x: '1'}}\nedges:\n  - {from: start, to: a}\n  - {from: a, to: end, as: y}\n",
       "wf.yaml:5:24: 'as' applies to map edges only"},
      {"NoPathToEnd",
       "nodes:\n  a: {set: {x: '1'}}\n  b: {set: {x: '1'}}\nedges:\n  - {from: start, to: a}\n  - {from: a, "
       "to: end}\n  - {from: a, to: b}\n",
       "wf.yaml:3:3: node 'b' has no outgoing edge (add an edge to end)"},
      {"Unreachable",
       "nodes:\n  a: {set: {x: '1'}}\n  b: {set: {x: '1'}}\nedges:\n  - {from: start, to: a}\n  - {from: a, "
       "to: end}\n  - {from: b, to: end}\n",
       "wf.yaml:3:3: node 'b' cannot be reached from start"},
      {"CycleWithoutMaxSteps",
       "nodes:\n  a: {set: {x: '1'}}\n  b: {set: {x: '1'}}\nedges:\n  - {from: start, to: a}\n  - {from: a, "
       "to: b}\n  - {from: b, to: end, when: x}\n  - {from: b, to: a, else: true}\n",
       "wf.yaml:2:3: the graph has a cycle (a -> b -> a) and no step limit: set max_steps"},
      {"ReservedNodeName", "nodes:\n  a: {set: {x: '1'}}\n  end: {set: {x: '1'}}\n" + edges,
       "wf.yaml:3:3: 'end' is reserved"},
      {"BadNodeName", "nodes:\n  a: {set: {x: '1'}}\n  my node: {set: {x: '1'}}\n" + edges,
       "wf.yaml:3:3: node name 'my node' may only use letters, digits, '_' and '-'"},
      {"DuplicateNode", "nodes:\n  a: {set: {x: '1'}}\n  a: {set: {x: '2'}}\n" + edges,
       "wf.yaml:3:3: 'a' is given twice"},
      {"UnknownReducer", "state:\n  notes: {reducer: apend}\nnodes:\n  a: {set: {x: '1'}}\n" + edges,
       "wf.yaml:2:20: unknown reducer 'apend' of state key 'notes' (overwrite, append or merge) (did you "
       "mean 'append'?)"},
      {"InitialFailsSchema",
       "state:\n  n: {schema: {type: integer}, initial: many}\nnodes:\n  a: {set: {x: '1'}}\n" + edges,
       "wf.yaml:2:41: the initial value of state key 'n' fails its schema"},
      {"MissingSubflow", "nodes:\n  a: {flow: nowhere.yaml}\n" + edges,
       "wf.yaml:2:13: cannot read flow 'nowhere.yaml': no such file"},
      {"AliasBomb",
       "state:\n  s:\n    initial:\n      x: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
       "      y: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n      z: &c [*b, *b, *b, *b, *b, *b, *b, *b, "
       "*b, *b]\n"
       "      w: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n      v: &e [*d, *d, *d, *d, *d, *d, *d, *d, "
       "*d, *d]\n"
       "      u: [*e, *e, *e]\nnodes:\n  a: {set: {x: '1'}}\n" +
           edges,
       "wf.yaml:4:7: the file's values have more than 100000 elements (counting each use of an alias)"},
  };
}

class FlowYamlMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P(FlowYamlMalformed, ReportsFileLineColumnAndRunsNothing) {
  const auto& c = GetParam();
  Probe probe;
  try {
    load_workflow_text(c.text, "wf.yaml", probe.options());
    FAIL() << "loaded:\n" << c.text;
  } catch (const WorkflowError& e) {
    EXPECT_NE(std::string(e.what()).find(c.expected), std::string::npos) << "got:\n"
                                                                         << e.what() << "\nfor:\n"
                                                                         << c.text;
    EXPECT_EQ(e.problems().size(), 1u) << "one mistake, one problem:\n" << e.what();
    EXPECT_EQ(e.code(), ErrorCode::config);
  }
  EXPECT_EQ(*probe.models_made, 0);
  EXPECT_EQ(*probe.tool_calls, 0);
}

INSTANTIATE_TEST_SUITE_P(Files, FlowYamlMalformed, ::testing::ValuesIn(malformed_cases()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(FlowYaml, EveryProblemAtOnce) {
  Probe probe;
  try {
    load_workflow_text(R"yaml(nmae: x
nodes:
  a: {set: {x: '1 +'}}
  b: {tool: calculater, output: y}
edges:
  - {from: start, to: a}
  - {from: a, to: c}
)yaml",
                       "all.yaml", probe.options());
    FAIL();
  } catch (const WorkflowError& e) {
    std::vector<std::string> lines;
    for (const auto& p : e.problems()) lines.push_back(p.to_string());
    EXPECT_EQ(lines,
              (std::vector<std::string>{
                  "all.yaml:1:1: unknown key 'nmae' (did you mean 'name'?)",
                  "all.yaml:3:20: invalid expression for 'x': expected a value, found the end",
                  "all.yaml:4:13: unknown tool 'calculater' (did you mean 'calculator'?); the tools are "
                  "calculator, count, current_time, http_get and read_file",
                  "all.yaml:7:19: unknown node 'c'",
              }));
  }
}

TEST(FlowYaml, YamlScalarsAreTypedLikeYaml12) {
  auto workflow = load_workflow_text(R"yaml(state:
  values:
    initial: [1, -2, 0x10, 0o7, 1.5, .5, 1e3, true, False, null, ~, yes, "3", !!str 4, .inf, 1_000]
nodes:
  a: {set: {x: "1"}}
edges:
  - {from: start, to: a}
  - {from: a, to: end}
)yaml");
  auto out = workflow.graph->invoke(Json::object());
  EXPECT_EQ(
      out.state["values"],
      Json::parse(
          R"([1, -2, 16, 7, 1.5, 0.5, 1000.0, true, false, null, null, "yes", "3", "4", ".inf", "1_000"])"));
}

}  // namespace
}  // namespace alith::flow
