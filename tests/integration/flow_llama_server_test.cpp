// Multi-agent workflow patterns against a real llama-server (Gemma 3 270M): a sequential chain, a router, a
// structured supervisor and a handoff. A 270M model is weak, so the tests assert the protocol: answers are
// non-empty, the route or worker chosen is one the graph knows (json_schema enums and forced tool calls make
// it so), streamed tokens arrive under the right node, and the patterns write their state keys.

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "alith/agent/agent.h"
#include "alith/flow/patterns.h"
#include "alith/llm/openai.h"
#include "support/llama_server.h"

namespace alith {
namespace {

class FlowAgainstLlamaServer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = std::make_unique<testing::LlamaServer>(); }
  static void TearDownTestSuite() { server_.reset(); }

  static std::shared_ptr<llm::ChatModel> model() {
    llm::OpenAIOptions o;
    o.base_url = server_->base_url();
    o.model = "gemma-3-270m";
    return std::make_shared<llm::OpenAIChatModel>(o);
  }

  // Short, greedy replies: the tests need any answer, fast.
  static void configure(agent::AgentBuilder& builder, const std::string& preamble, int max_tokens = 32) {
    llm::Sampling sampling;
    sampling.temperature = 0.0;
    builder.preamble(preamble).model(model()).max_tokens(max_tokens).sampling(sampling).max_steps(2);
  }

  static std::shared_ptr<agent::Agent> make_agent(const std::string& name, const std::string& preamble,
                                                  int max_tokens = 32) {
    agent::AgentBuilder builder;
    builder.name(name);
    configure(builder, preamble, max_tokens);
    return builder.build();
  }

  static inline std::unique_ptr<testing::LlamaServer> server_;
};

// Token events per node.
struct Tokens {
  std::map<std::string, std::string> by_node;
  flow::RunConfig config() {
    flow::RunConfig c;
    c.on_event = [this](const flow::RunEvent& e) {
      if (e.kind == flow::RunEvent::Kind::token) by_node[e.node] += e.text;
    };
    return c;
  }
};

TEST_F(FlowAgainstLlamaServer, SequentialChainOfTwoAgents) {
  auto graph =
      flow::sequential({make_agent("writer", "Write one short sentence about the topic you are given."),
                        make_agent("editor", "Rewrite the sentence you are given in simpler words.")});
  Tokens tokens;
  auto out = graph->invoke({{"input", "the sea"}}, tokens.config());
  const Json& steps = out.state["steps"];
  ASSERT_EQ(steps.size(), 2u) << out.state.dump();
  EXPECT_EQ(steps[0]["agent"], "writer");
  EXPECT_EQ(steps[1]["agent"], "editor");
  for (const auto& step : steps) EXPECT_FALSE(step["answer"].get<std::string>().empty()) << step.dump();
  EXPECT_EQ(out.state["output"], steps[1]["answer"]);
  // What each agent streamed is its answer.
  EXPECT_EQ(tokens.by_node["writer"], steps[0]["answer"].get<std::string>());
  EXPECT_EQ(tokens.by_node["editor"], steps[1]["answer"].get<std::string>());
}

TEST_F(FlowAgainstLlamaServer, RouterChoosesOneOfItsRoutes) {
  const std::vector<std::string> routes = {"weather", "math"};
  // The classifier answers in JSON whose "route" is an enum of the route names (llama-server turns the schema
  // into a grammar), so even a 270M model names a route.
  agent::Hooks hooks;
  hooks.before_model = [routes](llm::ChatRequest& request) {
    request.response_format.kind = llm::ResponseFormat::Kind::json_schema;
    request.response_format.name = "route";
    request.response_format.schema = {{"type", "object"},
                                      {"properties", {{"route", {{"type", "string"}, {"enum", routes}}}}},
                                      {"required", Json::array({"route"})}};
  };
  agent::AgentBuilder classifier;
  classifier.name("classifier").hooks(hooks);
  configure(classifier, "You sort requests into routes.");
  auto graph = flow::router(
      classifier.build(),
      {{"weather", make_agent("forecaster", "You answer questions about the weather."),
        "questions about the weather"},
       {"math", make_agent("mathematician", "You answer arithmetic questions."), "arithmetic questions"}});
  Tokens tokens;
  auto out = graph->invoke({{"input", "Will it rain in Paris tomorrow?"}}, tokens.config());
  const std::string route = out.state["route"].get<std::string>();
  EXPECT_TRUE(route == "weather" || route == "math") << route;
  EXPECT_NE(out.state["classification"].get<std::string>().find(route), std::string::npos)
      << out.state["classification"];
  EXPECT_FALSE(out.state["output"].get<std::string>().empty());
  EXPECT_FALSE(tokens.by_node["classify"].empty());
  EXPECT_EQ(tokens.by_node[route], out.state["output"].get<std::string>());
}

TEST_F(FlowAgainstLlamaServer, StructuredSupervisorDelegatesToAWorker) {
  flow::SupervisorOptions options;
  options.max_rounds = 1;
  auto graph = flow::structured_supervisor(
      model(),
      {{"researcher", make_agent("researcher", "You state one fact about the topic."), "finds facts"}},
      options);
  auto out = graph->invoke({{"input", "Tell me about the moon."}});
  const std::string decision = out.state["decision"].get<std::string>();
  EXPECT_EQ(decision, "FINISH");  // finally: by the supervisor or at the round limit
  const Json& supervisor = out.state["supervisor"];
  ASSERT_TRUE(supervisor.is_object()) << out.state.dump();
  const std::string next = supervisor["next"].get<std::string>();
  EXPECT_TRUE(next == "researcher" || next == "FINISH") << next;
  if (out.state["finished_by"] == "max_rounds") {
    ASSERT_EQ(out.state["work"].size(), 1u);
    EXPECT_EQ(out.state["work"][0]["worker"], "researcher");
  }
  EXPECT_TRUE(out.state["output"].is_string());
}

TEST_F(FlowAgainstLlamaServer, HandoffTransfersThroughAForcedToolCall) {
  flow::HandoffAgent triage;
  triage.name = "triage";
  triage.description = "first contact";
  triage.configure = [](agent::AgentBuilder& b) {
    configure(b, "You hand every request to the refunds agent.", 64);
    b.tool_choice(llm::ToolChoice::named("transfer_to_refunds"));
  };
  flow::HandoffAgent refunds;
  refunds.name = "refunds";
  refunds.description = "refunds and returns";
  refunds.configure = [](agent::AgentBuilder& b) {
    configure(b, "You handle refunds. Answer in one sentence.");
    b.tool_choice(llm::ToolChoice::none_choice());
  };
  flow::HandoffOptions options;
  options.max_handoffs = 1;
  auto graph = flow::handoff({triage, refunds}, "triage", options);
  Tokens tokens;
  auto out = graph->invoke({{"input", "I want my money back for the broken kettle."}}, tokens.config());
  EXPECT_EQ(out.state["handoffs"], Json::parse(R"([{"from":"triage","to":"refunds"}])"));
  EXPECT_EQ(out.state["active"], "refunds");
  EXPECT_FALSE(out.state["output"].get<std::string>().empty());
  EXPECT_EQ(tokens.by_node["refunds"], out.state["output"].get<std::string>());
  // user, triage's transfer call and its result, refunds' answer
  const Json& messages = out.state["messages"];
  ASSERT_GE(messages.size(), 4u) << messages.dump();
  EXPECT_EQ(messages[1]["tool_calls"][0]["name"], "transfer_to_refunds");
  EXPECT_EQ(messages.back()["name"], "refunds");
}

}  // namespace
}  // namespace alith
