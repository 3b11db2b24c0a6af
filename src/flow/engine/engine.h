#pragma once

// The superstep engine: run a step's tasks, record their writes, apply the updates in task order, checkpoint,
// route to the next step (docs/ARCHITECTURE.md, "Workflows"). Graph's public calls (graph.cpp) prepare the
// first checkpoint and hand it to an Engine.

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "flow/engine/batch_writer.h"
#include "flow/engine/event_sink.h"
#include "flow/engine/logged_commits.h"
#include "flow/engine/task_context.h"
#include "flow/graph_impl.h"

namespace alith::flow {
namespace detail {

// A step's checkpoint id from its parent's id and the step: when a batch of checkpoints is lost in a crash,
// the re-run writes the same ids, so its tasks keep their task ids (the idempotency keys). Two 64-bit FNV-1a
// hashes with different offsets give 32 hex digits; the parent ids are unique within a thread, so are these.
std::string derived_checkpoint_id(const std::string& parent, int64_t step);

// Unix time in milliseconds.
int64_t now_ms();

// The state a run carries from step to step.
struct RunState {
  Checkpoint checkpoint;
  bool may_have_writes = false;  // the checkpoint came from storage: its tasks may have recorded writes
};

}  // namespace detail

using detail::BatchWriter;
using detail::EventSink;
using detail::LoggedCommits;
using detail::RunState;
using detail::TaskResult;

class Engine {
 public:
  // outer: the task of the enclosing graph when this engine runs a subgraph; applied: where a subgraph's
  // updates are collected, in the order they were applied.
  Engine(const Graph::Impl& g, const RunConfig& config, NodeContext* outer,
         std::vector<Json>* applied = nullptr)
      : g_(g), config_(config), outer_(outer), applied_(applied) {
    if (!config.checkpointer) return;
    if (config.commit == CommitMode::batched) {
      writer_ = std::make_unique<BatchWriter>(*config.checkpointer);
    } else if (config.commit == CommitMode::automatic) {
      if (RunLog* log = config.checkpointer->run_log()) {
        logged_ = std::make_unique<LoggedCommits>(*config.checkpointer, *log);
      }
    }
  }

  // Runs steps until END, an interrupt or an error; with a batch writer or logged commits, returns (or
  // throws) only once every checkpoint and write it was handed is stored.
  RunOutcome run(RunState run, std::map<std::string, std::vector<Json>> answers = {}) {
    if (!writer_ && !logged_) return run_steps(std::move(run), std::move(answers));
    RunOutcome outcome;
    try {
      outcome = run_steps(std::move(run), std::move(answers));
    } catch (...) {
      try {
        flush();
      } catch (...) {  // the run's own error is the one to report
      }
      throw;
    }
    flush();
    return outcome;
  }

  // The tasks that follow a set of finished tasks, routed on the state after their step.
  std::vector<Task> route(const std::vector<const Task*>& finished, const Json& state, Json& joins,
                          const std::string& checkpoint_id) const;
  // START's tasks for a new run.
  std::vector<Task> route_start(const Json& state, const std::string& checkpoint_id) const;

  void save(const Checkpoint& checkpoint) const {
    if (logged_) {
      logged_->put(checkpoint);
    } else if (writer_) {
      writer_->put(checkpoint);
    } else if (config_.checkpointer) {
      config_.checkpointer->put(checkpoint);
    }
  }
  // The first checkpoint of an invoke or a fork is stored before any task runs, in every CommitMode: its id
  // is random, so if it were lost, a re-run would give its tasks new task ids.
  void save_now(const Checkpoint& checkpoint) const {
    if (config_.checkpointer) config_.checkpointer->put(checkpoint);
  }
  void save_writes(const std::string& checkpoint_id, std::vector<TaskWrite> writes) const {
    if (writes.empty()) return;
    if (logged_) {
      logged_->put_writes(config_.thread_id, checkpoint_id, writes);
    } else if (writer_) {
      writer_->put_writes(config_.thread_id, checkpoint_id, std::move(writes));
    } else if (config_.checkpointer) {
      config_.checkpointer->put_writes(config_.thread_id, checkpoint_id, writes);
    }
  }

 private:
  void flush() const {
    if (writer_) writer_->flush();
    if (logged_) logged_->flush();
  }
  RunOutcome run_steps(RunState run, std::map<std::string, std::vector<Json>> answers);
  TaskResult execute(const Task& task, const Json& input, int64_t step, std::vector<Json> answers,
                     EventSink& sink) const;
  Json run_subgraph(const CompiledNode& node, const Json& input, NodeContext& context) const;
  void add_route(const CompiledBranch& branch, const Json& state, std::set<size_t>& triggered,
                 std::vector<Send>& sends) const;
  std::vector<Task> make_tasks(const std::set<size_t>& triggered, std::vector<Send> sends,
                               const std::string& checkpoint_id) const;

  const Graph::Impl& g_;
  const RunConfig& config_;
  NodeContext* outer_;
  std::vector<Json>* applied_;
  std::unique_ptr<BatchWriter> writer_;    // CommitMode::batched
  std::unique_ptr<LoggedCommits> logged_;  // CommitMode::automatic with a run log
};

}  // namespace alith::flow
