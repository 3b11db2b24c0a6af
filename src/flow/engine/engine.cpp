#include "flow/engine/engine.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <future>

namespace alith::flow {
namespace detail {

std::string derived_checkpoint_id(const std::string& parent, int64_t step) {
  const std::string key = parent + "/" + std::to_string(step);
  uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;
  for (unsigned char c : key) {
    a = (a ^ c) * 0x100000001b3ULL;
    b = (b ^ c) * 0x100000001b3ULL;
    b ^= b >> 29;
  }
  char out[33];
  std::snprintf(out, sizeof out, "%016llx%016llx", static_cast<unsigned long long>(a),
                static_cast<unsigned long long>(b));
  return std::string(out, 32);
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace detail

using detail::derived_checkpoint_id;
using detail::InterruptSignal;
using detail::now_ms;
using detail::TaskContext;

Json Engine::run_subgraph(const CompiledNode& node, const Json& input, NodeContext& context) const {
  const Graph::Impl& sub = *node.subgraph->impl_;
  // The subgraph sees the keys it declares (all of them when it declares none).
  Json sub_input = Json::object();
  for (const auto& [key, value] : input.items()) {
    if (sub.schema.keys().empty() || sub.schema.find(key)) sub_input[key] = value;
  }
  std::vector<Json> updates;
  RunConfig sub_config;
  sub_config.thread_id = config_.thread_id + "/" + node.name;
  sub_config.cancel = config_.cancel;
  Engine engine(sub, sub_config, &context, &updates);
  Checkpoint start;
  start.thread_id = sub_config.thread_id;
  start.id = new_checkpoint_id();
  start.step = -1;
  start.source = "input";
  start.state = sub.schema.initial();
  sub.schema.apply(start.state, sub_input);
  start.next = engine.route_start(start.state, start.id);
  engine.run(RunState{std::move(start), false});
  // The node's update is the subgraph's own updates, limited to the keys this graph declares, applied in
  // order: appending reducers then add exactly what the subgraph added.
  Json out = Json::array();
  for (auto& update : updates) {
    const auto add = [&](const Json& one) {
      if (!one.is_object()) return;
      Json kept = Json::object();
      for (const auto& [key, value] : one.items()) {
        if (g_.schema.keys().empty() || g_.schema.find(key)) kept[key] = value;
      }
      if (!kept.empty()) out.push_back(std::move(kept));
    };
    if (update.is_array()) {
      for (const auto& one : update) add(one);
    } else {
      add(update);
    }
  }
  return out;
}

TaskResult Engine::execute(const Task& task, const Json& input, int64_t step, std::vector<Json> answers,
                           EventSink& sink) const {
  TaskResult result;
  const CompiledNode& node = g_.nodes[g_.index.find(task.node)->second];
  TaskContext context(config_.thread_id, task, step, config_.cancel, std::move(answers), sink, outer_);
  if (sink.wanted()) sink.emit(RunEvent{RunEvent::Kind::task_started, step, task.node, task.id, {}, {}, {}});
  try {
    result.value = node.subgraph ? run_subgraph(node, input, context) : node.fn(input, context);
    if (!result.value.is_null() && !result.value.is_object() && !result.value.is_array()) {
      throw InvalidArgumentError("node '" + task.node + "' returned " + result.value.dump(-1).substr(0, 80) +
                                 "; an update is an object, an array of objects, or null");
    }
    result.kind = TaskResult::Kind::update;
  } catch (InterruptSignal& signal) {
    if (outer_) {
      // In a subgraph, the interrupt pauses the enclosing task: it leaves this engine as the step's error and
      // is caught by the enclosing engine's execute.
      result.kind = TaskResult::Kind::error;
      result.error = std::current_exception();
      return result;
    }
    result.kind = TaskResult::Kind::interrupt;
    result.interrupt_index = signal.index;
    result.value = std::move(signal.payload);
  } catch (...) {
    result.kind = TaskResult::Kind::error;
    result.error = std::current_exception();
  }
  return result;
}

void Engine::add_route(const CompiledBranch& branch, const Json& state, std::set<size_t>& triggered,
                       std::vector<Send>& sends) const {
  Route route = branch.router(state);
  for (const auto& name : route.nodes) {
    auto it = branch.targets.find(name);
    if (it == branch.targets.end()) {
      throw InvalidArgumentError("branch from '" + branch.from + "' chose '" + name +
                                 "', which is not among its targets");
    }
    if (it->second != kEndNode) triggered.insert(it->second);
  }
  for (auto& send : route.sends) {
    if (!branch.targets.count(send.node) || send.node == END) {
      throw InvalidArgumentError("branch from '" + branch.from + "' sent to '" + send.node +
                                 "', which is not a node among its targets");
    }
    sends.push_back(std::move(send));
  }
}

std::vector<Task> Engine::make_tasks(const std::set<size_t>& triggered, std::vector<Send> sends,
                                     const std::string& checkpoint_id) const {
  std::vector<Task> tasks;
  tasks.reserve(triggered.size() + sends.size());
  auto add = [&](const std::string& node, std::optional<Json> input) {
    tasks.push_back({default_task_id(checkpoint_id, tasks.size(), node), node, std::move(input)});
  };
  for (size_t node : triggered) add(g_.nodes[node].name, std::nullopt);  // in declaration order
  for (auto& send : sends) add(send.node, std::move(send.input));
  return tasks;
}

std::vector<Task> Engine::route_start(const Json& state, const std::string& checkpoint_id) const {
  std::set<size_t> triggered;
  std::vector<Send> sends;
  for (size_t to : g_.start_edges) {
    if (to != kEndNode) triggered.insert(to);
  }
  for (size_t b : g_.start_branches) add_route(g_.branches[b], state, triggered, sends);
  return make_tasks(triggered, std::move(sends), checkpoint_id);
}

std::vector<Task> Engine::route(const std::vector<const Task*>& finished, const Json& state, Json& joins,
                                const std::string& checkpoint_id) const {
  std::set<size_t> triggered;
  std::vector<Send> sends;
  std::set<size_t> seen;                        // a node that ran several times (Sends) routes once
  std::map<size_t, std::set<size_t>> arrivals;  // join -> its members that have finished
  for (const Task* task : finished) {
    const size_t index = g_.index.find(task->node)->second;
    if (!seen.insert(index).second) continue;
    const CompiledNode& node = g_.nodes[index];
    for (size_t to : node.edges) {
      if (to != kEndNode) triggered.insert(to);
    }
    for (size_t b : node.branches) add_route(g_.branches[b], state, triggered, sends);
    for (size_t j : node.joins) arrivals[j].insert(index);
  }
  // Joins: who has arrived, from earlier steps (the checkpoint's record) and this one. Sets, not a scan of
  // the record per arrival: a 100-way join would otherwise cost 100 x 100 comparisons.
  for (auto& [j, arrived] : arrivals) {
    const CompiledJoin& join = g_.joins[j];
    auto saved = joins.find(join.key);
    if (saved != joins.end() && saved->is_array()) {
      for (const auto& name : *saved) {
        if (auto it = name.is_string() ? g_.index.find(name.get<std::string>()) : g_.index.end();
            it != g_.index.end()) {
          arrived.insert(it->second);
        }
      }
    }
    if (arrived.size() == join.from.size()) {
      triggered.insert(join.to);
      joins.erase(join.key);
    } else {
      Json names = Json::array();
      for (size_t member : join.from) {
        if (arrived.count(member)) names.push_back(g_.nodes[member].name);
      }
      joins[join.key] = std::move(names);
    }
  }
  return make_tasks(triggered, std::move(sends), checkpoint_id);
}

RunOutcome Engine::run_steps(RunState run, std::map<std::string, std::vector<Json>> answers) {
  RunOutcome outcome;
  Checkpoint& cp = run.checkpoint;
  const int limit = config_.max_steps.value_or(g_.max_steps);
  const RunEventHandler* handler = config_.on_event ? &config_.on_event : nullptr;

  while (!cp.next.empty()) {
    config_.cancel.check();
    if (outcome.steps >= limit) {
      throw StepLimitError("workflow stopped after " + std::to_string(outcome.steps) + " steps (max_steps " +
                               std::to_string(limit) + "); resume with a higher limit to go on",
                           config_.checkpointer ? cp.id : std::string());
    }
    const int64_t step = cp.step + 1;
    const size_t n = cp.next.size();
    std::vector<TaskResult> results(n);
    std::vector<bool> recorded(n, false);

    // What earlier attempts at this step left: finished tasks keep their update and do not run again. Only a
    // checkpoint read back from storage can have any, so a fresh step skips the lookup table.
    if (run.may_have_writes && config_.checkpointer) {
      std::map<std::string, size_t> by_id;
      for (size_t i = 0; i < n; ++i) by_id.emplace(cp.next[i].id, i);
      for (auto& w : config_.checkpointer->writes(config_.thread_id, cp.id)) {
        auto it = by_id.find(w.task_id);
        if (it == by_id.end()) continue;
        if (w.kind == TaskWrite::Kind::update) {
          results[it->second].kind = TaskResult::Kind::update;
          results[it->second].value = std::move(w.value);
          recorded[it->second] = true;
        } else if (w.kind == TaskWrite::Kind::resume && w.value.is_array() && !answers.count(w.task_id)) {
          answers[w.task_id] = w.value.get<std::vector<Json>>();
        }
      }
    }
    run.may_have_writes = false;

    if (handler) {
      Json tasks = Json::array();
      for (const auto& t : cp.next) tasks.push_back({{"task_id", t.id}, {"node", t.node}});
      (*handler)(RunEvent{RunEvent::Kind::step_started, step, {}, {}, {}, {}, std::move(tasks)});
    }

    std::vector<size_t> to_run;
    for (size_t i = 0; i < n; ++i) {
      if (results[i].kind == TaskResult::Kind::pending) to_run.push_back(i);
    }
    auto answers_for = [&](const Task& t) {
      auto it = answers.find(t.id);
      return it == answers.end() ? std::vector<Json>{} : it->second;
    };
    // Records the outcomes of tasks the moment they are known, so a crash later in the step does not lose
    // them. A step's only task needs no write: the step's checkpoint, written right after, records it.
    const bool lone = to_run.size() == 1;
    auto record = [&](const std::vector<size_t>& finished) {
      std::vector<TaskWrite> writes;
      for (size_t i : finished) {
        const TaskResult& r = results[i];
        const Task& t = cp.next[i];
        if (r.kind == TaskResult::Kind::update && !lone) {
          writes.push_back({t.id, TaskWrite::Kind::update, r.value});
        } else if (r.kind == TaskResult::Kind::interrupt) {
          writes.push_back(
              {t.id, TaskWrite::Kind::interrupt, {{"index", r.interrupt_index}, {"payload", r.value}}});
        }
      }
      save_writes(cp.id, std::move(writes));
      if (!handler) return;
      for (size_t i : finished) {
        const TaskResult& r = results[i];
        const Task& t = cp.next[i];
        if (r.kind == TaskResult::Kind::update) {
          (*handler)(RunEvent{RunEvent::Kind::task_finished, step, t.node, t.id, {}, {}, r.value});
        } else if (r.kind == TaskResult::Kind::interrupt) {
          (*handler)(RunEvent{RunEvent::Kind::interrupted, step, t.node, t.id, {}, {}, r.value});
        }
      }
    };

    // Tasks read the state in place: it does not change until every task of the step is done.
    auto input_of = [&](size_t i) -> const Json& { return cp.next[i].input ? *cp.next[i].input : cp.state; };
    if (to_run.size() == 1) {
      EventSink sink(handler, false);
      const size_t i = to_run[0];
      results[i] = execute(cp.next[i], input_of(i), step, answers_for(cp.next[i]), sink);
      record({i});
    } else if (!to_run.empty()) {
      // A few workers take tasks in turn (one pool job per worker, not per task). The caller takes tasks too
      // when nothing needs it meanwhile: no events to deliver as they happen, no writes to record early.
      EventSink sink(handler, true);
      std::atomic<size_t> next_task{0};
      auto work = [&] {
        for (size_t k; (k = next_task.fetch_add(1, std::memory_order_relaxed)) < to_run.size();) {
          const size_t i = to_run[k];
          results[i] = execute(cp.next[i], input_of(i), step, answers_for(cp.next[i]), sink);
          sink.task_done(i);
        }
      };
      const bool caller_works = !handler && !config_.checkpointer;
      const size_t workers = std::min(g_.threads, to_run.size() - (caller_works ? 1 : 0));
      std::vector<std::future<void>> jobs;
      jobs.reserve(workers);
      for (size_t w = 0; w < workers; ++w) jobs.push_back(g_.thread_pool().submit(work));
      if (caller_works) work();
      sink.drain(to_run.size(), record);
      for (auto& job : jobs) job.wait();  // the workers still touch next_task as they leave
    }
    for (size_t i = 0; i < n; ++i) {
      if (recorded[i] && handler) {
        const Task& t = cp.next[i];
        (*handler)(RunEvent{RunEvent::Kind::task_finished, step, t.node, t.id, {}, {}, results[i].value});
      }
    }

    for (size_t i = 0; i < n; ++i) {
      if (results[i].kind == TaskResult::Kind::error) std::rethrow_exception(results[i].error);
    }
    for (size_t i = 0; i < n; ++i) {
      if (results[i].kind == TaskResult::Kind::interrupt) {
        outcome.interrupts.push_back({cp.next[i].id, cp.next[i].node, results[i].value});
      }
    }
    if (!outcome.interrupts.empty()) {
      outcome.status = RunOutcome::Status::interrupted;
      outcome.state = cp.state;
      outcome.checkpoint_id = config_.checkpointer ? cp.id : std::string();
      return outcome;
    }

    // Updates in task order: the same state whatever order the tasks finished in.
    Checkpoint next;
    next.state = std::move(cp.state);
    for (size_t i = 0; i < n; ++i) {
      const Json& update = results[i].value;
      if (applied_ && !update.is_null()) applied_->push_back(update);
      if (update.is_array()) {
        for (const auto& one : update) g_.schema.apply(next.state, one);
      } else {
        g_.schema.apply(next.state, update);
      }
    }
    next.thread_id = config_.thread_id;
    next.id = derived_checkpoint_id(cp.id, step);
    next.parent_id = std::move(cp.id);
    next.step = step;
    next.joins = std::move(cp.joins);
    std::vector<const Task*> finished;
    finished.reserve(n);
    for (const auto& t : cp.next) finished.push_back(&t);
    next.next = route(finished, next.state, next.joins, next.id);
    next.source = "loop";
    next.metadata = std::move(cp.metadata);
    next.created_ms = now_ms();
    save(next);
    ++outcome.steps;
    if (handler) {
      (*handler)(RunEvent{RunEvent::Kind::step_finished, step, {}, {}, {}, next.id, next.state});
    }
    cp = std::move(next);
  }
  outcome.state = std::move(cp.state);
  outcome.checkpoint_id = config_.checkpointer ? cp.id : std::string();
  return outcome;
}

}  // namespace alith::flow
