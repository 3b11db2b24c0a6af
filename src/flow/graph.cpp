// Graph's public calls: each prepares the run's first checkpoint (a new run, a resumed one, a fork) and hands
// it to the engine (flow/engine/engine.h).

#include <set>

#include "flow/engine/engine.h"

namespace alith::flow {

using detail::now_ms;
using detail::RunState;

Graph::Graph(Key, std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Graph::~Graph() = default;

const StateSchema& Graph::schema() const noexcept {
  return impl_->schema;
}

std::vector<std::string> Graph::nodes() const {
  std::vector<std::string> out;
  for (const auto& n : impl_->nodes) out.push_back(n.name);
  return out;
}

namespace {

Json merged_metadata(Json base, const Json& extra) {
  if (!base.is_object()) base = Json::object();
  if (extra.is_object()) {
    for (const auto& [k, v] : extra.items()) base[k] = v;
  }
  return base;
}

}  // namespace

RunOutcome Graph::invoke(const Json& input, const RunConfig& config) const {
  Engine engine(*impl_, config, nullptr);
  std::optional<Checkpoint> last;
  if (config.checkpointer) last = config.checkpointer->get(config.thread_id);
  if (last && !last->next.empty()) {
    throw InvalidArgumentError(
        "thread '" + config.thread_id +
        "' has an unfinished run (interrupted, failed or stopped at its step limit): resume "
        "or fork it");
  }
  Checkpoint cp;
  cp.thread_id = config.thread_id;
  cp.id = new_checkpoint_id();
  cp.step = last ? last->step + 1 : -1;
  cp.state = last ? std::move(last->state) : impl_->schema.initial();
  impl_->schema.apply(cp.state, input);
  cp.next = engine.route_start(cp.state, cp.id);
  cp.source = "input";
  cp.metadata = merged_metadata(last ? std::move(last->metadata) : Json::object(), config.metadata);
  cp.created_ms = now_ms();
  if (last) cp.parent_id = last->id;
  engine.save_now(cp);
  return engine.run(RunState{std::move(cp), false});
}

RunOutcome Graph::resume(const RunConfig& config, std::optional<Json> value) const {
  if (!value) return resume_tasks(config, {});
  if (!config.checkpointer) throw InvalidArgumentError("resume needs a checkpointer");
  auto cp = config.checkpointer->get(config.thread_id);
  if (!cp) throw InvalidArgumentError("thread '" + config.thread_id + "' has no checkpoint");
  // The one task waiting for an answer: interrupted, not finished since.
  std::set<std::string> done, waiting;
  for (const auto& w : config.checkpointer->writes(config.thread_id, cp->id)) {
    if (w.kind == TaskWrite::Kind::update) done.insert(w.task_id);
    if (w.kind == TaskWrite::Kind::interrupt) waiting.insert(w.task_id);
  }
  for (const auto& d : done) waiting.erase(d);
  if (waiting.size() != 1) {
    throw InvalidArgumentError(
        "thread '" + config.thread_id + "' has " + std::to_string(waiting.size()) +
        " pending interrupts; a single value answers exactly one (give a value per task id)");
  }
  return resume_tasks(config, {{*waiting.begin(), std::move(*value)}});
}

RunOutcome Graph::resume_tasks(const RunConfig& config,
                               const std::map<std::string, Json>& values_by_task) const {
  if (!config.checkpointer) throw InvalidArgumentError("resume needs a checkpointer");
  auto cp = config.checkpointer->get(config.thread_id);
  if (!cp) throw InvalidArgumentError("thread '" + config.thread_id + "' has no checkpoint");
  std::map<std::string, std::vector<Json>> answers;
  std::set<std::string> interrupted;
  for (const auto& w : config.checkpointer->writes(config.thread_id, cp->id)) {
    if (w.kind == TaskWrite::Kind::resume && w.value.is_array())
      answers[w.task_id] = w.value.get<std::vector<Json>>();
    if (w.kind == TaskWrite::Kind::interrupt) interrupted.insert(w.task_id);
  }
  for (const auto& [task_id, value] : values_by_task) {
    if (!interrupted.count(task_id)) {
      throw InvalidArgumentError("task '" + task_id + "' of thread '" + config.thread_id +
                                 "' is not interrupted");
    }
    // The answer is stored before the task runs again, so a crash now does not lose it.
    auto& list = answers[task_id];
    list.push_back(value);
    config.checkpointer->put_write(config.thread_id, cp->id, {task_id, TaskWrite::Kind::resume, Json(list)});
  }
  if (!config.metadata.empty()) cp->metadata = merged_metadata(std::move(cp->metadata), config.metadata);
  Engine engine(*impl_, config, nullptr);
  return engine.run(RunState{std::move(*cp), true}, std::move(answers));
}

RunOutcome Graph::fork(const RunConfig& config, const std::string& checkpoint_id, const Json& update) const {
  if (!config.checkpointer) throw InvalidArgumentError("fork needs a checkpointer");
  auto from = config.checkpointer->get(config.thread_id, checkpoint_id);
  if (!from) {
    throw InvalidArgumentError("thread '" + config.thread_id + "' has no checkpoint '" + checkpoint_id + "'");
  }
  Engine engine(*impl_, config, nullptr);
  Checkpoint cp = std::move(*from);
  cp.parent_id = cp.id;
  cp.id = new_checkpoint_id();
  impl_->schema.apply(cp.state, update);
  // The branch's tasks are new tasks: nothing the original branch recorded applies to them.
  for (size_t i = 0; i < cp.next.size(); ++i) {
    cp.next[i].id = default_task_id(cp.id, i, cp.next[i].node);
  }
  cp.source = "fork";
  cp.metadata = merged_metadata(std::move(cp.metadata), config.metadata);
  cp.created_ms = now_ms();
  engine.save_now(cp);
  return engine.run(RunState{std::move(cp), false});
}

}  // namespace alith::flow
