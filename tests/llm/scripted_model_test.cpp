#include "alith/llm/scripted_model.h"

#include <gtest/gtest.h>

#include "alith/agent/agent.h"
#include "alith/agent/tool.h"
#include "alith/core/error.h"
#include "alith/llm/registry.h"

namespace alith::llm {
namespace {

ChatRequest ask(std::string text) {
  ChatRequest request;
  request.messages.push_back(Message::system("be brief"));
  request.messages.push_back(Message::user(std::move(text)));
  return request;
}

TEST(ScriptedModel, EchoesTheLastUserMessageWhenTheScriptIsEmpty) {
  ScriptedModel model;
  const ChatResponse r = model.complete(ask("hello there"));
  EXPECT_EQ(r.message.text(), "hello there");
  EXPECT_EQ(r.finish_reason, FinishReason::stop);
  EXPECT_GT(r.usage.total_tokens, 0);
  EXPECT_EQ(model.calls(), 1u);
}

TEST(ScriptedModel, ServesRepliesInOrderThenEchoes) {
  ScriptedModel model({ScriptedModel::text("one"), ScriptedModel::text("two")});
  EXPECT_EQ(model.remaining(), 2u);
  EXPECT_EQ(model.complete(ask("x")).message.text(), "one");
  EXPECT_EQ(model.complete(ask("x")).message.text(), "two");
  EXPECT_EQ(model.complete(ask("x")).message.text(), "x");
  EXPECT_EQ(model.remaining(), 0u);
}

TEST(ScriptedModel, ToolCallsGetIdsAndRawArguments) {
  ScriptedModel model;
  model.push(ScriptedModel::tool_call("add", {{"a", 1}, {"b", 2}}));
  const ChatResponse r = model.complete(ask("add"));
  ASSERT_EQ(r.message.tool_calls.size(), 1u);
  EXPECT_EQ(r.finish_reason, FinishReason::tool_calls);
  EXPECT_EQ(r.message.tool_calls[0].id, "call_0");
  EXPECT_EQ(r.message.tool_calls[0].name, "add");
  EXPECT_EQ(parse_json(r.message.tool_calls[0].raw_arguments).value(), (Json{{"a", 1}, {"b", 2}}));
}

TEST(ScriptedModel, StreamReplaysTextToolCallsAndUsage) {
  ScriptedModel model;
  model.push(ScriptedModel::text("streamed reply"));
  std::string text;
  int usage_events = 0;
  const ChatResponse r = model.stream(ask("q"), [&](const StreamEvent& e) {
    if (e.kind == StreamEvent::Kind::text_delta) text += e.text;
    if (e.kind == StreamEvent::Kind::usage) ++usage_events;
  });
  EXPECT_EQ(text, "streamed reply");
  EXPECT_EQ(r.message.text(), "streamed reply");
  EXPECT_EQ(usage_events, 1);

  model.push(ScriptedModel::tool_call("f", {{"k", "v"}}));
  std::string name, args;
  model.stream(ask("q"), [&](const StreamEvent& e) {
    if (e.kind == StreamEvent::Kind::tool_call_start) name = e.name;
    if (e.kind == StreamEvent::Kind::tool_call_delta) args += e.text;
  });
  EXPECT_EQ(name, "f");
  EXPECT_EQ(parse_json(args).value(), (Json{{"k", "v"}}));
}

TEST(ScriptedModel, HonoursCancellation) {
  ScriptedModel model;
  CallOptions options;
  options.cancel = CancelToken::create();
  options.cancel.cancel();
  EXPECT_THROW(model.complete(ask("q"), options), CancelledError);
}

TEST(ScriptedModel, DrivesAnAgentsToolLoop) {
  auto model = std::make_shared<ScriptedModel>();
  model->push(ScriptedModel::tool_call("add", {{"a", 2}, {"b", 3}}));
  model->push(ScriptedModel::text("5"));
  auto add = agent::make_function_tool("add", "adds", {"a", "b"}, {}, [](int a, int b) { return a + b; });
  auto agent = agent::AgentBuilder().model(model).tool(add).build();
  const agent::RunResult result = agent->run("what is 2+3?");
  EXPECT_EQ(result.answer, "5");
  EXPECT_EQ(result.steps, 2);
  ASSERT_GE(result.transcript.size(), 4u);
  EXPECT_EQ(result.transcript[2].role, Role::tool);
  EXPECT_EQ(result.transcript[2].text(), "5");
}

TEST(ScriptedModel, TheEchoReferenceNeedsNoKey) {
  auto model = make_chat_model("echo:test", Config{});
  EXPECT_EQ(model->complete(ask("ping")).message.text(), "ping");
}

}  // namespace
}  // namespace alith::llm
