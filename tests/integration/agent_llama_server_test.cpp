// The whole agent loop against a real llama-server: a (forced) tool call arrives, the tool runs, its result
// goes back as a tool message, and a final answer arrives.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>

#include "alith/agent/agent.h"
#include "alith/agent/builtin_tools.h"
#include "alith/agent/tool.h"
#include "alith/llm/openai.h"
#include "support/llama_server.h"

namespace alith {
namespace {

class AgentAgainstLlamaServer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = std::make_unique<testing::LlamaServer>(); }
  static void TearDownTestSuite() { server_.reset(); }

  // The first model call must use a tool; later calls may not, so the run ends with an answer.
  static std::shared_ptr<agent::Agent> make_agent(std::atomic<int>& weather_calls) {
    llm::OpenAIOptions o;
    o.base_url = server_->base_url();
    o.model = "gemma-3-270m";
    auto weather = agent::make_tool(
        "get_weather", "Current weather for a city",
        Json::parse(R"({"type":"object","properties":{"city":{"type":"string"}},"required":["city"]})"),
        [&weather_calls](const Json& args, const agent::ToolContext&) -> Json {
          ++weather_calls;
          return "Sunny, 21 C in " + args.value("city", std::string("the city"));
        });
    auto model_calls = std::make_shared<std::atomic<int>>(0);
    agent::Hooks hooks;
    hooks.before_model = [model_calls](llm::ChatRequest& request) {
      if ((*model_calls)++ > 0) request.tool_choice = llm::ToolChoice::none_choice();
      request.max_tokens = 64;
      request.sampling.temperature = 0.0;
    };
    return agent::AgentBuilder()
        .name("weather")
        .preamble("You answer questions about the weather using tools.")
        .model(std::make_shared<llm::OpenAIChatModel>(o))
        .tool(weather)
        .tool(agent::builtin_tool("calculator"))
        .tool_choice(llm::ToolChoice::required_choice())
        .hooks(hooks)
        .max_steps(4)
        .build();
  }

  static inline std::unique_ptr<testing::LlamaServer> server_;
};

TEST_F(AgentAgainstLlamaServer, ToolCallResultAndFinalAnswer) {
  std::atomic<int> weather_calls{0};
  auto agent = make_agent(weather_calls);
  auto result = agent->run("What is the weather in Paris?");

  EXPECT_GE(weather_calls.load(), 1);
  EXPECT_EQ(result.steps, 2);
  // user, assistant(tool calls), one tool message per call in call order, assistant(answer)
  ASSERT_GE(result.transcript.size(), 4u);
  const llm::Message* call_msg = nullptr;
  std::vector<const llm::Message*> tool_msgs;
  for (const auto& m : result.transcript) {
    if (m.role == llm::Role::assistant && !m.tool_calls.empty()) call_msg = &m;
    if (m.role == llm::Role::tool) tool_msgs.push_back(&m);
  }
  ASSERT_NE(call_msg, nullptr);
  ASSERT_EQ(tool_msgs.size(), call_msg->tool_calls.size());
  EXPECT_EQ(call_msg->tool_calls[0].name, "get_weather");
  for (size_t i = 0; i < tool_msgs.size(); ++i) {
    EXPECT_EQ(tool_msgs[i]->tool_call_id, call_msg->tool_calls[i].id);
  }
  EXPECT_FALSE(tool_msgs[0]->is_error) << tool_msgs[0]->text();
  EXPECT_NE(tool_msgs[0]->text().find("Sunny"), std::string::npos);
  EXPECT_EQ(result.transcript.back().role, llm::Role::assistant);
  EXPECT_TRUE(result.transcript.back().tool_calls.empty());
  EXPECT_EQ(result.answer, result.transcript.back().text());
  EXPECT_GT(result.usage.total_tokens, 0);
}

TEST_F(AgentAgainstLlamaServer, StreamsEventsAcrossTheLoop) {
  std::atomic<int> weather_calls{0};
  auto agent = make_agent(weather_calls);
  std::vector<agent::AgentEvent::Kind> kinds;
  std::string streamed;
  auto result = agent->stream("Weather in Oslo?", [&](const agent::AgentEvent& e) {
    kinds.push_back(e.kind);
    if (e.kind == agent::AgentEvent::Kind::text_delta) streamed += e.text;
  });
  using Kind = agent::AgentEvent::Kind;
  auto first = [&](Kind k) { return std::find(kinds.begin(), kinds.end(), k) - kinds.begin(); };
  ASSERT_LT(first(Kind::tool_call_started), static_cast<long>(kinds.size()));
  EXPECT_LT(first(Kind::tool_call_started), first(Kind::tool_call_finished));
  EXPECT_LT(first(Kind::tool_call_finished), first(Kind::final_answer));
  EXPECT_EQ(kinds.back(), Kind::final_answer);
  EXPECT_GE(weather_calls.load(), 1);
  EXPECT_NE(streamed.find(result.answer), std::string::npos);
}

}  // namespace
}  // namespace alith
