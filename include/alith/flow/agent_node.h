#pragma once

// Agents inside workflows: an agent as a graph node, and an agent as a tool another agent can call.
//
//   builder.node("writer", alith::flow::agent_node(writer, {.prompt_key = "topic", .output_key = "draft"}));
//
// The node runs the agent on a prompt taken from the state, streams its text deltas as the run's token
// events, and writes the answer (and, when asked, the messages of the turn) back into the state. The agent's
// own tool loop runs inside the node: a workflow step is one whole agent turn. Every member of
// AgentNodeOptions has a default initializer, so designated initializers that leave some out compile under
// -Wmissing-field-initializers.

#include <functional>
#include <memory>
#include <string>

#include "alith/agent/agent.h"
#include "alith/agent/tool.h"
#include "alith/flow/graph.h"

namespace alith::flow {

struct AgentNodeOptions {
  // The state key whose value is the prompt: a string as is, any other value as JSON text.
  std::string prompt_key = "input";
  // When set, builds the prompt from the state instead of prompt_key.
  std::function<std::string(const Json& state)> prompt{};
  // Where the answer goes (through the key's reducer).
  std::string output_key = "output";
  // When set, the turn's messages (the prompt, assistant turns, tool results) are appended under this key as
  // JSON messages (declare it with Reducer::append()).
  std::string messages_key{};
  // Stream the model's text deltas to the run's token events; false: one complete() call per model step.
  bool stream = true;
};

// A node that runs agent once per task. The task's cancel token cancels the agent run.
NodeFn agent_node(std::shared_ptr<agent::Agent> agent, AgentNodeOptions options = {});

// The agent as a tool: its arguments are {"input": string}, its result the agent's answer. name must be a
// valid tool name (InvalidArgumentError otherwise).
std::shared_ptr<agent::Tool> agent_tool(std::shared_ptr<agent::Agent> agent, std::string name,
                                        std::string description);

}  // namespace alith::flow
