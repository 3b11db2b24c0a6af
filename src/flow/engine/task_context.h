#pragma once

// What a node sees while it runs (NodeContext), and what its run produced.

#include <exception>
#include <mutex>
#include <string>
#include <vector>

#include "alith/flow/graph.h"
#include "flow/engine/event_sink.h"

namespace alith::flow::detail {

// Thrown by NodeContext::interrupt when the task has no answer yet; caught by the engine only.
struct InterruptSignal {
  size_t index;
  Json payload;
};

class TaskContext final : public NodeContext {
 public:
  TaskContext(const std::string& thread_id, const Task& task, int64_t step, const CancelToken& cancel,
              std::vector<Json> answers, EventSink& sink, NodeContext* outer)
      : thread_id_(thread_id),
        task_(task),
        step_(step),
        cancel_(cancel),
        answers_(std::move(answers)),
        sink_(sink),
        outer_(outer) {
    // Inside a subgraph, checkpoint ids are new on every run: the key is the enclosing task's, then the step
    // and the task's place in it ("<index>/<node>"), which repeat as long as the subgraph is deterministic.
    if (outer_)
      nested_id_ =
          outer_->task_id() + "/" + std::to_string(step) + "/" + task.id.substr(task.id.find('/') + 1);
  }

  const std::string& thread_id() const override { return thread_id_; }
  const std::string& node() const override { return task_.node; }
  int64_t step() const override { return step_; }
  const std::string& task_id() const override { return outer_ ? nested_id_ : task_.id; }
  const CancelToken& cancel() const override { return cancel_; }

  Json interrupt(Json payload) override {
    // Inside a subgraph the enclosing task pauses: the subgraph reruns from its start on resume.
    if (outer_) return outer_->interrupt(std::move(payload));
    std::lock_guard lock(mu_);
    if (next_ < answers_.size()) return answers_[next_++];
    throw InterruptSignal{next_, std::move(payload)};
  }
  void emit_token(std::string_view text) override {
    if (outer_) return outer_->emit_token(text);
    if (!sink_.wanted()) return;
    RunEvent e{RunEvent::Kind::token, step_, task_.node, task_.id, std::string(text), {}, {}};
    sink_.emit(std::move(e));
  }
  void emit(Json data) override {
    if (outer_) return outer_->emit(std::move(data));
    if (!sink_.wanted()) return;
    sink_.emit(RunEvent{RunEvent::Kind::custom, step_, task_.node, task_.id, {}, {}, std::move(data)});
  }

 private:
  const std::string& thread_id_;
  const Task& task_;
  int64_t step_;
  const CancelToken& cancel_;
  std::mutex mu_;  // tasks of a nested parallel step may interrupt concurrently
  std::vector<Json> answers_;
  size_t next_ = 0;
  EventSink& sink_;
  NodeContext* outer_;
  std::string nested_id_;
};

struct TaskResult {
  enum class Kind { pending, update, interrupt, error } kind = Kind::pending;
  Json value;  // the update, or the interrupt's payload
  size_t interrupt_index = 0;
  std::exception_ptr error;
};

}  // namespace alith::flow::detail
