// GraphBuilder: collects nodes and edges, then compile() checks the whole graph and reports every problem at
// once, so a workflow author fixes them in one pass.

#include <algorithm>
#include <functional>
#include <set>

#include "flow/graph_impl.h"

namespace alith::flow {
namespace {

std::string join_lines(const std::vector<std::string>& problems) {
  std::string out = "invalid graph:";
  for (const auto& p : problems) out += "\n  " + p;
  return out;
}

struct EdgeDecl {
  std::string from, to;
};
struct JoinDecl {
  std::vector<std::string> from;
  std::string to;
};
struct BranchDecl {
  std::string from;
  Router router;
  std::vector<std::string> targets;
};
struct NodeDecl {
  std::string name;
  NodeFn fn;
  std::shared_ptr<const Graph> subgraph;
};

}  // namespace

GraphError::GraphError(std::vector<std::string> problems)
    : Error(ErrorCode::invalid_argument, join_lines(problems)), problems_(std::move(problems)) {}

struct GraphBuilder::State {
  StateSchema schema;
  std::vector<NodeDecl> nodes;
  std::vector<EdgeDecl> edges;
  std::vector<JoinDecl> joins;
  std::vector<BranchDecl> branches;
  std::optional<int> max_steps;
  size_t threads = 4;
};

GraphBuilder::GraphBuilder() : state_(std::make_unique<State>()) {}
GraphBuilder::~GraphBuilder() = default;
GraphBuilder::GraphBuilder(GraphBuilder&&) noexcept = default;
GraphBuilder& GraphBuilder::operator=(GraphBuilder&&) noexcept = default;

GraphBuilder& GraphBuilder::state(StateSchema schema) {
  state_->schema = std::move(schema);
  return *this;
}
GraphBuilder& GraphBuilder::node(std::string name, NodeFn fn) {
  state_->nodes.push_back({std::move(name), std::move(fn), nullptr});
  return *this;
}
GraphBuilder& GraphBuilder::node(std::string name, std::shared_ptr<const Graph> subgraph) {
  state_->nodes.push_back({std::move(name), {}, std::move(subgraph)});
  return *this;
}
GraphBuilder& GraphBuilder::edge(std::string from, std::string to) {
  state_->edges.push_back({std::move(from), std::move(to)});
  return *this;
}
GraphBuilder& GraphBuilder::join(std::vector<std::string> from, std::string to) {
  state_->joins.push_back({std::move(from), std::move(to)});
  return *this;
}
GraphBuilder& GraphBuilder::branch(std::string from, Router router, std::vector<std::string> targets) {
  state_->branches.push_back({std::move(from), std::move(router), std::move(targets)});
  return *this;
}
GraphBuilder& GraphBuilder::max_steps(int steps) {
  state_->max_steps = steps;
  return *this;
}
GraphBuilder& GraphBuilder::threads(size_t threads) {
  state_->threads = threads;
  return *this;
}

std::shared_ptr<const Graph> GraphBuilder::compile() const {
  const State& s = *state_;
  auto impl = std::make_unique<Graph::Impl>();
  impl->schema = s.schema;
  std::vector<std::string> problems;

  for (const auto& n : s.nodes) {
    if (n.name.empty()) {
      problems.push_back("a node has an empty name");
    } else if (n.name == START || n.name == END) {
      problems.push_back("'" + n.name + "' is reserved and cannot name a node");
    } else if (!n.fn && !n.subgraph) {
      problems.push_back("node '" + n.name + "' has no function");
    } else if (!impl->index.emplace(n.name, impl->nodes.size()).second) {
      problems.push_back("node '" + n.name + "' is defined twice");
    } else {
      impl->nodes.push_back({n.name, n.fn, n.subgraph, {}, {}, {}});
    }
  }

  constexpr size_t kStart = kEndNode - 1;  // START as a source, only while compiling
  auto node_index = [&](const std::string& name, const std::string& what) -> std::optional<size_t> {
    auto it = impl->index.find(name);
    if (it == impl->index.end()) {
      problems.push_back(what + ": unknown node '" + name + "'");
      return std::nullopt;
    }
    return it->second;
  };
  auto source = [&](const std::string& name, const std::string& what) -> std::optional<size_t> {
    if (name == START) return kStart;
    if (name == END) {
      problems.push_back(what + ": END has no outgoing edges");
      return std::nullopt;
    }
    return node_index(name, what);
  };
  auto target = [&](const std::string& name, const std::string& what) -> std::optional<size_t> {
    if (name == END) return kEndNode;
    if (name == START) {
      problems.push_back(what + ": START cannot be a target");
      return std::nullopt;
    }
    return node_index(name, what);
  };

  for (const auto& e : s.edges) {
    const std::string what = "edge " + e.from + " -> " + e.to;
    auto from = source(e.from, what);
    auto to = target(e.to, what);
    if (!from || !to) continue;
    auto& list = *from == kStart ? impl->start_edges : impl->nodes[*from].edges;
    if (std::find(list.begin(), list.end(), *to) == list.end()) list.push_back(*to);
  }
  for (const auto& b : s.branches) {
    const std::string what = "branch from " + b.from;
    auto from = source(b.from, what);
    if (!b.router) problems.push_back(what + ": no router");
    if (b.targets.empty()) problems.push_back(what + ": lists no targets");
    CompiledBranch branch{b.router, {}, b.from};
    for (const auto& t : b.targets) {
      if (auto to = target(t, what)) branch.targets.emplace(t, *to);
    }
    if (!from) continue;
    (*from == kStart ? impl->start_branches : impl->nodes[*from].branches).push_back(impl->branches.size());
    impl->branches.push_back(std::move(branch));
  }
  for (const auto& j : s.joins) {
    std::string what = "join [";
    for (size_t i = 0; i < j.from.size(); ++i) what += (i ? ", " : "") + j.from[i];
    what += "] -> " + j.to;
    if (j.from.empty()) problems.push_back(what + ": waits for no node");
    CompiledJoin join{{}, 0, std::to_string(impl->joins.size())};
    bool ok = true;
    for (const auto& f : j.from) {
      auto from = source(f, what);
      if (from && *from == kStart) {
        problems.push_back(what + ": START cannot be part of a join");
        from.reset();
      }
      if (!from) {
        ok = false;
      } else if (std::find(join.from.begin(), join.from.end(), *from) == join.from.end()) {
        join.from.push_back(*from);
      }
    }
    auto to = target(j.to, what);
    if (!to || !ok) continue;
    if (*to == kEndNode) {
      problems.push_back(what + ": a join must lead to a node (add an edge from it to END)");
      continue;
    }
    join.to = *to;
    for (size_t f : join.from) impl->nodes[f].joins.push_back(impl->joins.size());
    impl->joins.push_back(std::move(join));
  }

  if (s.max_steps && *s.max_steps < 1) problems.push_back("max_steps must be at least 1");
  if (s.threads == 0) problems.push_back("threads must be at least 1");

  // Structure: successors of every node (and START), then reachability both ways and cycles.
  const size_t n = impl->nodes.size();
  auto successors = [&](size_t node) {
    std::vector<size_t> out;
    const bool start = node == kStart;
    const auto& edges = start ? impl->start_edges : impl->nodes[node].edges;
    out.insert(out.end(), edges.begin(), edges.end());
    for (size_t b : start ? impl->start_branches : impl->nodes[node].branches) {
      for (const auto& [name, to] : impl->branches[b].targets) out.push_back(to);
    }
    if (!start) {
      for (size_t j : impl->nodes[node].joins) out.push_back(impl->joins[j].to);
    }
    return out;
  };
  if (impl->start_edges.empty() && impl->start_branches.empty())
    problems.push_back("START has no outgoing edge");
  std::vector<bool> from_start(n, false), to_end(n, false);
  {
    std::vector<size_t> stack;
    for (size_t to : successors(kStart)) {
      if (to != kEndNode && !from_start[to]) from_start[to] = true, stack.push_back(to);
    }
    while (!stack.empty()) {
      size_t at = stack.back();
      stack.pop_back();
      for (size_t to : successors(at)) {
        if (to != kEndNode && !from_start[to]) from_start[to] = true, stack.push_back(to);
      }
    }
  }
  {
    // Backwards from END: a node reaches END when one of its successors is END or reaches it.
    bool changed = true;
    while (changed) {
      changed = false;
      for (size_t i = 0; i < n; ++i) {
        if (to_end[i]) continue;
        for (size_t to : successors(i)) {
          if (to == kEndNode || to_end[to]) {
            to_end[i] = changed = true;
            break;
          }
        }
      }
    }
  }
  for (size_t i = 0; i < n; ++i) {
    const auto& name = impl->nodes[i].name;
    if (successors(i).empty()) {
      problems.push_back("node '" + name + "' has no outgoing edge (add an edge to END)");
    } else if (!to_end[i]) {
      problems.push_back("node '" + name + "' has no path to END");
    }
    if (!from_start[i]) problems.push_back("node '" + name + "' cannot be reached from START");
  }

  // A cycle needs an explicit step limit: without one, a loop that never exits would run forever.
  std::vector<std::string> cycle;
  {
    std::vector<int> color(n, 0);  // 0 new, 1 on the stack, 2 done
    std::vector<size_t> path;
    std::function<bool(size_t)> visit = [&](size_t at) {
      color[at] = 1;
      path.push_back(at);
      for (size_t to : successors(at)) {
        if (to == kEndNode) continue;
        if (color[to] == 1) {
          auto begin = std::find(path.begin(), path.end(), to);
          for (auto it = begin; it != path.end(); ++it) cycle.push_back(impl->nodes[*it].name);
          cycle.push_back(impl->nodes[to].name);
          return true;
        }
        if (color[to] == 0 && visit(to)) return true;
      }
      path.pop_back();
      color[at] = 2;
      return false;
    };
    for (size_t i = 0; i < n && cycle.empty(); ++i) {
      if (color[i] == 0) visit(i);
    }
  }
  if (!cycle.empty() && !s.max_steps) {
    std::string path;
    for (size_t i = 0; i < cycle.size(); ++i) path += (i ? " -> " : "") + cycle[i];
    problems.push_back("the graph has a cycle (" + path + ") and no step limit: set max_steps");
  }

  if (!problems.empty()) throw GraphError(std::move(problems));
  // An acyclic graph cannot run more steps than it has nodes (each path visits a node once).
  impl->max_steps = s.max_steps.value_or(static_cast<int>(n) + 1);
  impl->threads = s.threads;
  return std::make_shared<const Graph>(Graph::Key{}, std::move(impl));
}

}  // namespace alith::flow
