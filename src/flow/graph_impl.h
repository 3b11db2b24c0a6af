#pragma once

// The compiled form of a graph, shared by the builder (graph_builder.cpp) and the engine (graph.cpp).

#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "alith/core/thread_pool.h"
#include "alith/flow/graph.h"

namespace alith::flow {

inline constexpr size_t kEndNode = std::numeric_limits<size_t>::max();

struct CompiledBranch {
  Router router;
  std::map<std::string, size_t, std::less<>> targets;  // name -> node index (kEndNode for END)
  std::string from;
};

struct CompiledJoin {
  std::vector<size_t> from;
  size_t to = 0;
  std::string key;  // its index as text: the key of Checkpoint::joins
};

struct CompiledNode {
  std::string name;
  NodeFn fn;                              // a function node
  std::shared_ptr<const Graph> subgraph;  // or a subgraph
  std::vector<size_t> edges;              // static successors (kEndNode for END)
  std::vector<size_t> branches;           // indices into Graph::Impl::branches
  std::vector<size_t> joins;              // joins this node is a member of
};

class NodeContext;

struct Graph::Impl {
  StateSchema schema;
  std::vector<CompiledNode> nodes;
  std::map<std::string, size_t, std::less<>> index;
  std::vector<size_t> start_edges;
  std::vector<size_t> start_branches;
  std::vector<CompiledBranch> branches;
  std::vector<CompiledJoin> joins;
  int max_steps = 25;
  size_t threads = 4;

  // Created on the first step with more than one task.
  mutable std::once_flag pool_once;
  mutable std::unique_ptr<ThreadPool> pool;

  ThreadPool& thread_pool() const {
    std::call_once(pool_once, [this] { pool = std::make_unique<ThreadPool>(threads); });
    return *pool;
  }
};

}  // namespace alith::flow
