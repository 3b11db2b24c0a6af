// Handoffs: agents pass the conversation to each other through transfer_to_<name> tools.
//
// A transfer must end the agent's turn at once, but the agent loop turns every tool exception into a result
// the model sees and would ask the model again. So the transfer tool only answers "Transferred", and a
// before_model hook (the pattern adds it to every agent) sees the transfer among the last tool results of the
// request and throws a HandoffSignal carrying the conversation, which the node catches. Hook and tool keep no
// state of their own: concurrent runs of the graph cannot see each other's transfers.

#include <map>
#include <optional>
#include <utility>

#include "alith/core/error.h"
#include "alith/llm/message.h"
#include "flow/patterns/common.h"

namespace alith::flow {

using patterns_detail::as_text;
using patterns_detail::input_text;
using patterns_detail::run_turn;

namespace {

constexpr std::string_view kTransferPrefix = "transfer_to_";

struct HandoffSignal {
  std::string target;
  std::vector<llm::Message> messages;  // the conversation up to and including the transfer's result
};

using TransferTools = std::map<std::string, std::string, std::less<>>;  // tool name -> agent name

// The agent the newest assistant turn transferred to: its first transfer call (in call order) whose result
// is not an error. The newest turn is the assistant message followed only by tool results.
std::optional<std::string> transfer_in(const std::vector<llm::Message>& messages,
                                       const TransferTools& tools) {
  size_t i = messages.size();
  while (i > 0 && messages[i - 1].role == llm::Role::tool) --i;
  if (i == 0 || i == messages.size() || messages[i - 1].role != llm::Role::assistant) return std::nullopt;
  for (const auto& call : messages[i - 1].tool_calls) {
    const auto tool = tools.find(call.name);
    if (tool == tools.end()) continue;
    for (size_t r = i; r < messages.size(); ++r) {
      if (messages[r].tool_call_id == call.id && !messages[r].is_error) return tool->second;
    }
  }
  return std::nullopt;
}

// This turn's messages, for the shared "messages" record: without the system preamble, memory's history and,
// unless the turn opened the conversation, the prompt (the rendered conversation, already recorded). The
// agent's name goes on its assistant messages.
Json turn_messages(const std::vector<llm::Message>& transcript, const std::string& agent, bool opening) {
  size_t prompt = transcript.size();
  for (size_t i = transcript.size(); i-- > 0;) {
    if (transcript[i].role == llm::Role::user) {
      prompt = i;
      break;
    }
  }
  Json out = Json::array();
  if (prompt == transcript.size()) return out;
  for (size_t i = opening ? prompt : prompt + 1; i < transcript.size(); ++i) {
    llm::Message m = transcript[i];
    if (m.role == llm::Role::assistant) m.name = agent;
    out.push_back(llm::to_json(m));
  }
  return out;
}

std::string transfer_target(const std::string& tool) {
  return tool.substr(kTransferPrefix.size());
}

// The conversation as the next agent's prompt: an agent's run takes one prompt, so the turns of the others
// (including tool calls for tools it does not have) are told rather than replayed.
std::string render_conversation(const Json& messages, const std::string& agent, const std::string& from) {
  std::string out = "You are " + agent + ". " + from + " transferred this conversation to you.\n\n" +
                    "The conversation so far:\n\n";
  for (const auto& json : messages) {
    const llm::Message m = llm::message_from_json(json);
    const std::string text = m.text();
    switch (m.role) {
      case llm::Role::system:
        break;
      case llm::Role::user:
        out += "User: " + text + "\n";
        break;
      case llm::Role::assistant: {
        const std::string who = m.name.empty() ? "assistant" : m.name;
        if (!text.empty()) out += who + ": " + text + "\n";
        for (const auto& call : m.tool_calls) {
          if (call.name.starts_with(kTransferPrefix)) {
            out += "(" + who + " transferred the conversation to " + transfer_target(call.name) + ")\n";
          } else {
            out += "(" + who + " called " + call.name + " with " +
                   (call.raw_arguments.empty() ? dump_json(call.arguments) : call.raw_arguments) + ")\n";
          }
        }
        break;
      }
      case llm::Role::tool:
        if (!m.name.starts_with(kTransferPrefix)) {
          out += "(" + m.name + (m.is_error ? " failed: " : " returned: ") + text + ")\n";
        }
        break;
    }
  }
  out +=
      "\nContinue the conversation: answer the user's request, or transfer it to another agent if that one "
      "fits it better.";
  return out;
}

struct Member {
  std::string name;
  std::shared_ptr<agent::Agent> agent;
  std::shared_ptr<const TransferTools> transfers;
};

}  // namespace

std::shared_ptr<const Graph> handoff(std::vector<HandoffAgent> agents, const std::string& first,
                                     HandoffOptions options) {
  if (agents.empty()) throw InvalidArgumentError("handoff: no agents");
  if (options.max_handoffs < 0) throw InvalidArgumentError("handoff: max_handoffs must not be negative");
  std::map<std::string, size_t, std::less<>> index;
  for (const auto& a : agents) {
    if (a.name.empty()) throw InvalidArgumentError("handoff: an agent has no name");
    if (a.name == START || a.name == END) throw InvalidArgumentError("handoff: '" + a.name + "' is reserved");
    if (!a.configure) throw InvalidArgumentError("handoff: agent '" + a.name + "' has no configure function");
    if (!index.emplace(a.name, index.size()).second) {
      throw InvalidArgumentError("handoff: two agents are named '" + a.name + "'");
    }
  }
  if (!index.count(first))
    throw InvalidArgumentError("handoff: the first agent '" + first + "' is not an agent");

  std::vector<Member> members;
  for (const auto& a : agents) {
    agent::AgentBuilder builder;
    builder.name(a.name);
    a.configure(builder);
    TransferTools transfers;
    for (const auto& other : agents) {
      if (other.name == a.name) continue;
      const std::string tool = std::string(kTransferPrefix) + other.name;
      // make_tool rejects a name that is not a valid tool name (InvalidArgumentError).
      builder.tool(agent::make_tool(tool,
                                    "Transfer the conversation to " + other.name +
                                        (other.description.empty() ? "." : ": " + other.description),
                                    Json{{"type", "object"}, {"properties", Json::object()}},
                                    [target = other.name](const Json&, const agent::ToolContext&) -> Json {
                                      return "Transferred to " + target + ".";
                                    }));
      transfers.emplace(tool, other.name);
    }
    auto shared = std::make_shared<const TransferTools>(std::move(transfers));
    agent::Hooks hooks;
    hooks.before_model = [shared](llm::ChatRequest& request) {
      if (auto target = transfer_in(request.messages, *shared)) {
        throw HandoffSignal{std::move(*target), request.messages};
      }
    };
    builder.hooks(std::move(hooks));
    members.push_back({a.name, builder.build(), shared});
  }

  GraphBuilder builder;
  builder.state(StateSchema()
                    .key("input")
                    .key("messages", Reducer::append())
                    .key("handoffs", Reducer::append())
                    .key("active")
                    .key("output"));
  std::vector<std::string> targets;
  for (const auto& m : members) targets.push_back(m.name);
  targets.emplace_back(END);
  for (const auto& m : members) {
    builder.node(
        m.name,
        [agent = m.agent, name = m.name, transfers = m.transfers, max_handoffs = options.max_handoffs,
         stream = options.stream](const Json& state, NodeContext& context) -> Json {
          const Json messages = state.value("messages", Json::array());
          const Json handoffs = state.value("handoffs", Json::array());
          const bool opening = messages.empty();
          std::string prompt =
              opening
                  ? input_text(state, "handoff")
                  : render_conversation(messages, name,
                                        handoffs.empty() ? std::string("Another agent")
                                                         : as_text(handoffs.back().value("from", Json(""))));
          std::optional<HandoffSignal> transfer;
          try {
            agent::RunResult result = run_turn(*agent, std::move(prompt), context, stream);
            Json update = Json::object();
            update["messages"] = turn_messages(result.transcript, name, opening);
            update["active"] = name;
            update["output"] = std::move(result.answer);
            return update;
          } catch (HandoffSignal& signal) {
            transfer = std::move(signal);
          } catch (agent::MaxStepsError& error) {
            // The step limit came right after a transfer call: the transfer still stands.
            auto target = transfer_in(error.transcript(), *transfers);
            if (!target) throw;
            transfer = HandoffSignal{std::move(*target), error.transcript()};
          }
          Json turn = turn_messages(transfer->messages, name, opening);
          if (static_cast<int>(handoffs.size()) >= max_handoffs) {
            std::vector<llm::Message> conversation;
            for (const auto& json : messages) conversation.push_back(llm::message_from_json(json));
            for (const auto& json : turn) conversation.push_back(llm::message_from_json(json));
            throw agent::MaxStepsError("handoff: " + name + " transferred to " + transfer->target +
                                           " after " + std::to_string(handoffs.size()) +
                                           " handoffs (max_handoffs " + std::to_string(max_handoffs) + ")",
                                       std::move(conversation), {});
          }
          Json update = Json::object();
          update["messages"] = std::move(turn);
          update["handoffs"] = Json::array({Json{{"from", name}, {"to", transfer->target}}});
          update["active"] = transfer->target;
          return update;
        });
    builder.branch(
        m.name,
        [name = m.name](const Json& state) {
          const std::string active = state.value("active", name);
          return Route(active == name ? std::string(END) : active);
        },
        targets);
  }
  builder.edge(std::string(START), first);
  builder.max_steps(options.max_handoffs + 1);
  return builder.compile();
}

}  // namespace alith::flow
