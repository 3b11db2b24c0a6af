#pragma once

// Graph workflows run in supersteps, with a durable checkpoint after each step.
//
//   auto graph = alith::flow::GraphBuilder()
//                    .state(alith::flow::StateSchema().key("notes", alith::flow::Reducer::append()))
//                    .node("research", research_fn)
//                    .node("write", write_fn)
//                    .edge(alith::flow::START, "research")
//                    .edge("research", "write")
//                    .edge("write", alith::flow::END)
//                    .compile();
//   auto outcome = graph->invoke({{"topic", "rollups"}}, {.thread_id = "t1", .checkpointer = checkpointer});
//
// A step runs every ready task concurrently (nodes triggered by the previous step, and each Send), applies
// their updates to the state in task order, checkpoints, and finds the next step's tasks through the edges.
// Edges: static (from -> to), joins (to runs once all of from have finished), and branches (a router reads
// the state after the step and names the next nodes, or sends items to a node: map-reduce).
//
// Guarantees with a checkpointer (docs/ARCHITECTURE.md, "Workflows"): a step's checkpoint is written
// atomically once all its tasks are done (before the next step starts, except with CommitMode::batched on a
// checkpointer without a run log: checkpointer.h); in a step with
// several tasks each task's update is recorded as soon as it finishes, so after a crash `resume` re-runs only
// the tasks of the interrupted step that had not been recorded. A task may thus run more than once only if
// the process died while it ran or before its outcome was stored: a node with external side effects should
// make them idempotent with NodeContext::task_id(), which is the same on every re-run of that task.
//
// Threads: tasks of one step run on the graph's pool (a step with one task runs on the caller's thread);
// events are delivered on the thread that called invoke/resume/fork. A compiled Graph is immutable and may
// run any number of threads concurrently; one thread id must not be run by two callers at once.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alith/core/cancel.h"
#include "alith/core/error.h"
#include "alith/core/json.h"
#include "alith/flow/checkpointer.h"
#include "alith/flow/state.h"

namespace alith::flow {

inline constexpr std::string_view START = "__start__";
inline constexpr std::string_view END = "__end__";

class NodeContext;

// A node: reads the state (or its Send payload) and returns an update object (null: no update).
using NodeFn = std::function<Json(const Json& state, NodeContext& context)>;

// Map-reduce: run `node` once with `input` as its state.
struct Send {
  std::string node;
  Json input;
};

// Where a branch goes: node names (END among them) and Sends.
struct Route {
  std::vector<std::string> nodes;
  std::vector<Send> sends;

  Route() = default;
  Route(const char* node) : nodes{node} {}                            // NOLINT: implicit by design
  Route(std::string node) : nodes{std::move(node)} {}                 // NOLINT
  Route(std::string_view node) : nodes{std::string(node)} {}          // NOLINT
  Route(std::vector<std::string> names) : nodes(std::move(names)) {}  // NOLINT
  Route(std::vector<Send> items) : sends(std::move(items)) {}         // NOLINT
};

// Reads the state after the step of the branch's source node and names what runs next.
using Router = std::function<Route(const Json& state)>;

struct RunEvent {
  enum class Kind {
    step_started,   // step, data: the task ids and nodes of the step
    task_started,   // step, node, task_id
    task_finished,  // step, node, task_id, data: the task's update
    token,          // step, node, task_id, text: a piece of an agent's reply
    custom,         // step, node, task_id, data: what the node emitted
    step_finished,  // step, data: the state after the step, checkpoint_id: the checkpoint written
    interrupted,    // step, node, task_id, data: the interrupt's payload
  };
  Kind kind = Kind::step_started;
  int64_t step = 0;
  std::string node;
  std::string task_id;
  std::string text;
  std::string checkpoint_id;
  Json data;
};
using RunEventHandler = std::function<void(const RunEvent& event)>;

// What a node sees besides the state.
class NodeContext {
 public:
  virtual ~NodeContext() = default;
  virtual const std::string& thread_id() const = 0;
  virtual const std::string& node() const = 0;
  virtual int64_t step() const = 0;
  // Stable across every re-run of this task (after a crash or an interrupt): an idempotency key.
  virtual const std::string& task_id() const = 0;
  virtual const CancelToken& cancel() const = 0;
  // Pauses the run with a payload for a human. On resume the node runs again from its beginning, and this
  // call (the n-th of the task) returns the value the human gave. Needs a checkpointer.
  virtual Json interrupt(Json payload) = 0;
  // Streams a piece of text (an agent's token delta) to the run's event handler.
  virtual void emit_token(std::string_view text) = 0;
  // Streams any value to the run's event handler.
  virtual void emit(Json data) = 0;
};

// Thrown by compile() with every problem found, one per line.
class GraphError : public Error {
 public:
  explicit GraphError(std::vector<std::string> problems);
  const std::vector<std::string>& problems() const noexcept { return problems_; }

 private:
  std::vector<std::string> problems_;
};

// The run hit its step limit. The last checkpoint is kept: resume with a larger limit to go on.
class StepLimitError : public Error {
 public:
  StepLimitError(const std::string& message, std::string checkpoint_id)
      : Error(ErrorCode::max_steps, message), checkpoint_id_(std::move(checkpoint_id)) {}
  const std::string& checkpoint_id() const noexcept { return checkpoint_id_; }

 private:
  std::string checkpoint_id_;
};

struct RunConfig {
  std::string thread_id = "default";
  std::shared_ptr<Checkpointer> checkpointer;  // null: nothing persists and interrupts cannot be resumed
  CancelToken cancel;                          // checked before each step and by nodes
  RunEventHandler on_event;
  std::optional<int> max_steps;               // steps of this call; the graph's limit otherwise
  Json metadata = Json::object();             // merged into the metadata of the checkpoints this call writes
  CommitMode commit = CommitMode::automatic;  // when checkpoints reach the checkpointer (checkpointer.h)
};

struct PendingInterrupt {
  std::string task_id;
  std::string node;
  Json payload;
};

struct RunOutcome {
  enum class Status { done, interrupted };
  Status status = Status::done;
  Json state;
  std::vector<PendingInterrupt> interrupts;  // when interrupted
  std::string checkpoint_id;                 // the newest checkpoint (empty without a checkpointer)
  int steps = 0;                             // steps run by this call
};

class Graph;

class GraphBuilder {
 public:
  GraphBuilder();
  ~GraphBuilder();
  GraphBuilder(GraphBuilder&&) noexcept;
  GraphBuilder& operator=(GraphBuilder&&) noexcept;

  GraphBuilder& state(StateSchema schema);
  GraphBuilder& node(std::string name, NodeFn fn);
  // A compiled graph as a node: it runs with the parent's state (or the Send payload) as input, and its final
  // state, limited to the keys the parent declares, is the node's update. Interrupts inside pass through.
  GraphBuilder& node(std::string name, std::shared_ptr<const Graph> subgraph);
  GraphBuilder& edge(std::string from, std::string to);
  // `to` runs once every node in `from` has finished (at any step since `to` last ran).
  GraphBuilder& join(std::vector<std::string> from, std::string to);
  // After `from` runs, router decides; targets lists every node it may name (END included), which compile()
  // checks and uses to prove that END is reachable.
  GraphBuilder& branch(std::string from, Router router, std::vector<std::string> targets);
  // The most steps one invoke/resume may run. A graph with a cycle must set it.
  GraphBuilder& max_steps(int steps);
  GraphBuilder& threads(size_t threads);  // the pool for parallel tasks; default 4

  // GraphError listing every problem: unknown nodes in edges, duplicate names, nodes with no outgoing edge,
  // nodes that cannot reach END, nodes START cannot reach, a cycle without max_steps.
  std::shared_ptr<const Graph> compile() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

class Graph {
  struct Impl;
  struct Key {};

 public:
  Graph(Key, std::unique_ptr<Impl> impl);
  ~Graph();
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  // Starts a run on the thread: the input update goes through the reducers (onto the thread's last state when
  // it has one), then steps run until END or an interrupt. InvalidArgumentError when the thread's last run is
  // unfinished (resume or fork it instead).
  RunOutcome invoke(const Json& input, const RunConfig& config = {}) const;
  // Goes on from the thread's newest checkpoint: after a crash, after an interrupt (value answers it: there
  // must be exactly one pending), or after a step limit.
  RunOutcome resume(const RunConfig& config, std::optional<Json> value = std::nullopt) const;
  // As resume, answering several pending interrupts at once: a value per interrupted task id.
  RunOutcome resume_tasks(const RunConfig& config, const std::map<std::string, Json>& values_by_task) const;
  // Time travel: a new checkpoint branching from checkpoint_id, with update applied through the reducers
  // (null: none), and the run goes on from there. The branch re-runs the steps after that checkpoint.
  RunOutcome fork(const RunConfig& config, const std::string& checkpoint_id,
                  const Json& update = nullptr) const;

  const StateSchema& schema() const noexcept;
  // Node names in declaration order.
  std::vector<std::string> nodes() const;

 private:
  friend class GraphBuilder;
  friend class Engine;  // the superstep engine (src/flow/graph.cpp)
  std::unique_ptr<Impl> impl_;
};

}  // namespace alith::flow
