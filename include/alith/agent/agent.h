#pragma once

// The agent loop: [system preamble] + memory + user prompt -> model -> tool calls run (concurrently when
// several come in one turn) -> one `tool` message per call, in call order -> model again, until a reply
// without tool calls (the final answer) or max_steps model calls (MaxStepsError).
//
//   auto agent = alith::agent::AgentBuilder()
//                    .name("helper").preamble("You are terse.")
//                    .model(model).tool(alith::agent::builtin_tool("calculator"))
//                    .build();
//   std::string answer = agent->prompt("What is 2^10?");
//
// Failures of a tool call never abort a run: an unknown tool, arguments that are not JSON or do not validate,
// a tool that throws and a veto from a hook all become an error result (is_error) the model sees and can
// react to. Errors of the model (ProviderError, TimeoutError...), of hooks and of the event callback
// propagate, as does CancelledError (checked before each model call and after each tool batch; tools get
// the token in their ToolContext and the run waits for running tools before it throws).
//
// Threads: hooks and stream events are called on the thread that called run()/stream(), never on a tool
// thread. An Agent is immutable after build(). Without memory, any number of runs may go on concurrently;
// with memory, runs are serialised by a mutex (each sees the previous one's history). Tools run on a pool
// owned by the agent (tool_threads, default 4); a turn with a single tool call runs it on the caller's
// thread.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "alith/agent/memory.h"
#include "alith/agent/tool.h"
#include "alith/core/cancel.h"
#include "alith/core/error.h"
#include "alith/llm/chat_model.h"

namespace alith::agent {

struct AgentEvent {
  enum class Kind {
    text_delta,          // text: a piece of the model's reply (streaming)
    tool_call_started,   // tool_call: about to run (all calls of a turn are announced before any runs)
    tool_call_finished,  // tool_call, text: the result the model will see, is_error
    step_finished,       // one model call and its tool calls are done
    usage,               // usage: tokens of this step's model call
    final_answer,        // text: the answer
  };
  Kind kind = Kind::text_delta;
  int step = 0;  // 0-based index of the model call
  std::string text;
  llm::ToolCall tool_call;
  bool is_error = false;
  llm::Usage usage;
};
// Per step the order is: text_delta*, usage, (tool_call_started x N, tool_call_finished x N)?, step_finished;
// after the last step: final_answer.
using EventHandler = std::function<void(const AgentEvent& event)>;

// A before_tool hook's verdict. A veto's reason is the error result the model sees.
struct ToolDecision {
  bool allowed = true;
  std::string reason;
  static ToolDecision allow() { return {}; }
  static ToolDecision veto(std::string reason) { return {false, std::move(reason)}; }
};

// Optional callbacks; empty members are skipped. Several Hooks may be added to one agent: they run in the
// order added, and the first veto wins. Throwing from a hook aborts the run.
struct Hooks {
  std::function<void(llm::ChatRequest& request)> before_model;  // may edit this step's request
  std::function<void(const llm::ChatResponse& response)> after_model;
  std::function<ToolDecision(const llm::ToolCall& call)> before_tool;
  // Runs for every call's outcome, including errors and vetoes; may edit it.
  std::function<void(const llm::ToolCall& call, ToolOutcome& outcome)> after_tool;
};

// Hooks that withhold the tools on the last model call a run of at most max_steps may make, so the run ends
// with an answer instead of a MaxStepsError (what a command or a workflow node wants; a library caller may
// prefer the error). Counts the assistant turns since the last user message.
Hooks answer_on_last_step(int max_steps);

struct RunOptions {
  CancelToken cancel;
  bool stream = false;  // run(): use ChatModel::stream for each model call (events are discarded)
  std::optional<std::chrono::milliseconds> model_timeout;  // per model call; the provider's default otherwise
};

struct RunResult {
  std::string answer;
  // Everything the model saw plus its final reply: preamble, history from memory, the prompt, each assistant
  // turn and tool result.
  std::vector<llm::Message> transcript;
  llm::Usage usage;  // summed over the run's model calls
  int steps = 0;     // model calls made
};

// The step limit was reached with the model still calling tools. The transcript ends with the last tool
// results (a consistent conversation that could be continued).
class MaxStepsError : public Error {
 public:
  MaxStepsError(const std::string& message, std::vector<llm::Message> transcript, llm::Usage usage)
      : Error(ErrorCode::max_steps, message), transcript_(std::move(transcript)), usage_(usage) {}
  const std::vector<llm::Message>& transcript() const noexcept { return transcript_; }
  const llm::Usage& usage() const noexcept { return usage_; }

 private:
  std::vector<llm::Message> transcript_;
  llm::Usage usage_;
};

class AgentBuilder;

class Agent {
  struct Impl;
  struct Key {};  // only AgentBuilder constructs agents

 public:
  Agent(Key, std::unique_ptr<Impl> impl);
  ~Agent();
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  RunResult run(std::string prompt, const RunOptions& options = {});
  // Streams every model call (ChatModel::stream; complete() for models that cannot stream) and reports
  // progress to on_event.
  RunResult stream(std::string prompt, const EventHandler& on_event, const RunOptions& options = {});
  // run(text).answer
  std::string prompt(std::string text, const RunOptions& options = {});

  const std::string& name() const noexcept;
  const std::vector<llm::ToolSpec>& tool_specs() const noexcept;
  const std::shared_ptr<Memory>& memory() const noexcept;  // null when none

 private:
  friend class AgentBuilder;
  std::unique_ptr<Impl> impl_;
};

class AgentBuilder {
 public:
  AgentBuilder();
  ~AgentBuilder();
  AgentBuilder(AgentBuilder&&) noexcept;
  AgentBuilder& operator=(AgentBuilder&&) noexcept;

  AgentBuilder& name(std::string name);
  AgentBuilder& preamble(std::string system_prompt);
  AgentBuilder& model(std::shared_ptr<llm::ChatModel> model);
  AgentBuilder& tool(std::shared_ptr<Tool> tool);
  AgentBuilder& tools(const std::vector<std::shared_ptr<Tool>>& tools);
  AgentBuilder& memory(std::shared_ptr<Memory> memory);
  AgentBuilder& max_steps(int steps);  // default 10; counts model calls
  AgentBuilder& sampling(llm::Sampling sampling);
  AgentBuilder& max_tokens(int tokens);
  // For the first step only; later steps use automatic so the model can answer.
  AgentBuilder& tool_choice(llm::ToolChoice choice);
  AgentBuilder& hooks(Hooks hooks);            // adds one set; call again to add more
  AgentBuilder& tool_threads(size_t threads);  // default 4

  // ConfigError without a model; InvalidArgumentError for duplicate tool names, a named tool_choice that
  // names no tool, max_steps < 1 or tool_threads == 0. The builder can be reused afterwards.
  std::shared_ptr<Agent> build() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace alith::agent
