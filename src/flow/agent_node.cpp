// Agents inside workflows: a node that runs one agent turn, and an agent wrapped as a tool.

#include "alith/flow/agent_node.h"

#include <utility>

#include "alith/core/error.h"
#include "alith/llm/message.h"

namespace alith::flow {
namespace {

std::string prompt_from(const Json& state, const AgentNodeOptions& options, const std::string& node) {
  if (options.prompt) return options.prompt(state);
  const auto it = state.is_object() ? state.find(options.prompt_key) : state.end();
  if (!state.is_object() || it == state.end() || it->is_null()) {
    throw InvalidArgumentError("agent node '" + node + "': the state has no '" + options.prompt_key +
                               "' to prompt the agent with");
  }
  return it->is_string() ? it->get<std::string>() : dump_json(*it);
}

// The messages of this turn only: the transcript also carries the preamble and memory's history, which
// would repeat on every run of the node. The turn starts at its prompt, the last user message (the loop
// adds only assistant and tool messages after it).
Json turn_messages(const std::vector<llm::Message>& transcript) {
  size_t start = transcript.size();
  for (size_t i = transcript.size(); i-- > 0;) {
    if (transcript[i].role == llm::Role::user) {
      start = i;
      break;
    }
  }
  if (start == transcript.size()) start = 0;
  Json out = Json::array();
  for (size_t i = start; i < transcript.size(); ++i) out.push_back(llm::to_json(transcript[i]));
  return out;
}

}  // namespace

NodeFn agent_node(std::shared_ptr<agent::Agent> agent, AgentNodeOptions options) {
  if (!agent) throw InvalidArgumentError("agent_node: no agent");
  if (options.output_key.empty()) throw InvalidArgumentError("agent_node: output_key is empty");
  if (!options.prompt && options.prompt_key.empty()) {
    throw InvalidArgumentError("agent_node: neither prompt_key nor a prompt function is set");
  }
  return [agent = std::move(agent), options = std::move(options)](const Json& state,
                                                                  NodeContext& context) -> Json {
    std::string prompt = prompt_from(state, options, context.node());
    agent::RunOptions run_options;
    run_options.cancel = context.cancel();
    agent::RunResult result;
    if (options.stream) {
      result = agent->stream(
          std::move(prompt),
          [&context](const agent::AgentEvent& event) {
            if (event.kind == agent::AgentEvent::Kind::text_delta && !event.text.empty()) {
              context.emit_token(event.text);
            }
          },
          run_options);
    } else {
      result = agent->run(std::move(prompt), run_options);
    }
    Json update = Json::object();
    update[options.output_key] = result.answer;
    if (!options.messages_key.empty()) update[options.messages_key] = turn_messages(result.transcript);
    return update;
  };
}

std::shared_ptr<agent::Tool> agent_tool(std::shared_ptr<agent::Agent> agent, std::string name,
                                        std::string description) {
  if (!agent) throw InvalidArgumentError("agent_tool: no agent");
  Json schema = {
      {"type", "object"},
      {"properties",
       {{"input", {{"type", "string"}, {"description", "The request for the agent, self-contained"}}}}},
      {"required", Json::array({"input"})}};
  // make_tool checks the name (InvalidArgumentError) and validates arguments before the function runs.
  return agent::make_tool(
      std::move(name), std::move(description), std::move(schema),
      [agent = std::move(agent)](const Json& args, const agent::ToolContext& context) -> Json {
        agent::RunOptions run_options;
        run_options.cancel = context.cancel;
        return agent->run(args.at("input").get<std::string>(), run_options).answer;
      });
}

}  // namespace alith::flow
