// `nodes:`: each node has exactly one kind.
//
//   write:   {agent: writer, prompt: "Write about {{topic}}", output: draft}    # messages: KEY, stream: BOOL
//   approve: {interrupt: "Publish this draft?\n{{draft}}", output: approved}
//   publish: {set: {published: "true", title: "upper(topic)"}}              # values are expressions
//   lookup:  {tool: calculator, args: {expression: "{{a}} + {{b}}"}, output: sum}
//   review:  {flow: ./review.yaml}                                            # relative to this file

#include <algorithm>

#include "alith/agent/schema.h"
#include "alith/flow/agent_node.h"
#include "flow/yaml/parts.h"
#include "flow/yaml/template.h"

namespace alith::flow::yaml {
namespace {

constexpr std::string_view kKinds[] = {"agent", "interrupt", "set", "tool", "flow"};

// Which kinds each optional key belongs to.
struct KeyUse {
  std::string_view key;
  std::vector<std::string_view> kinds;
};
const std::vector<KeyUse>& key_uses() {
  static const std::vector<KeyUse> uses = {
      {"prompt", {"agent"}},
      {"messages", {"agent"}},
      {"stream", {"agent"}},
      {"args", {"tool"}},
      {"output", {"agent", "interrupt", "tool"}},
  };
  return uses;
}

NodeFn placeholder() {
  // Stands for a node whose definition has problems; the load fails, so it never runs.
  return [](const Json&, NodeContext&) -> Json { throw InvalidArgumentError("this node failed to load"); };
}

const Entry* find(const std::vector<Entry>& fields, std::string_view key) {
  auto it = std::find_if(fields.begin(), fields.end(), [&](const Entry& e) { return e.key == key; });
  return it == fields.end() ? nullptr : &*it;
}

// `output:`: the state key a node's result goes to.
std::optional<std::string> read_output(Doc& doc, const Entry& node, const std::vector<Entry>& fields,
                                       std::string_view kind, std::string_view what) {
  const Entry* output = find(fields, "output");
  if (!output) {
    doc.report(node.key_node, "node '" + node.key + "' needs 'output': the state key " + std::string(what) +
                                  " goes to (" + std::string(kind) + " nodes write their result there)");
    return std::nullopt;
  }
  auto key = doc.string_of(*output, "output");
  if (key && key->empty()) {
    doc.report(*output, "'output' of node '" + node.key + "' must name a state key");
    return std::nullopt;
  }
  return key;
}

NodeFn agent_fn(Context& context, const Entry& node, const std::vector<Entry>& fields, const Entry& kind,
                const Agents& agents) {
  Doc& doc = context.doc;
  std::shared_ptr<LazyAgent> agent;
  bool ok = true;
  if (auto name = doc.string_of(kind, "agent")) {
    auto it = agents.find(*name);
    if (it == agents.end()) {
      std::vector<std::string> names;
      for (const auto& [n, a] : agents) names.push_back(n);
      doc.report(kind, "node '" + node.key + "': unknown agent '" + *name + "'" + did_you_mean(*name, names) +
                           (names.empty() ? "; declare it under 'agents'"
                                          : "; the agents are " + list_names(names)));
      ok = false;
    } else {
      agent = it->second;
      ok = agent != nullptr;  // its own problems are reported already
    }
  } else {
    ok = false;
  }
  std::optional<Template> prompt;
  if (const Entry* p = find(fields, "prompt")) {
    if (doc.string_of(*p, "prompt"))
      prompt = Template::parse(doc, p->value, "the prompt of node '" + node.key + "'");
  } else {
    doc.report(node.key_node,
               "node '" + node.key + "' needs 'prompt': what to ask the agent, e.g. \"Summarize {{text}}\"");
  }
  auto output = read_output(doc, node, fields, "agent", "the answer");
  std::string messages;
  if (const Entry* m = find(fields, "messages")) {
    auto v = doc.string_of(*m, "messages");
    if (v) messages = *v;
    ok = ok && v;
  }
  bool stream = true;
  if (const Entry* s = find(fields, "stream")) {
    auto v = doc.bool_of(*s, "stream");
    if (v) stream = *v;
    ok = ok && v;
  }
  if (!ok || !prompt || !output) return placeholder();
  return [agent, prompt = std::move(*prompt), output = std::move(*output), messages = std::move(messages),
          stream](const Json& state, NodeContext& node_context) {
    AgentNodeOptions options;
    options.prompt = [&prompt](const Json& s) { return prompt.render(s); };
    options.output_key = output;
    options.messages_key = messages;
    options.stream = stream;
    return agent_node(agent->get(), std::move(options))(state, node_context);
  };
}

NodeFn interrupt_fn(Context& context, const Entry& node, const std::vector<Entry>& fields,
                    const Entry& kind) {
  Doc& doc = context.doc;
  std::optional<ValueTemplate> payload;
  if (kind.value.IsNull()) {
    doc.report(kind, "node '" + node.key + "': 'interrupt' needs a payload: the question for the human");
  } else {
    payload = ValueTemplate::parse(doc, kind.value, "the interrupt of node '" + node.key + "'");
  }
  auto output = read_output(doc, node, fields, "interrupt", "the human's answer");
  if (!payload || !output) return placeholder();
  return [payload = std::move(*payload), output = std::move(*output)](const Json& state,
                                                                      NodeContext& node_context) {
    Json answer = node_context.interrupt(payload.render(state));
    return Json{{output, std::move(answer)}};
  };
}

NodeFn set_fn(Context& context, const Entry& node, const Entry& kind) {
  Doc& doc = context.doc;
  const auto values = doc.entries(
      kind.value, "'set' of node '" + node.key + "' must be a mapping of state keys to expressions");
  if (values.empty()) {
    if (kind.value.IsMap()) doc.report(kind, "'set' of node '" + node.key + "' sets nothing");
    return placeholder();
  }
  std::vector<std::pair<std::string, Expression>> assignments;
  std::vector<std::string> wheres;
  bool ok = true;
  for (const auto& v : values) {
    if (!v.value.IsScalar()) {
      doc.report(v, "'" + v.key + "' in 'set' of node '" + node.key +
                        "' must be an expression (a string such as \"'done'\" or \"len(notes)\")");
      ok = false;
      continue;
    }
    auto expression = parse_expression(doc, v.value, "expression for '" + v.key + "'");
    if (!expression) {
      ok = false;
      continue;
    }
    assignments.emplace_back(v.key, std::move(*expression));
    wheres.push_back(doc.where(v.value));
  }
  if (!ok) return placeholder();
  return [assignments = std::move(assignments), wheres = std::move(wheres)](const Json& state, NodeContext&) {
    Json update = Json::object();
    for (size_t i = 0; i < assignments.size(); ++i) {
      try {
        update[assignments[i].first] = assignments[i].second.evaluate(state);
      } catch (const InvalidArgumentError& e) {
        throw InvalidArgumentError(wheres[i] + ": " + e.what());
      }
    }
    return update;
  };
}

NodeFn tool_fn(Context& context, const Entry& node, const std::vector<Entry>& fields, const Entry& kind) {
  Doc& doc = context.doc;
  std::shared_ptr<agent::Tool> tool;
  if (auto name = doc.string_of(kind, "tool")) tool = context.tools.get(doc, kind.value, *name);
  std::optional<ValueTemplate> args;
  if (const Entry* a = find(fields, "args")) {
    if (!a->value.IsMap() && !a->value.IsNull()) {
      doc.report(*a, "'args' of node '" + node.key + "' must be a mapping of the tool's arguments");
    } else {
      args = ValueTemplate::parse(doc, a->value.IsNull() ? YAML::Node(YAML::NodeType::Map) : a->value,
                                  "the arguments of node '" + node.key + "'");
    }
    if (args && tool && args->fixed()) {
      // Arguments without templates can be checked now rather than on the run.
      if (auto valid = agent::validate(args->shape(), tool->spec().parameters); !valid) {
        doc.report(*a, "the arguments of node '" + node.key + "' do not fit tool '" + tool->spec().name +
                           "': " + valid.error().message);
        args.reset();
      }
    }
  } else {
    args = ValueTemplate::parse(doc, YAML::Node(YAML::NodeType::Map), "");
  }
  auto output = read_output(doc, node, fields, "tool", "the tool's result");
  if (!tool || !args || !output) return placeholder();
  return [tool, args = std::move(*args), output = std::move(*output), where = doc.where(kind.value)](
             const Json& state, NodeContext& node_context) {
    const Json arguments = args.render(state);
    const auto& name = tool->spec().name;
    if (auto valid = agent::validate(arguments, tool->spec().parameters); !valid) {
      throw ToolError(where + ": the arguments of tool '" + name +
                      "' do not fit its schema: " + valid.error().message);
    }
    agent::ToolContext tool_context;
    tool_context.cancel = node_context.cancel();
    tool_context.call_id = node_context.task_id();
    Json result;
    try {
      result = tool->invoke(arguments, tool_context);
    } catch (const CancelledError&) {
      throw;
    } catch (const std::exception& e) {
      throw ToolError(where + ": tool '" + name + "' failed: " + e.what());
    }
    return Json{{output, std::move(result)}};
  };
}

}  // namespace

bool is_node_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

std::vector<NodeDef> read_nodes(Context& context, const Entry& section, const Agents& agents) {
  Doc& doc = context.doc;
  std::vector<NodeDef> nodes;
  const auto entries = doc.entries(section.value, "'nodes' must be a mapping of node names to nodes");
  if (entries.size() > doc.limits().max_nodes) {
    doc.report(section.key_node, "more than " + std::to_string(doc.limits().max_nodes) + " nodes");
    return nodes;
  }
  if (entries.empty() && section.value.IsMap())
    doc.report(section, "'nodes' is empty: a workflow needs a node");
  for (const auto& node : entries) {
    if (node.key == "start" || node.key == "end") {
      doc.report(node.key_node, "'" + node.key + "' is reserved (edges use it for the graph's " +
                                    (node.key == "start" ? "START" : "END") + "); name the node otherwise");
      continue;
    }
    if (!is_node_name(node.key)) {
      doc.report(node.key_node, "node name '" + node.key +
                                    "' may only use letters, digits, '_' and '-' (at most 64 characters)");
      continue;
    }
    NodeDef def{node.key, node.key_node, placeholder(), nullptr};
    const std::string in = " in node '" + node.key + "'";
    const auto fields = doc.entries(node.value, "node '" + node.key +
                                                    "' must be a mapping with one of agent, "
                                                    "interrupt, set, tool or flow");
    doc.check_keys(fields,
                   {"agent", "interrupt", "set", "tool", "flow", "prompt", "messages", "stream", "args",
                    "output", "description"},
                   in);
    std::vector<const Entry*> kinds;
    for (const auto& f : fields) {
      if (std::find(std::begin(kKinds), std::end(kKinds), f.key) != std::end(kKinds)) kinds.push_back(&f);
    }
    if (kinds.size() > 1) {
      doc.report(kinds[1]->key_node, "node '" + node.key + "' has two kinds ('" + kinds[0]->key + "' and '" +
                                         kinds[1]->key + "'); give it one");
    } else if (kinds.empty() && node.value.IsMap()) {
      doc.report(node.key_node, "node '" + node.key + "' needs one of agent, interrupt, set, tool or flow");
    }
    if (kinds.size() == 1) {
      const Entry& kind = *kinds[0];
      for (const auto& use : key_uses()) {
        const Entry* f = find(fields, use.key);
        if (f && std::find(use.kinds.begin(), use.kinds.end(), kind.key) == use.kinds.end()) {
          doc.report(f->key_node, "'" + std::string(use.key) + "' does not apply to " + kind.key + " node '" +
                                      node.key + "'");
        }
      }
      if (kind.key == "agent") {
        def.fn = agent_fn(context, node, fields, kind, agents);
      } else if (kind.key == "interrupt") {
        def.fn = interrupt_fn(context, node, fields, kind);
      } else if (kind.key == "set") {
        def.fn = set_fn(context, node, kind);
      } else if (kind.key == "tool") {
        def.fn = tool_fn(context, node, fields, kind);
      } else if (kind.key == "flow") {
        if (doc.string_of(kind, "flow")) def.subgraph = context.subflow(kind.value);
      }
    }
    if (const Entry* d = find(fields, "description")) doc.string_of(*d, "description");
    nodes.push_back(std::move(def));
  }
  return nodes;
}

}  // namespace alith::flow::yaml
