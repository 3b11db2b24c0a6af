#pragma once

// The sections of a workflow file, each read by its own source file: state (state_section.cpp), agents
// (agents.cpp), nodes (nodes.cpp) and edges (edges.cpp); load.cpp reads the file and puts them together.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "alith/agent/agent.h"
#include "alith/flow/graph.h"
#include "alith/flow/state.h"
#include "alith/flow/yaml.h"
#include "flow/yaml/document.h"

namespace alith::mcp {
struct Config;
class McpServers;
}  // namespace alith::mcp

namespace alith::flow::yaml {

// Tools by name: the application's own first, then the built-in ones, each made once per load.
class Tools {
 public:
  explicit Tools(const WorkflowOptions& options) : options_(options) {}
  // The tool, or null with the problem reported at `where` (an unknown name, a built-in whose option is
  // missing).
  std::shared_ptr<agent::Tool> get(Doc& doc, const YAML::Node& where, const std::string& name);

 private:
  const WorkflowOptions& options_;
  std::map<std::string, std::shared_ptr<agent::Tool>> made_;
};

// What one file's sections share while they are read.
struct Context {
  Doc& doc;
  const WorkflowOptions& options;
  Tools& tools;
  // Loads a subflow named by a scalar (relative to the file); null when it has problems, which it reports.
  std::function<std::shared_ptr<const Graph>(const YAML::Node& path)> subflow;
};

// An agent declared by the file. It is built the first time one of its nodes runs (so loading never needs a
// model), once, and shared by all its nodes: its memory, if any, spans them.
class LazyAgent {
 public:
  struct Memory {
    bool tokens = false;  // a token window (TokenWindowMemory) rather than a message window
    size_t size = 0;
  };
  struct Spec {
    std::string name;
    std::string model;  // empty: the application's default
    std::string preamble;
    std::vector<std::shared_ptr<agent::Tool>> tools;
    std::optional<KnowledgeSpec> knowledge;
    std::optional<Memory> memory;
    int max_steps = 10;
    std::optional<double> temperature;
    std::optional<int> max_tokens;
    std::string tool_choice = "auto";
    std::shared_ptr<const mcp::Config> mcp;  // `mcp: servers.json`: connected when the agent is built
  };

  LazyAgent(Spec spec, ModelFactory models, RetrieverFactory retrievers)
      : spec_(std::move(spec)), models_(std::move(models)), retrievers_(std::move(retrievers)) {}

  // The agent, built on the first call; a failure is thrown and the next call tries again.
  std::shared_ptr<agent::Agent> get();

 private:
  std::shared_ptr<agent::Agent> build(const std::vector<std::shared_ptr<agent::Tool>>& mcp_tools) const;

  Spec spec_;
  ModelFactory models_;
  RetrieverFactory retrievers_;
  std::mutex mu_;
  std::shared_ptr<agent::Agent> agent_;
  std::shared_ptr<mcp::McpServers> mcp_servers_;  // stopped when the loaded workflow goes away
};

using Agents = std::map<std::string, std::shared_ptr<LazyAgent>, std::less<>>;

struct NodeDef {
  std::string name;
  YAML::Node key;  // where the node is declared
  NodeFn fn;
  std::shared_ptr<const Graph> subgraph;
};

// `state:`: the keys, their reducers, schemas and initial values.
StateSchema read_state(Context& context, const Entry& section);
// `agents:`.
Agents read_agents(Context& context, const Entry& section);
// `nodes:`. Every well-named node comes back, with a placeholder function when its body has problems, so
// that the graph's own checks still see it.
std::vector<NodeDef> read_nodes(Context& context, const Entry& section, const Agents& agents);
// `edges:`, added to the builder. False when an edge has a problem: the graph is then not checked, since its
// complaints (unreachable nodes...) would only echo that edge.
bool read_edges(Context& context, const Entry& section, const std::vector<NodeDef>& nodes,
                GraphBuilder& builder);

// Node names: letters, digits, '_' and '-' (they appear in thread ids and task ids), at most 64 characters;
// `start` and `end` mean START and END.
bool is_node_name(std::string_view name);

}  // namespace alith::flow::yaml
