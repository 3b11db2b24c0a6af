// The agent loop against an in-process scripted model.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "alith/agent/agent.h"
#include "scripted_model.h"
#include "support/rendezvous.h"

namespace alith::agent {
namespace {

using testing::make_call;
using testing::malformed_call;
using testing::ScriptedModel;
using testing::text_reply;
using testing::tool_reply;
using Kind = AgentEvent::Kind;

std::shared_ptr<Tool> add_tool(std::atomic<int>* calls = nullptr) {
  return make_function_tool("add", "Add two numbers", {"a", "b"}, {}, [calls](double a, double b) {
    if (calls) ++*calls;
    return a + b;
  });
}

using alith::testing::Rendezvous;

TEST(Agent, ToolCallThenFinalAnswer) {
  auto model = std::make_shared<ScriptedModel>();
  model->push(tool_reply({make_call("c1", "add", {{"a", 2}, {"b", 3}})}, "", {10, 5, 15}));
  model->push(text_reply("The sum is 5.", {20, 4, 24}));
  std::atomic<int> calls = 0;
  llm::Sampling sampling;
  sampling.temperature = 0.5;
  auto agent = AgentBuilder()
                   .name("math")
                   .preamble("Be exact.")
                   .model(model)
                   .tool(add_tool(&calls))
                   .tool_choice(llm::ToolChoice::named("add"))
                   .sampling(sampling)
                   .max_tokens(100)
                   .build();
  EXPECT_EQ(agent->name(), "math");
  RunResult r = agent->run("What is 2 + 3?");
  EXPECT_EQ(r.answer, "The sum is 5.");
  EXPECT_EQ(r.steps, 2);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(r.usage.prompt_tokens, 30);
  EXPECT_EQ(r.usage.total_tokens, 39);

  ASSERT_EQ(r.transcript.size(), 5u);
  EXPECT_EQ(r.transcript[0].role, llm::Role::system);
  EXPECT_EQ(r.transcript[0].text(), "Be exact.");
  EXPECT_EQ(r.transcript[1].role, llm::Role::user);
  EXPECT_EQ(r.transcript[2].role, llm::Role::assistant);
  ASSERT_EQ(r.transcript[2].tool_calls.size(), 1u);
  EXPECT_EQ(r.transcript[3].role, llm::Role::tool);
  EXPECT_EQ(r.transcript[3].tool_call_id, "c1");
  EXPECT_EQ(r.transcript[3].name, "add");
  EXPECT_EQ(r.transcript[3].text(), "5.0");
  EXPECT_FALSE(r.transcript[3].is_error);
  EXPECT_EQ(r.transcript[4].text(), "The sum is 5.");

  auto requests = model->requests();
  ASSERT_EQ(requests.size(), 2u);
  ASSERT_EQ(requests[0].tools.size(), 1u);
  EXPECT_EQ(requests[0].tools[0].name, "add");
  EXPECT_EQ(requests[0].tool_choice.mode, llm::ToolChoice::Mode::named);
  EXPECT_EQ(requests[1].tool_choice.mode, llm::ToolChoice::Mode::automatic);  // the model may answer now
  EXPECT_EQ(requests[0].sampling.temperature, 0.5);
  EXPECT_EQ(requests[0].max_tokens, 100);
  EXPECT_EQ(requests[0].messages.size(), 2u);
  EXPECT_EQ(requests[1].messages.size(), 4u);
  EXPECT_EQ(requests[1].messages[3].text(), "5.0");
}

TEST(Agent, AnswerOnLastStepWithholdsToolsOnTheLastAllowedCall) {
  auto model = std::make_shared<ScriptedModel>();
  model->push(tool_reply({make_call("c1", "add", {{"a", 1}, {"b", 1}})}));
  model->push(text_reply("2"));
  std::atomic<int> calls = 0;
  auto agent =
      AgentBuilder().model(model).tool(add_tool(&calls)).max_steps(2).hooks(answer_on_last_step(2)).build();
  EXPECT_EQ(agent->prompt("1 + 1?"), "2");
  auto requests = model->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].tool_choice.mode, llm::ToolChoice::Mode::automatic);
  EXPECT_EQ(requests[1].tool_choice.mode, llm::ToolChoice::Mode::none);
}

TEST(Agent, PromptReturnsTheAnswer) {
  auto model = std::make_shared<ScriptedModel>();
  model->push(text_reply("hi"));
  auto agent = AgentBuilder().model(model).build();
  EXPECT_EQ(agent->prompt("hello"), "hi");
  EXPECT_TRUE(model->requests()[0].tools.empty());
}

TEST(Agent, TwoCallsInOneTurnRunConcurrently) {
  Rendezvous rendezvous(2);
  auto meet = make_function_tool("meet", "", {"who"}, {}, [&](const std::string& who) {
    return rendezvous.arrive_and_wait() ? who + " met" : who + " timed out";
  });
  auto model = std::make_shared<ScriptedModel>();
  model->push(tool_reply({make_call("c1", "meet", {{"who", "a"}}), make_call("c2", "meet", {{"who", "b"}})}));
  model->push(text_reply("done"));
  auto agent = AgentBuilder().model(model).tool(meet).tool_threads(1).build();
  RunResult r = agent->run("go");
  ASSERT_EQ(r.transcript.size(), 5u);
  // Results come back in call order whatever order the tools finished in.
  EXPECT_EQ(r.transcript[2].tool_call_id, "c1");
  EXPECT_EQ(r.transcript[2].text(), "a met");
  EXPECT_EQ(r.transcript[3].tool_call_id, "c2");
  EXPECT_EQ(r.transcript[3].text(), "b met");
}

TEST(Agent, ManyCallsInOneTurnAllComplete) {
  std::atomic<int> calls = 0;
  auto model = std::make_shared<ScriptedModel>();
  std::vector<llm::ToolCall> batch;
  for (int i = 0; i < 12; ++i)
    batch.push_back(make_call("c" + std::to_string(i), "add", {{"a", i}, {"b", 1}}));
  model->push(tool_reply(batch));
  model->push(text_reply("ok"));
  auto agent = AgentBuilder().model(model).tool(add_tool(&calls)).tool_threads(3).build();
  RunResult r = agent->run("go");
  EXPECT_EQ(calls, 12);
  for (int i = 0; i < 12; ++i) {
    EXPECT_EQ(r.transcript[2 + i].tool_call_id, "c" + std::to_string(i));
    EXPECT_EQ(r.transcript[2 + i].text(), dump_json(Json(i + 1.0)));
  }
}

TEST(Agent, ToolFailuresBecomeErrorResultsAndTheRunContinues) {
  auto boom = make_tool("boom", "", Json{{"type", "object"}},
                        [](const Json&, const ToolContext&) -> Json { throw std::runtime_error("kaput"); });
  auto model = std::make_shared<ScriptedModel>();
  model->push(tool_reply({make_call("c1", "boom", Json::object()),          // throws
                          make_call("c2", "nope", Json::object()),          // unknown tool
                          malformed_call("c3", "add", "{\"a\": 1, "),       // not JSON
                          make_call("c4", "add", {{"a", "x"}, {"b", 1}}),   // invalid
                          make_call("c5", "add", {{"a", 1}, {"b", 1}})}));  // fine
  model->push(text_reply("recovered"));
  auto agent = AgentBuilder().model(model).tool(boom).tool(add_tool()).build();
  RunResult r = agent->run("go");
  EXPECT_EQ(r.answer, "recovered");
  ASSERT_EQ(r.transcript.size(), 8u);
  const auto& t = r.transcript;
  EXPECT_TRUE(t[2].is_error);
  EXPECT_EQ(t[2].text(), "Error: tool \"boom\" failed: kaput");
  EXPECT_TRUE(t[3].is_error);
  EXPECT_EQ(t[3].text(), "Error: there is no tool named \"nope\". Available tools: boom, add.");
  EXPECT_TRUE(t[4].is_error);
  EXPECT_NE(t[4].text().find("are not valid JSON"), std::string::npos) << t[4].text();
  EXPECT_TRUE(t[5].is_error);
  EXPECT_NE(t[5].text().find("$.a: expected number, got string"), std::string::npos) << t[5].text();
  EXPECT_FALSE(t[6].is_error);
  EXPECT_EQ(t[6].text(), "2.0");
  // The model saw the errors.
  EXPECT_TRUE(model->requests()[1].messages[2].is_error);
}

TEST(Agent, EmptyArgumentsMeanNoArguments) {
  auto ping = make_function_tool("ping", "", {}, {}, [] { return std::string("pong"); });
  auto model = std::make_shared<ScriptedModel>();
  model->push(tool_reply({malformed_call("c1", "ping", "")}));
  model->push(text_reply("ok"));
  RunResult r = AgentBuilder().model(model).tool(ping).build()->run("go");
  EXPECT_EQ(r.transcript[2].text(), "pong");
  EXPECT_FALSE(r.transcript[2].is_error);
}

TEST(Agent, MissingCallIdsAreFilledIn) {
  auto model = std::make_shared<ScriptedModel>();
  model->push(tool_reply({make_call("", "add", {{"a", 1}, {"b", 2}})}));
  model->push(text_reply("3"));
  RunResult r = AgentBuilder().model(model).tool(add_tool()).build()->run("go");
  const std::string id = r.transcript[1].tool_calls[0].id;
  EXPECT_FALSE(id.empty());
  EXPECT_EQ(r.transcript[2].tool_call_id, id);
}

TEST(Agent, BeforeToolVetoAndAfterToolEdit) {
  std::atomic<int> calls = 0;
  std::vector<std::string> order;
  Hooks first;
  first.before_tool = [&](const llm::ToolCall& call) {
    order.push_back("first:" + call.id);
    return call.id == "c1" ? ToolDecision::veto("Not allowed: adding is forbidden today.")
                           : ToolDecision::allow();
  };
  first.after_tool = [&](const llm::ToolCall& call, ToolOutcome& outcome) {
    order.push_back("after:" + call.id);
    if (!outcome.is_error) outcome.content += " (checked)";
  };
  Hooks second;
  second.before_tool = [&](const llm::ToolCall& call) {
    order.push_back("second:" + call.id);
    return ToolDecision::allow();
  };
  auto model = std::make_shared<ScriptedModel>();
  model->push(tool_reply(
      {make_call("c1", "add", {{"a", 1}, {"b", 1}}), make_call("c2", "add", {{"a", 2}, {"b", 2}})}));
  model->push(text_reply("ok"));
  auto agent = AgentBuilder().model(model).tool(add_tool(&calls)).hooks(first).hooks(second).build();
  RunResult r = agent->run("go");
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(r.transcript[2].is_error);
  EXPECT_EQ(r.transcript[2].text(), "Not allowed: adding is forbidden today.");
  EXPECT_EQ(r.transcript[3].text(), "4.0 (checked)");
  // The first veto wins (the second hook is not asked about c1); hooks run in the order added.
  EXPECT_EQ(order, (std::vector<std::string>{"first:c1", "first:c2", "second:c2", "after:c1", "after:c2"}));
}

TEST(Agent, ModelHooksSeeAndEditRequests) {
  auto model = std::make_shared<ScriptedModel>();
  model->push(tool_reply({make_call("c1", "add", {{"a", 1}, {"b", 1}})}));
  model->push(text_reply("ok"));
  int after = 0;
  Hooks hooks;
  hooks.before_model = [](llm::ChatRequest& request) {
    request.messages.push_back(llm::Message::user("[note]"));
  };
  hooks.after_model = [&](const llm::ChatResponse&) { ++after; };
  RunResult r = AgentBuilder().model(model).tool(add_tool()).hooks(hooks).build()->run("go");
  auto requests = model->requests();
  EXPECT_EQ(requests[0].messages.back().text(), "[note]");
  EXPECT_EQ(requests[1].messages.back().text(), "[note]");
  EXPECT_EQ(requests[1].messages.size(), 4u);  // the edit of step 0 did not persist into step 1
  EXPECT_EQ(after, 2);
  for (const auto& m : r.transcript) EXPECT_NE(m.text(), "[note]");
}

TEST(Agent, MaxStepsThrowsWithTheTranscript) {
  auto model = std::make_shared<ScriptedModel>();
  for (int i = 0; i < 3; ++i)
    model->push(tool_reply({make_call("c" + std::to_string(i), "add", {{"a", i}, {"b", 0}})}));
  auto memory = std::make_shared<BufferMemory>();
  auto agent = AgentBuilder().model(model).tool(add_tool()).max_steps(3).memory(memory).build();
  try {
    agent->run("loop forever");
    FAIL() << "expected MaxStepsError";
  } catch (const MaxStepsError& e) {
    EXPECT_EQ(e.code(), ErrorCode::max_steps);
    ASSERT_EQ(e.transcript().size(), 7u);  // user + 3 x (call, result)
    EXPECT_EQ(e.transcript().back().role, llm::Role::tool);
    EXPECT_EQ(e.transcript().back().tool_call_id, "c2");
    EXPECT_EQ(e.usage().total_tokens, 15);
  }
  EXPECT_EQ(model->requests().size(), 3u);
  EXPECT_TRUE(memory->messages().empty());  // only successful runs are remembered
}

TEST(Agent, StreamingEventOrder) {
  auto model = std::make_shared<ScriptedModel>();
  model->push(
      tool_reply({make_call("c1", "add", {{"a", 1}, {"b", 2}}), make_call("c2", "add", {{"a", 3}, {"b", 4}})},
                 "Let me add."));
  model->push(text_reply("Sums: 3 and 7."));
  auto agent = AgentBuilder().model(model).tool(add_tool()).build();
  std::vector<AgentEvent> events;
  RunResult r = agent->stream("go", [&](const AgentEvent& e) { events.push_back(e); });
  EXPECT_EQ(model->stream_calls(), 2u);
  EXPECT_EQ(r.answer, "Sums: 3 and 7.");

  std::vector<Kind> kinds;
  std::string step0_text, step1_text;
  for (const auto& e : events) {
    if (e.kind == Kind::text_delta) {
      (e.step == 0 ? step0_text : step1_text) += e.text;
      if (!kinds.empty() && kinds.back() == Kind::text_delta) continue;  // collapse runs of deltas
    }
    kinds.push_back(e.kind);
  }
  EXPECT_EQ(step0_text, "Let me add.");
  EXPECT_EQ(step1_text, "Sums: 3 and 7.");
  EXPECT_EQ(kinds, (std::vector<Kind>{Kind::text_delta, Kind::usage, Kind::tool_call_started,
                                      Kind::tool_call_started, Kind::tool_call_finished,
                                      Kind::tool_call_finished, Kind::step_finished, Kind::text_delta,
                                      Kind::usage, Kind::step_finished, Kind::final_answer}));
  const AgentEvent* finished = nullptr;
  for (const auto& e : events) {
    if (e.kind == Kind::tool_call_finished && !finished) finished = &e;
  }
  ASSERT_NE(finished, nullptr);
  EXPECT_EQ(finished->tool_call.id, "c1");
  EXPECT_EQ(finished->text, "3.0");
  EXPECT_FALSE(finished->is_error);
  EXPECT_EQ(events.back().text, "Sums: 3 and 7.");
  EXPECT_EQ(events.back().step, 1);
}

TEST(Agent, StreamWithAModelThatCannotStream) {
  auto model = std::make_shared<ScriptedModel>();
  model->caps.streaming = false;
  model->push(text_reply("whole"));
  std::vector<std::string> deltas;
  AgentBuilder().model(model).build()->stream("go", [&](const AgentEvent& e) {
    if (e.kind == Kind::text_delta) deltas.push_back(e.text);
  });
  EXPECT_EQ(deltas, (std::vector<std::string>{"whole"}));
  EXPECT_EQ(model->stream_calls(), 0u);
}

TEST(Agent, RunCanUseStreamingWithoutEvents) {
  auto model = std::make_shared<ScriptedModel>();
  model->push(text_reply("x"));
  RunOptions options;
  options.stream = true;
  EXPECT_EQ(AgentBuilder().model(model).build()->run("go", options).answer, "x");
  EXPECT_EQ(model->stream_calls(), 1u);
}

TEST(Agent, CancelledBeforeTheRun) {
  auto model = std::make_shared<ScriptedModel>();
  model->push(text_reply("never"));
  auto token = CancelToken::create();
  token.cancel();
  RunOptions options;
  options.cancel = token;
  EXPECT_THROW(AgentBuilder().model(model).build()->run("go", options), CancelledError);
  EXPECT_TRUE(model->requests().empty());
}

TEST(Agent, CancelledDuringTools) {
  auto token = CancelToken::create();
  std::atomic<int> finished = 0;
  auto cancel_tool = make_function_tool("stop", "", {}, {}, [&](const ToolContext& ctx) {
    token.cancel();
    ++finished;
    ctx.cancel.check();  // tools see the same token
    return std::string("unreachable");
  });
  auto slow = make_function_tool("slow", "", {}, {}, [&]() {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ++finished;
    return std::string("slow done");
  });
  auto model = std::make_shared<ScriptedModel>();
  model->push(tool_reply({make_call("c1", "stop", Json::object()), make_call("c2", "slow", Json::object())}));
  model->push(text_reply("never"));
  RunOptions options;
  options.cancel = token;
  auto agent = AgentBuilder().model(model).tool(cancel_tool).tool(slow).build();
  EXPECT_THROW(agent->run("go", options), CancelledError);
  EXPECT_EQ(finished, 2);  // the run waited for the running tool before throwing
  EXPECT_EQ(model->requests().size(), 1u);
}

TEST(Agent, CancelledDuringAToolThatIgnoresTheToken) {
  auto token = CancelToken::create();
  auto tool = make_function_tool("stop", "", {}, {}, [&] {
    token.cancel();
    return std::string("finished anyway");
  });
  auto model = std::make_shared<ScriptedModel>();
  model->push(tool_reply({make_call("c1", "stop", Json::object())}));
  model->push(text_reply("never"));
  RunOptions options;
  options.cancel = token;
  EXPECT_THROW(AgentBuilder().model(model).tool(tool).build()->run("go", options), CancelledError);
  EXPECT_EQ(model->requests().size(), 1u);
}

TEST(Agent, ModelSeesTheCancelToken) {
  auto token = CancelToken::create();
  auto model = std::make_shared<ScriptedModel>();
  model->push([&](const llm::ChatRequest&, const llm::CallOptions& options) -> llm::ChatResponse {
    token.cancel();
    options.cancel.check();
    return text_reply("never");
  });
  RunOptions options;
  options.cancel = token;
  EXPECT_THROW(AgentBuilder().model(model).build()->run("go", options), CancelledError);
}

TEST(Agent, ModelErrorsPropagate) {
  auto model = std::make_shared<ScriptedModel>();  // nothing queued: ProviderError
  EXPECT_THROW(AgentBuilder().model(model).build()->run("go"), ProviderError);
}

TEST(Agent, MemoryCarriesTheConversation) {
  auto model = std::make_shared<ScriptedModel>();
  model->push(tool_reply({make_call("c1", "add", {{"a", 1}, {"b", 1}})}));
  model->push(text_reply("2"));
  model->push(text_reply("you asked 1+1"));
  auto memory = std::make_shared<WindowMemory>(20);
  auto agent = AgentBuilder().model(model).preamble("sys").tool(add_tool()).memory(memory).build();
  EXPECT_EQ(agent->memory(), memory);
  agent->run("1+1?");
  auto remembered = memory->messages();
  ASSERT_EQ(remembered.size(), 4u);  // user, call, result, answer; never the preamble
  EXPECT_EQ(remembered[0].text(), "1+1?");
  EXPECT_EQ(remembered[3].text(), "2");

  RunResult second = agent->run("what did I ask?");
  auto requests = model->requests();
  ASSERT_EQ(requests[2].messages.size(), 6u);  // sys + 4 remembered + new prompt
  EXPECT_EQ(requests[2].messages[0].role, llm::Role::system);
  EXPECT_EQ(requests[2].messages[1].text(), "1+1?");
  EXPECT_EQ(requests[2].messages[5].text(), "what did I ask?");
  EXPECT_EQ(second.transcript.size(), 7u);
  EXPECT_EQ(memory->messages().size(), 6u);
}

TEST(Agent, ConcurrentRunsWithoutMemory) {
  auto model = std::make_shared<ScriptedModel>();
  for (int i = 0; i < 16; ++i) {
    model->push([](const llm::ChatRequest& request, const llm::CallOptions&) {
      return text_reply("echo " + request.messages.back().text());
    });
  }
  auto agent = AgentBuilder().model(model).build();
  std::vector<std::thread> threads;
  std::atomic<int> correct = 0;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 4; ++i) {
        const std::string q = std::to_string(t) + "-" + std::to_string(i);
        if (agent->run(q).answer == "echo " + q) ++correct;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(correct, 16);
}

TEST(Agent, BuilderValidates) {
  auto model = std::make_shared<ScriptedModel>();
  EXPECT_THROW(AgentBuilder().build(), ConfigError);
  EXPECT_THROW(AgentBuilder().model(model).max_steps(0).build(), InvalidArgumentError);
  EXPECT_THROW(AgentBuilder().model(model).tool_threads(0).build(), InvalidArgumentError);
  EXPECT_THROW(AgentBuilder().model(model).tool(add_tool()).tool(add_tool()).build(), InvalidArgumentError);
  EXPECT_THROW(
      AgentBuilder().model(model).tool(add_tool()).tool_choice(llm::ToolChoice::named("sub")).build(),
      InvalidArgumentError);
  EXPECT_THROW(AgentBuilder().model(model).tool_choice(llm::ToolChoice::required_choice()).build(),
               InvalidArgumentError);
  EXPECT_THROW(AgentBuilder().tool(nullptr), InvalidArgumentError);
  AgentBuilder builder;
  builder.model(model).tools({add_tool()});
  auto a = builder.build();
  auto b = builder.build();  // reusable
  EXPECT_NE(a, b);
  EXPECT_EQ(a->tool_specs().size(), 1u);
}

}  // namespace
}  // namespace alith::agent
