// Agents in workflows (agent_node, agent_tool) and the multi-agent patterns, against scripted in-process
// models: routing, state keys, parallel determinism, limits, errors, token events and cancellation.

#include "alith/flow/patterns.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "../agent/scripted_model.h"
#include "alith/flow/agent_node.h"
#include "support/rendezvous.h"

namespace alith::flow {
namespace {

using agent::testing::make_call;
using agent::testing::ScriptedModel;
using agent::testing::text_reply;
using agent::testing::tool_reply;

std::shared_ptr<ScriptedModel> replies(std::vector<std::string> texts) {
  auto model = std::make_shared<ScriptedModel>();
  for (auto& t : texts) model->push(text_reply(std::move(t)));
  return model;
}

std::shared_ptr<agent::Agent> make_agent(const std::string& name, std::shared_ptr<ScriptedModel> model,
                                         std::string preamble = {}) {
  agent::AgentBuilder builder;
  builder.name(name).model(std::move(model));
  if (!preamble.empty()) builder.preamble(std::move(preamble));
  return builder.build();
}

// The prompt of a model's n-th request: its last user message.
std::string prompt_of(const ScriptedModel& model, size_t n = 0) {
  const auto requests = model.requests();
  if (n >= requests.size()) return "<no request " + std::to_string(n) + ">";
  const auto& messages = requests[n].messages;
  for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
    if (it->role == llm::Role::user) return it->text();
  }
  return "<no user message>";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Collects a run's token events per node and the order nodes started in.
struct Recorder {
  std::map<std::string, std::string> tokens;
  std::vector<std::string> started;
  std::vector<std::string> token_task_ids;
  RunConfig config() {
    RunConfig c;
    c.on_event = [this](const RunEvent& e) {
      if (e.kind == RunEvent::Kind::token) {
        tokens[e.node] += e.text;
        token_task_ids.push_back(e.task_id);
      }
      if (e.kind == RunEvent::Kind::task_started) started.push_back(e.node);
    };
    return c;
  }
};

using alith::testing::Rendezvous;

// ---- agent_node -------------------------------------------------------------------------------------------

TEST(FlowAgentNode, AnswersThePromptKeyAndStreamsTokens) {
  auto model = replies({"A short draft about rollups."});
  auto graph = GraphBuilder()
                   .node("writer", agent_node(make_agent("writer", model),
                                              {.prompt_key = "topic", .output_key = "draft"}))
                   .edge(std::string(START), "writer")
                   .edge("writer", std::string(END))
                   .compile();
  Recorder rec;
  auto out = graph->invoke({{"topic", "rollups"}}, rec.config());
  EXPECT_EQ(out.state["draft"], "A short draft about rollups.");
  EXPECT_EQ(prompt_of(*model), "rollups");
  EXPECT_EQ(rec.tokens["writer"], "A short draft about rollups.");
  EXPECT_EQ(model->stream_calls(), 1u);
  ASSERT_FALSE(rec.token_task_ids.empty());
  EXPECT_TRUE(contains(rec.token_task_ids.front(), "/writer"));
}

TEST(FlowAgentNode, PromptFunctionNonStringPromptAndNoStreaming) {
  auto model = replies({"one", "two"});
  AgentNodeOptions by_function;
  by_function.prompt = [](const Json& s) { return "Summarize " + s["doc"].get<std::string>(); };
  by_function.stream = false;
  AgentNodeOptions by_json;
  by_json.prompt_key = "numbers";
  by_json.output_key = "second";
  auto agent = make_agent("a", model);
  auto graph = GraphBuilder()
                   .node("first", agent_node(agent, by_function))
                   .node("second", agent_node(agent, by_json))
                   .edge(std::string(START), "first")
                   .edge("first", "second")
                   .edge("second", std::string(END))
                   .compile();
  Recorder rec;
  auto out = graph->invoke({{"doc", "the memo"}, {"numbers", Json::array({1, 2})}}, rec.config());
  EXPECT_EQ(out.state["output"], "one");
  EXPECT_EQ(out.state["second"], "two");
  EXPECT_EQ(prompt_of(*model, 0), "Summarize the memo");
  EXPECT_EQ(prompt_of(*model, 1), "[1,2]");
  // Without streaming the model is called through complete() and the node emits no tokens.
  EXPECT_EQ(model->stream_calls(), 1u);
  EXPECT_EQ(rec.tokens.count("first"), 0u);
  EXPECT_EQ(rec.tokens["second"], "two");
}

TEST(FlowAgentNode, AppendsTheTurnsMessagesWithoutPreamble) {
  auto model = std::make_shared<ScriptedModel>();
  model->push(tool_reply({make_call("c1", "add", {{"a", 2}, {"b", 3}})}));
  model->push(text_reply("5"));
  auto agent = agent::AgentBuilder()
                   .name("math")
                   .preamble("Be exact.")
                   .model(model)
                   .tool(agent::make_function_tool("add", "Add", {"a", "b"}, {},
                                                   [](double a, double b) { return a + b; }))
                   .build();
  AgentNodeOptions o;
  o.messages_key = "messages";
  auto graph = GraphBuilder()
                   .state(StateSchema().key("messages", Reducer::append()))
                   .node("math", agent_node(agent, o))
                   .edge(std::string(START), "math")
                   .edge("math", std::string(END))
                   .compile();
  auto out =
      graph->invoke({{"input", "2+3?"}, {"messages", Json::array({{{"role", "user"}, {"content", "hi"}}})}});
  EXPECT_EQ(out.state["output"], "5");
  const Json& messages = out.state["messages"];
  ASSERT_EQ(messages.size(), 5u);  // the one given, then user, assistant (call), tool, assistant
  const auto m = [&](size_t i) { return llm::message_from_json(messages[i]); };
  EXPECT_EQ(m(1).role, llm::Role::user);
  EXPECT_EQ(m(1).text(), "2+3?");
  EXPECT_EQ(m(2).tool_calls.at(0).name, "add");
  EXPECT_EQ(m(3).role, llm::Role::tool);
  EXPECT_FALSE(m(3).is_error);
  EXPECT_EQ(m(4).text(), "5");
}

TEST(FlowAgentNode, MissingPromptKeyAndBadArguments) {
  auto graph = GraphBuilder()
                   .node("a", agent_node(make_agent("a", replies({"x"}))))
                   .edge(std::string(START), "a")
                   .edge("a", std::string(END))
                   .compile();
  EXPECT_THROW(graph->invoke({{"other", 1}}), InvalidArgumentError);
  EXPECT_THROW(agent_node(nullptr), InvalidArgumentError);
  AgentNodeOptions no_output;
  no_output.output_key = "";
  EXPECT_THROW(agent_node(make_agent("a", replies({})), no_output), InvalidArgumentError);
}

TEST(FlowAgentNode, TheRunsCancelTokenReachesTheModel) {
  RunConfig config;
  config.cancel = CancelToken::create();
  auto model = std::make_shared<ScriptedModel>();
  bool model_saw_cancel = false;
  model->push([&](const llm::ChatRequest&, const llm::CallOptions& options) -> llm::ChatResponse {
    config.cancel.cancel();  // the user cancels while the model works
    model_saw_cancel = options.cancel.cancelled();
    throw CancelledError("cancelled in the model");
  });
  auto graph = GraphBuilder()
                   .node("a", agent_node(make_agent("a", model)))
                   .edge(std::string(START), "a")
                   .edge("a", std::string(END))
                   .compile();
  EXPECT_THROW(graph->invoke({{"input", "go"}}, config), CancelledError);
  EXPECT_TRUE(model_saw_cancel);
}

// ---- agent_tool -------------------------------------------------------------------------------------------

TEST(FlowAgentTool, ACoordinatorCallsAWorkerAgent) {
  auto worker_model = replies({"Paris has about 2.1 million people."});
  auto worker = make_agent("researcher", worker_model);
  auto tool = agent_tool(worker, "ask_researcher", "Ask the researcher a factual question");
  EXPECT_EQ(tool->spec().name, "ask_researcher");
  EXPECT_EQ(tool->spec().parameters["required"], Json::array({"input"}));
  EXPECT_EQ(tool->spec().parameters["properties"]["input"]["type"], "string");

  auto coordinator_model = std::make_shared<ScriptedModel>();
  coordinator_model->push(
      tool_reply({make_call("c1", "ask_researcher", {{"input", "What is the population of Paris?"}})}));
  coordinator_model->push([](const llm::ChatRequest& request, const llm::CallOptions&) {
    // The worker's answer came back as the tool result.
    return text_reply("Answer: " + request.messages.back().text());
  });
  auto coordinator = agent::AgentBuilder().name("coordinator").model(coordinator_model).tool(tool).build();
  auto result = coordinator->run("How many people live in Paris?");
  EXPECT_EQ(result.answer, "Answer: Paris has about 2.1 million people.");
  EXPECT_EQ(prompt_of(*worker_model), "What is the population of Paris?");
  EXPECT_FALSE(result.transcript[2].is_error);
}

TEST(FlowAgentTool, BadArgumentsNamesAndCancellation) {
  auto worker_model = std::make_shared<ScriptedModel>();
  auto tool = agent_tool(make_agent("w", worker_model), "ask_w", "Ask w");
  // Arguments are validated before the agent runs.
  auto outcome = agent::run_tool(*tool, {{"question", "x"}}, {});
  EXPECT_TRUE(outcome.is_error);
  EXPECT_EQ(worker_model->requests().size(), 0u);
  EXPECT_THROW(agent_tool(make_agent("w", worker_model), "bad name!", "x"), InvalidArgumentError);
  EXPECT_THROW(agent_tool(nullptr, "ok", "x"), InvalidArgumentError);

  // The caller's cancel token is the worker's.
  agent::ToolContext context;
  context.cancel = CancelToken::create();
  bool saw_cancel = false;
  worker_model->push([&](const llm::ChatRequest&, const llm::CallOptions& options) -> llm::ChatResponse {
    context.cancel.cancel();
    saw_cancel = options.cancel.cancelled();
    throw CancelledError("cancelled");
  });
  EXPECT_THROW(agent::run_tool(*tool, {{"input", "x"}}, context), CancelledError);
  EXPECT_TRUE(saw_cancel);
}

// ---- sequential -------------------------------------------------------------------------------------------

TEST(FlowPatterns, SequentialPassesEachAnswerOn) {
  auto m1 = replies({"outline"});
  auto m2 = replies({"draft"});
  auto m3 = replies({"final text"});
  auto graph =
      sequential({make_agent("planner", m1), make_agent("writer", m2), {"editor", make_agent("x", m3)}});
  EXPECT_EQ(graph->nodes(), (std::vector<std::string>{"planner", "writer", "editor"}));
  Recorder rec;
  auto out = graph->invoke({{"input", "an essay on tides"}}, rec.config());
  EXPECT_EQ(prompt_of(*m1), "an essay on tides");
  EXPECT_EQ(prompt_of(*m2), "outline");
  EXPECT_EQ(prompt_of(*m3), "draft");
  EXPECT_EQ(out.state["output"], "final text");
  EXPECT_EQ(out.state["steps"], (Json::parse(R"([{"agent":"planner","answer":"outline"},
      {"agent":"writer","answer":"draft"},{"agent":"editor","answer":"final text"}])")));
  EXPECT_EQ(rec.started, (std::vector<std::string>{"planner", "writer", "editor"}));
  EXPECT_EQ(rec.tokens["writer"], "draft");
  EXPECT_EQ(rec.tokens["editor"], "final text");
  EXPECT_EQ(out.steps, 3);
}

TEST(FlowPatterns, SequentialFailureStopsTheChain) {
  auto m1 = replies({"outline"});
  auto m2 = std::make_shared<ScriptedModel>();  // nothing queued: a ProviderError
  auto m3 = replies({"never"});
  auto graph = sequential({make_agent("a", m1), make_agent("b", m2), make_agent("c", m3)});
  EXPECT_THROW(graph->invoke({{"input", "x"}}), ProviderError);
  EXPECT_EQ(m3->requests().size(), 0u);
}

TEST(FlowPatterns, SequentialCancelledBetweenAgents) {
  RunConfig config;
  config.cancel = CancelToken::create();
  auto m1 = std::make_shared<ScriptedModel>();
  m1->push([&](const llm::ChatRequest&, const llm::CallOptions&) {
    config.cancel.cancel();  // after this agent's answer, no further step starts
    return text_reply("first");
  });
  auto m2 = replies({"never"});
  auto graph = sequential({make_agent("a", m1), make_agent("b", m2)});
  EXPECT_THROW(graph->invoke({{"input", "x"}}, config), CancelledError);
  EXPECT_EQ(m2->requests().size(), 0u);
}

TEST(FlowPatterns, NamesAreChecked) {
  auto a = make_agent("a", replies({}));
  auto unnamed = make_agent("", replies({}));
  EXPECT_THROW(sequential({}), InvalidArgumentError);
  EXPECT_THROW(sequential({a, a}), InvalidArgumentError);
  EXPECT_THROW(sequential({unnamed}), InvalidArgumentError);
  EXPECT_NO_THROW(sequential({{"first", a}, {"second", a}}));
  EXPECT_THROW(parallel({{"aggregate", a}}, a), InvalidArgumentError);
  EXPECT_THROW(majority_vote({{"tally", a}}), InvalidArgumentError);
  EXPECT_THROW(router(a, {{"classify", a}}), InvalidArgumentError);
  EXPECT_THROW(supervisor(a, {{"finish", a}}), InvalidArgumentError);
  EXPECT_THROW(sequential({{std::string(END), a}}), InvalidArgumentError);
  EXPECT_THROW(NamedAgent(nullptr), InvalidArgumentError);
  EXPECT_THROW(parallel({a}, std::shared_ptr<agent::Agent>()), InvalidArgumentError);
  EXPECT_THROW(debate({a}, a, 0), InvalidArgumentError);
}

// ---- parallel ---------------------------------------------------------------------------------------------

// Three agents whose replies finish in the reverse of their order, after all three are in flight.
struct Panel {
  Rendezvous all_in_flight{3};
  bool concurrent = true;
  std::mutex mu;
  std::vector<std::string> finish_order;
  std::vector<NamedAgent> agents;
  Panel() {
    const std::vector<std::pair<std::string, std::string>> spec = {
        {"optimist", "Yes"}, {"pessimist", "No"}, {"realist", "Maybe"}};
    for (size_t i = 0; i < spec.size(); ++i) {
      auto model = std::make_shared<ScriptedModel>();
      model->push([this, i, spec](const llm::ChatRequest&, const llm::CallOptions&) {
        if (!all_in_flight.arrive_and_wait()) concurrent = false;
        std::this_thread::sleep_for(std::chrono::milliseconds(30 * (2 - static_cast<int>(i))));
        std::lock_guard lock(mu);
        finish_order.push_back(spec[i].first);
        return text_reply(spec[i].second);
      });
      agents.emplace_back(make_agent(spec[i].first, model));
    }
  }
};

TEST(FlowPatterns, ParallelAnswersTogetherThenAggregates) {
  for (int run = 0; run < 3; ++run) {
    Panel panel;
    auto aggregator_model = replies({"On balance: maybe."});
    auto graph = parallel(panel.agents, make_agent("judge", aggregator_model));
    Recorder rec;
    auto out = graph->invoke({{"input", "Will it rain?"}}, rec.config());
    EXPECT_TRUE(panel.concurrent) << "the agents did not run at the same time";
    EXPECT_EQ(panel.finish_order, (std::vector<std::string>{"realist", "pessimist", "optimist"}));
    EXPECT_EQ(out.state["answers"], (Json{{"optimist", "Yes"}, {"pessimist", "No"}, {"realist", "Maybe"}}));
    EXPECT_EQ(out.state["output"], "On balance: maybe.");
    EXPECT_EQ(out.steps, 2);
    // The aggregator sees the answers in the agents' order, whatever order they finished in.
    const std::string prompt = prompt_of(*aggregator_model);
    EXPECT_TRUE(contains(prompt, "Will it rain?"));
    EXPECT_LT(prompt.find("[optimist]: Yes"), prompt.find("[pessimist]: No"));
    EXPECT_LT(prompt.find("[pessimist]: No"), prompt.find("[realist]: Maybe"));
    // Every agent's tokens arrive, under its own node.
    EXPECT_EQ(rec.tokens["optimist"], "Yes");
    EXPECT_EQ(rec.tokens["pessimist"], "No");
    EXPECT_EQ(rec.tokens["realist"], "Maybe");
    EXPECT_EQ(rec.tokens["aggregate"], "On balance: maybe.");
  }
}

TEST(FlowPatterns, ParallelWithAnAggregateFunction) {
  Panel panel;
  auto graph = parallel(panel.agents, [](const Json& answers) {
    Json out = Json::array();
    for (const auto& [name, answer] : answers.items()) out.push_back(name + "=" + answer.get<std::string>());
    return out;
  });
  auto out = graph->invoke({{"input", "?"}});
  EXPECT_EQ(out.state["output"], Json::array({"optimist=Yes", "pessimist=No", "realist=Maybe"}));
}

TEST(FlowPatterns, ParallelFailureOfOneAgentFailsTheRun) {
  auto ok = replies({"fine"});
  auto broken = std::make_shared<ScriptedModel>();
  broken->push([](const llm::ChatRequest&, const llm::CallOptions&) -> llm::ChatResponse {
    throw ProviderError("overloaded", 503, "");
  });
  auto aggregator = replies({"never"});
  auto graph = parallel({make_agent("ok", ok), make_agent("broken", broken)}, make_agent("agg", aggregator));
  try {
    graph->invoke({{"input", "x"}});
    FAIL() << "expected a ProviderError";
  } catch (const ProviderError& e) {
    EXPECT_EQ(e.status(), 503);
  }
  EXPECT_EQ(aggregator->requests().size(), 0u);
}

// ---- router -----------------------------------------------------------------------------------------------

struct Desk {
  std::shared_ptr<ScriptedModel> classifier_model = std::make_shared<ScriptedModel>();
  std::shared_ptr<ScriptedModel> billing_model = replies({"Your invoice is attached."});
  std::shared_ptr<ScriptedModel> tech_model = replies({"Restart the router."});
  std::shared_ptr<ScriptedModel> other_model = replies({"Let me find someone."});
  std::vector<NamedAgent> routes() {
    return {{"billing", make_agent("b", billing_model), "invoices and payments"},
            {"tech_support", make_agent("t", tech_model), "devices and connections"},
            {"other", make_agent("o", other_model)}};
  }
  std::shared_ptr<const Graph> graph(RouterOptions options = {}) {
    return router(make_agent("classifier", classifier_model), routes(), std::move(options));
  }
};

TEST(FlowPatterns, RouterTakesTheRouteTheClassifierNames) {
  Desk desk;
  desk.classifier_model->push(text_reply("This is clearly a BILLING question."));
  Recorder rec;
  auto out = desk.graph()->invoke({{"input", "Where is my invoice?"}}, rec.config());
  EXPECT_EQ(out.state["route"], "billing");
  EXPECT_EQ(out.state["classification"], "This is clearly a BILLING question.");
  EXPECT_EQ(out.state["output"], "Your invoice is attached.");
  EXPECT_EQ(prompt_of(*desk.billing_model), "Where is my invoice?");
  EXPECT_EQ(desk.tech_model->requests().size(), 0u);
  EXPECT_EQ(rec.started, (std::vector<std::string>{"classify", "billing"}));
  EXPECT_EQ(rec.tokens["classify"], "This is clearly a BILLING question.");
  // The default prompt lists the routes with their descriptions.
  const std::string prompt = prompt_of(*desk.classifier_model);
  EXPECT_TRUE(contains(prompt, "- billing: invoices and payments"));
  EXPECT_TRUE(contains(prompt, "- tech_support: devices and connections"));
  EXPECT_TRUE(contains(prompt, "Where is my invoice?"));
}

TEST(FlowPatterns, RouterMatchesTheFirstWholeNameInTheAnswer) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"Tech_Support, not billing.", "tech_support"},
      {"billing (not tech_support)", "billing"},
      {"**OTHER**", "other"},
      {"rebilling tech_supports others; fine: other", "other"},
  };
  for (const auto& [answer, route] : cases) {
    Desk desk;
    desk.classifier_model->push(text_reply(answer));
    auto out = desk.graph()->invoke({{"input", "help"}});
    EXPECT_EQ(out.state["route"], route) << answer;
  }
}

TEST(FlowPatterns, RouterFallbackOrParseError) {
  {
    Desk desk;
    desk.classifier_model->push(text_reply("I cannot tell."));
    try {
      desk.graph()->invoke({{"input", "hm"}});
      FAIL() << "expected a ParseError";
    } catch (const ParseError& e) {
      EXPECT_TRUE(contains(e.what(), "I cannot tell.")) << e.what();
    }
  }
  {
    Desk desk;
    desk.classifier_model->push(text_reply("I cannot tell."));
    RouterOptions options;
    options.fallback = "other";
    auto out = desk.graph(options)->invoke({{"input", "hm"}});
    EXPECT_EQ(out.state["route"], "other");
    EXPECT_EQ(out.state["output"], "Let me find someone.");
  }
  Desk desk;
  RouterOptions bad;
  bad.fallback = "nowhere";
  EXPECT_THROW(desk.graph(bad), InvalidArgumentError);
}

TEST(FlowPatterns, RouterCustomPrompt) {
  Desk desk;
  desk.classifier_model->push(text_reply("other"));
  RouterOptions options;
  options.prompt = [](const Json& state) { return "Route: " + state["input"].get<std::string>(); };
  options.stream = false;
  Recorder rec;
  desk.graph(options)->invoke({{"input", "hello"}}, rec.config());
  EXPECT_EQ(prompt_of(*desk.classifier_model), "Route: hello");
  EXPECT_TRUE(rec.tokens.empty());
}

// ---- supervisor -------------------------------------------------------------------------------------------

TEST(FlowPatterns, SupervisorDelegatesUntilFinish) {
  auto boss = std::make_shared<ScriptedModel>();
  boss->push(text_reply("researcher"));
  boss->push(text_reply("Writer: turn the facts into two sentences."));
  boss->push(text_reply("FINISH"));
  auto researcher = replies({"Tides come from the moon's pull."});
  auto writer = replies({"The moon pulls the sea. That makes tides."});
  auto graph =
      supervisor(make_agent("boss", boss), {{"researcher", make_agent("r", researcher), "finds facts"},
                                            {"writer", make_agent("w", writer), "writes prose"}});
  Recorder rec;
  auto out = graph->invoke({{"input", "Explain tides."}}, rec.config());
  EXPECT_EQ(out.state["output"], "The moon pulls the sea. That makes tides.");
  EXPECT_EQ(out.state["decision"], "FINISH");
  EXPECT_EQ(out.state["finished_by"], "supervisor");
  EXPECT_EQ(out.state["work"],
            (Json::parse(R"([{"worker":"researcher","answer":"Tides come from the moon's pull."},
      {"worker":"writer","answer":"The moon pulls the sea. That makes tides."}])")));
  EXPECT_EQ(rec.started,
            (std::vector<std::string>{"supervise", "researcher", "supervise", "writer", "supervise"}));
  // The supervisor sees the workers and the work so far.
  EXPECT_TRUE(contains(prompt_of(*boss, 0), "- researcher: finds facts"));
  EXPECT_TRUE(contains(prompt_of(*boss, 0), "(none yet)"));
  EXPECT_TRUE(contains(prompt_of(*boss, 1), "[researcher]: Tides come from the moon's pull."));
  // A bare name gives the worker the request alone; more words are its instructions.
  EXPECT_EQ(prompt_of(*researcher), "Explain tides.");
  const std::string writer_prompt = prompt_of(*writer);
  EXPECT_TRUE(contains(writer_prompt, "Writer: turn the facts into two sentences."));
  EXPECT_TRUE(contains(writer_prompt, "[researcher]: Tides come from the moon's pull."));
  EXPECT_EQ(rec.tokens["researcher"], "Tides come from the moon's pull.");
}

TEST(FlowPatterns, SupervisorStopsAfterMaxRounds) {
  auto boss = std::make_shared<ScriptedModel>();
  for (int i = 0; i < 5; ++i) boss->push(text_reply("researcher again"));
  auto researcher = replies({"fact 1", "fact 2", "fact 3"});
  auto graph =
      supervisor(make_agent("boss", boss), {{"researcher", make_agent("r", researcher)}}, {.max_rounds = 2});
  auto out = graph->invoke({{"input", "?"}});
  EXPECT_EQ(out.state["work"].size(), 2u);
  EXPECT_EQ(out.state["finished_by"], "max_rounds");
  EXPECT_EQ(out.state["output"], "fact 2");
  EXPECT_EQ(boss->requests().size(), 2u);  // the last round is not asked
  EXPECT_EQ(out.steps, 5);
}

TEST(FlowPatterns, SupervisorFinishingAtOnceAndUnparseableReplies) {
  {
    auto boss = replies({"FINISH: the answer is 4."});
    auto graph = supervisor(make_agent("boss", boss), {{"calc", make_agent("c", replies({}))}});
    auto out = graph->invoke({{"input", "2+2"}});
    EXPECT_EQ(out.state["output"], "FINISH: the answer is 4.");
    EXPECT_EQ(out.state["work"], nullptr);
  }
  {
    auto boss = replies({"Hmm, hard to say."});
    auto graph = supervisor(make_agent("boss", boss), {{"calc", make_agent("c", replies({}))}});
    EXPECT_THROW(graph->invoke({{"input", "2+2"}}), ParseError);
  }
  {
    auto boss = replies({"Hmm, hard to say.", "finish"});
    SupervisorOptions options;
    options.fallback = "calc";
    auto graph = supervisor(make_agent("boss", boss), {{"calc", make_agent("c", replies({"4"}))}}, options);
    auto out = graph->invoke({{"input", "2+2"}});
    EXPECT_EQ(out.state["output"], "4");
  }
  SupervisorOptions bad;
  bad.max_rounds = 0;
  auto a = make_agent("a", replies({}));
  EXPECT_THROW(supervisor(a, {{"w", a}}, bad), InvalidArgumentError);
}

TEST(FlowPatterns, StructuredSupervisorDecidesThroughAnEnum) {
  auto model = std::make_shared<ScriptedModel>();
  model->push(text_reply(R"({"next":"researcher","reason":"Collect the facts first."})"));
  model->push(text_reply(R"({"next":"FINISH"})"));
  auto researcher = replies({"The facts."});
  auto graph = structured_supervisor(model, {{"researcher", make_agent("r", researcher)}});
  auto out = graph->invoke({{"input", "Explain tides."}});
  EXPECT_EQ(out.state["output"], "The facts.");
  EXPECT_EQ(out.state["supervisor"], (Json{{"next", "FINISH"}}));
  // The decision is constrained to the worker names and FINISH.
  const auto requests = model->requests();
  ASSERT_FALSE(requests.empty());
  const Json& schema = requests[0].response_format.schema;
  EXPECT_EQ(schema["properties"]["next"]["enum"], Json::array({"researcher", "FINISH"}));
  // The reason reaches the worker.
  EXPECT_TRUE(contains(prompt_of(*researcher), "Collect the facts first."));
}

// ---- handoff ----------------------------------------------------------------------------------------------

HandoffAgent handoff_agent(const std::string& name, std::shared_ptr<ScriptedModel> model,
                           int max_steps = 10) {
  HandoffAgent a;
  a.name = name;
  a.description = name + " things";
  a.configure = [model, max_steps](agent::AgentBuilder& b) { b.model(model).max_steps(max_steps); };
  return a;
}

TEST(FlowPatterns, HandoffPassesTheConversationOn) {
  auto triage = std::make_shared<ScriptedModel>();
  triage->push(tool_reply({make_call("t1", "transfer_to_refunds", Json::object())}, "Let me get refunds."));
  auto refunds = replies({"Your refund is on its way."});
  auto sales = replies({});
  auto graph = handoff(
      {handoff_agent("triage", triage), handoff_agent("refunds", refunds), handoff_agent("sales", sales)},
      "triage");
  Recorder rec;
  auto out = graph->invoke({{"input", "I want my money back."}}, rec.config());
  EXPECT_EQ(out.state["output"], "Your refund is on its way.");
  EXPECT_EQ(out.state["active"], "refunds");
  EXPECT_EQ(out.state["handoffs"], (Json::parse(R"([{"from":"triage","to":"refunds"}])")));
  EXPECT_EQ(rec.started, (std::vector<std::string>{"triage", "refunds"}));
  // The transfer ended triage's turn: no model call to comment on it.
  EXPECT_EQ(triage->requests().size(), 1u);
  // Each agent has a transfer tool for every other agent.
  std::vector<std::string> tools;
  const auto triage_requests = triage->requests();
  for (const auto& t : triage_requests[0].tools) tools.push_back(t.name);
  EXPECT_EQ(tools, (std::vector<std::string>{"transfer_to_refunds", "transfer_to_sales"}));
  EXPECT_TRUE(contains(triage->requests()[0].tools[0].description, "refunds things"));
  // The next agent gets the conversation so far.
  const std::string prompt = prompt_of(*refunds);
  EXPECT_TRUE(contains(prompt, "User: I want my money back.")) << prompt;
  EXPECT_TRUE(contains(prompt, "triage: Let me get refunds.")) << prompt;
  EXPECT_TRUE(contains(prompt, "triage transferred this conversation to you")) << prompt;
  // The record: user, triage's call, its result, refunds' answer; assistant turns carry the agent's name.
  const Json& messages = out.state["messages"];
  ASSERT_EQ(messages.size(), 4u) << messages.dump();
  EXPECT_EQ(messages[0]["role"], "user");
  EXPECT_EQ(messages[1]["name"], "triage");
  EXPECT_EQ(messages[1]["tool_calls"][0]["name"], "transfer_to_refunds");
  EXPECT_EQ(messages[2]["role"], "tool");
  EXPECT_EQ(messages[3]["name"], "refunds");
  EXPECT_EQ(llm::message_from_json(messages[3]).text(), "Your refund is on its way.");
  EXPECT_EQ(rec.tokens["refunds"], "Your refund is on its way.");
}

TEST(FlowPatterns, HandoffWithoutTransferEndsAtTheFirstAgent) {
  auto a = replies({"Done myself."});
  auto graph = handoff({handoff_agent("a", a), handoff_agent("b", replies({}))}, "a");
  auto out = graph->invoke({{"input", "hi"}});
  EXPECT_EQ(out.state["output"], "Done myself.");
  EXPECT_EQ(out.state["active"], "a");
  EXPECT_EQ(out.state["handoffs"], nullptr);
  EXPECT_EQ(out.state["messages"].size(), 2u);
}

TEST(FlowPatterns, HandoffLimitAndTransferAtTheStepLimit) {
  // a -> b -> a with one handoff allowed: the second transfer fails the run.
  auto a = std::make_shared<ScriptedModel>();
  a->push(tool_reply({make_call("1", "transfer_to_b", Json::object())}));
  auto b = std::make_shared<ScriptedModel>();
  b->push(tool_reply({make_call("2", "transfer_to_a", Json::object())}));
  auto graph = handoff({handoff_agent("a", a), handoff_agent("b", b)}, "a", {.max_handoffs = 1});
  try {
    graph->invoke({{"input", "ping"}});
    FAIL() << "expected MaxStepsError";
  } catch (const agent::MaxStepsError& e) {
    EXPECT_EQ(e.code(), ErrorCode::max_steps);
    EXPECT_GE(e.transcript().size(), 4u);
  }
  // An agent whose last allowed step called the transfer still hands over.
  auto c = std::make_shared<ScriptedModel>();
  c->push(tool_reply({make_call("1", "transfer_to_d", Json::object())}));
  auto d = replies({"d here"});
  auto out = handoff({handoff_agent("c", c, 1), handoff_agent("d", d)}, "c")->invoke({{"input", "x"}});
  EXPECT_EQ(out.state["output"], "d here");
  // Several transfers in one reply: the first wins.
  auto e = std::make_shared<ScriptedModel>();
  e->push(tool_reply(
      {make_call("1", "transfer_to_g", Json::object()), make_call("2", "transfer_to_f", Json::object())}));
  auto f = replies({"f"});
  auto g = replies({"g"});
  out = handoff({handoff_agent("e", e), handoff_agent("f", f), handoff_agent("g", g)}, "e")
            ->invoke({{"input", "x"}});
  EXPECT_EQ(out.state["output"], "g");
}

TEST(FlowPatterns, HandoffChecksItsAgents) {
  auto m = replies({});
  EXPECT_THROW(handoff({}, "a"), InvalidArgumentError);
  EXPECT_THROW(handoff({handoff_agent("a", m)}, "b"), InvalidArgumentError);
  EXPECT_THROW(handoff({handoff_agent("a", m), handoff_agent("a", m)}, "a"), InvalidArgumentError);
  EXPECT_THROW(handoff({handoff_agent("a", m), handoff_agent("b c", m)}, "a"), InvalidArgumentError);
  EXPECT_THROW(handoff({HandoffAgent{.name = "x"}}, "x"), InvalidArgumentError);
}

// ---- majority vote ----------------------------------------------------------------------------------------

TEST(FlowPatterns, MajorityVoteCountsNormalizedAnswers) {
  auto graph = majority_vote({make_agent("a", replies({"London"})), make_agent("b", replies({"Paris."})),
                              make_agent("c", replies({"  paris"}))});
  Recorder rec;
  auto out = graph->invoke({{"input", "Capital of France?"}}, rec.config());
  EXPECT_EQ(out.state["votes"], (Json{{"a", "London"}, {"b", "Paris."}, {"c", "  paris"}}));
  EXPECT_EQ(out.state["tally"], (Json{{"london", 1}, {"paris", 2}}));
  EXPECT_EQ(out.state["winner"], "paris");
  EXPECT_EQ(out.state["output"], "Paris.");  // as the earliest agent with that answer said it
  EXPECT_EQ(rec.tokens["c"], "  paris");
}

TEST(FlowPatterns, MajorityVoteTiesGoToTheEarliestAgent) {
  for (int run = 0; run < 3; ++run) {
    auto graph = majority_vote({make_agent("a", replies({"blue"})), make_agent("b", replies({"red"})),
                                make_agent("c", replies({"Red"})), make_agent("d", replies({"BLUE!"}))});
    EXPECT_EQ(graph->invoke({{"input", "?"}}).state["output"], "blue");
  }
  // A custom normalization: only the first word counts.
  auto first_word = [](std::string_view s) { return std::string(s.substr(0, s.find(' '))); };
  auto graph = majority_vote({make_agent("a", replies({"yes indeed"})), make_agent("b", replies({"no"})),
                              make_agent("c", replies({"yes sir"}))},
                             first_word);
  auto out = graph->invoke({{"input", "?"}});
  EXPECT_EQ(out.state["winner"], "yes");
  EXPECT_EQ(out.state["output"], "yes indeed");
}

TEST(FlowPatterns, DefaultNormalize) {
  EXPECT_EQ(default_normalize("  The   Answer\tis 42.!  "), "the answer is 42");
  EXPECT_EQ(default_normalize("Why?"), "why");
  EXPECT_EQ(default_normalize(""), "");
  EXPECT_EQ(default_normalize(" . "), "");
}

// ---- debate -----------------------------------------------------------------------------------------------

TEST(FlowPatterns, DebateTakesTurnsThenTheJudgeDecides) {
  auto pro = replies({"Cats are clean.", "Cats are independent."});
  auto con = replies({"Dogs are loyal.", "Dogs protect you."});
  auto judge = replies({"Dogs win."});
  auto graph = debate({make_agent("pro", pro), make_agent("con", con)}, make_agent("judge", judge), 2);
  EXPECT_EQ(graph->nodes(), (std::vector<std::string>{"pro_1", "con_1", "pro_2", "con_2", "judge"}));
  Recorder rec;
  auto out = graph->invoke({{"input", "Cats or dogs?"}}, rec.config());
  EXPECT_EQ(out.state["output"], "Dogs win.");
  EXPECT_EQ(out.state["transcript"], (Json::parse(R"([{"agent":"pro","round":1,"text":"Cats are clean."},
      {"agent":"con","round":1,"text":"Dogs are loyal."},{"agent":"pro","round":2,"text":"Cats are independent."},
      {"agent":"con","round":2,"text":"Dogs protect you."}])")));
  EXPECT_TRUE(contains(prompt_of(*pro, 0), "You speak first."));
  EXPECT_TRUE(contains(prompt_of(*con, 0), "[pro, round 1]: Cats are clean."));
  EXPECT_TRUE(contains(prompt_of(*pro, 1), "[con, round 1]: Dogs are loyal."));
  EXPECT_TRUE(contains(prompt_of(*pro, 1), "Round 2 of 2"));
  const std::string judged = prompt_of(*judge);
  EXPECT_TRUE(contains(judged, "Cats or dogs?"));
  EXPECT_TRUE(contains(judged, "[con, round 2]: Dogs protect you."));
  EXPECT_EQ(rec.tokens["con_2"], "Dogs protect you.");
  EXPECT_EQ(out.steps, 5);
}

TEST(FlowPatterns, DebateLongerThanTheDefaultStepLimit) {
  std::vector<NamedAgent> debaters;
  for (const char* name : {"a", "b", "c"}) {
    auto model = std::make_shared<ScriptedModel>();
    for (int i = 0; i < 10; ++i) model->push(text_reply(std::string(name) + std::to_string(i)));
    debaters.emplace_back(make_agent(name, model));
  }
  auto graph = debate(debaters, make_agent("j", replies({"verdict"})), 10);
  auto out = graph->invoke({{"input", "?"}});
  EXPECT_EQ(out.state["transcript"].size(), 30u);
  EXPECT_EQ(out.state["output"], "verdict");
}

// ---- composition ------------------------------------------------------------------------------------------

TEST(FlowPatterns, APatternAsASubgraph) {
  Desk desk;
  desk.classifier_model->push(text_reply("tech_support"));
  auto outer = GraphBuilder()
                   .state(StateSchema().key("input").key("output").key("route"))
                   .node("desk", desk.graph())
                   .node("log",
                         [](const Json& state, NodeContext&) {
                           return Json{{"output", "[" + state["route"].get<std::string>() + "] " +
                                                      state["output"].get<std::string>()}};
                         })
                   .edge(std::string(START), "desk")
                   .edge("desk", "log")
                   .edge("log", std::string(END))
                   .compile();
  Recorder rec;
  auto out = outer->invoke({{"input", "no signal"}}, rec.config());
  EXPECT_EQ(out.state["output"], "[tech_support] Restart the router.");
  EXPECT_EQ(out.state.count("classification"), 0u);  // not a key of the outer graph
  // Token events of the inner agents surface as the subgraph node's.
  EXPECT_EQ(rec.tokens["desk"], "tech_supportRestart the router.");
}

}  // namespace
}  // namespace alith::flow
