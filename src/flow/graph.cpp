// The superstep engine: run a step's tasks, record each task's write, apply the updates in task order,
// checkpoint, route to the next step (docs/ARCHITECTURE.md, "Workflows").

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <exception>
#include <future>
#include <mutex>
#include <set>
#include <thread>
#include <variant>

#include "flow/graph_impl.h"

namespace alith::flow {
namespace {

// Thrown by NodeContext::interrupt when the task has no answer yet; caught by the engine only.
struct InterruptSignal {
  size_t index;
  Json payload;
};

// A step's checkpoint id from its parent's id and the step: when a batch of checkpoints is lost in a crash,
// the re-run writes the same ids, so its tasks keep their task ids (the idempotency keys). Two 64-bit FNV-1a
// hashes with different offsets give 32 hex digits; the parent ids are unique within a thread, so are these.
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

// Where a task's events go. Tasks of a parallel step run on pool threads; their events are queued and
// delivered by the thread that called the run, which waits on this sink.
class EventSink {
 public:
  explicit EventSink(const RunEventHandler* handler, bool queued) : handler_(handler), queued_(queued) {}
  bool wanted() const { return handler_ && *handler_; }
  void emit(RunEvent event) {
    if (!wanted()) return;
    if (!queued_) {
      (*handler_)(event);
      return;
    }
    push(std::move(event));
  }
  void task_done(size_t index) { push(index); }
  // Delivers events until every task has reported done; calls on_done with the indices of the tasks that
  // finished since the last call (while it runs, more finish: recording them together is a group commit).
  template <class OnDone>
  void drain(size_t tasks, OnDone&& on_done) {
    size_t done = 0;
    std::vector<size_t> finished;
    while (done < tasks) {
      std::deque<std::variant<RunEvent, size_t>> batch;
      {
        std::unique_lock lock(mu_);
        waiting_ = true;
        cv_.wait(lock, [&] { return !items_.empty(); });
        waiting_ = false;
        batch.swap(items_);
      }
      finished.clear();
      for (auto& item : batch) {
        if (auto* index = std::get_if<size_t>(&item)) {
          finished.push_back(*index);
        } else if (wanted()) {
          (*handler_)(std::get<RunEvent>(item));
        }
      }
      done += finished.size();
      if (!finished.empty()) on_done(finished);
    }
  }

 private:
  void push(std::variant<RunEvent, size_t> item) {
    bool wake = false;
    {
      std::lock_guard lock(mu_);
      items_.push_back(std::move(item));
      wake = waiting_;
    }
    // Waking the caller only when it sleeps saves a futex call per task in a wide step.
    if (wake) cv_.notify_one();
  }

  const RunEventHandler* handler_;
  bool queued_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool waiting_ = false;
  std::deque<std::variant<RunEvent, size_t>> items_;
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

// The state a run carries from step to step.
struct RunState {
  Checkpoint checkpoint;
  bool may_have_writes = false;  // the checkpoint came from storage: its tasks may have recorded writes
};

// Stores a run's checkpoints and writes from a background thread, a group per commit (CommitMode::batched).
class BatchWriter {
 public:
  explicit BatchWriter(Checkpointer& checkpointer)
      : checkpointer_(checkpointer), thread_([this] { loop(); }) {}
  ~BatchWriter() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;

  void put(Checkpoint checkpoint) {
    std::lock_guard lock(mu_);
    rethrow();
    checkpoints_.push_back(std::move(checkpoint));
    cv_.notify_all();
  }
  void put_writes(const std::string& thread_id, const std::string& checkpoint_id,
                  std::vector<TaskWrite> writes) {
    std::lock_guard lock(mu_);
    rethrow();
    for (auto& w : writes) writes_.push_back({thread_id, checkpoint_id, std::move(w)});
    cv_.notify_all();
  }
  // Waits until everything handed over is stored; rethrows the checkpointer's error.
  void flush() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return error_ || (checkpoints_.empty() && writes_.empty() && !busy_); });
    rethrow();
  }

 private:
  void rethrow() {
    if (error_) std::rethrow_exception(error_);
  }
  void loop() {
    std::unique_lock lock(mu_);
    while (true) {
      cv_.wait(lock, [&] { return stopping_ || !checkpoints_.empty() || !writes_.empty(); });
      if (checkpoints_.empty() && writes_.empty()) return;  // stopping with nothing left
      std::vector<Checkpoint> checkpoints;
      std::vector<PendingWrite> writes;
      checkpoints.swap(checkpoints_);
      writes.swap(writes_);
      busy_ = true;
      lock.unlock();
      try {
        if (!error_) checkpointer_.put_batch(checkpoints, writes);
      } catch (...) {
        lock.lock();
        error_ = std::current_exception();
        lock.unlock();
      }
      lock.lock();
      busy_ = false;
      cv_.notify_all();
    }
  }

  Checkpointer& checkpointer_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Checkpoint> checkpoints_;
  std::vector<PendingWrite> writes_;
  bool busy_ = false;
  bool stopping_ = false;
  std::exception_ptr error_;
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace

class Engine {
 public:
  // outer: the task of the enclosing graph when this engine runs a subgraph; applied: where a subgraph's
  // updates are collected, in the order they were applied.
  Engine(const Graph::Impl& g, const RunConfig& config, NodeContext* outer,
         std::vector<Json>* applied = nullptr)
      : g_(g), config_(config), outer_(outer), applied_(applied) {
    if (config.checkpointer && config.commit == CommitMode::batched) {
      writer_ = std::make_unique<BatchWriter>(*config.checkpointer);
    }
  }

  // Runs steps until END, an interrupt or an error; with a batch writer, returns (or throws) only once every
  // checkpoint and write it was handed is stored.
  RunOutcome run(RunState run, std::map<std::string, std::vector<Json>> answers = {}) {
    if (!writer_) return run_steps(std::move(run), std::move(answers));
    RunOutcome outcome;
    try {
      outcome = run_steps(std::move(run), std::move(answers));
    } catch (...) {
      try {
        writer_->flush();
      } catch (...) {  // the run's own error is the one to report
      }
      throw;
    }
    writer_->flush();
    return outcome;
  }

  // The tasks that follow a set of finished tasks, routed on the state after their step.
  std::vector<Task> route(const std::vector<const Task*>& finished, const Json& state, Json& joins,
                          const std::string& checkpoint_id) const;
  // START's tasks for a new run.
  std::vector<Task> route_start(const Json& state, const std::string& checkpoint_id) const;

  void save(const Checkpoint& checkpoint) const {
    if (writer_) {
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
    if (writer_) {
      writer_->put_writes(config_.thread_id, checkpoint_id, std::move(writes));
    } else if (config_.checkpointer) {
      config_.checkpointer->put_writes(config_.thread_id, checkpoint_id, writes);
    }
  }

 private:
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
  std::unique_ptr<BatchWriter> writer_;  // CommitMode::batched only
};

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
  sink.emit(RunEvent{RunEvent::Kind::task_started, step, task.node, task.id, {}, {}, {}});
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
    tasks.push_back(
        {checkpoint_id + "/" + std::to_string(tasks.size()) + "/" + node, node, std::move(input)});
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
  std::set<size_t> seen;  // a node that ran several times (Sends) routes once
  for (const Task* task : finished) {
    const size_t index = g_.index.find(task->node)->second;
    if (!seen.insert(index).second) continue;
    const CompiledNode& node = g_.nodes[index];
    for (size_t to : node.edges) {
      if (to != kEndNode) triggered.insert(to);
    }
    for (size_t b : node.branches) add_route(g_.branches[b], state, triggered, sends);
    for (size_t j : node.joins) {
      const CompiledJoin& join = g_.joins[j];
      Json& arrived = joins[join.key];
      if (!arrived.is_array()) arrived = Json::array();
      if (std::find(arrived.begin(), arrived.end(), node.name) == arrived.end()) arrived.push_back(node.name);
      if (arrived.size() == join.from.size()) {
        triggered.insert(join.to);
        joins.erase(join.key);
      }
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
    std::map<std::string, size_t> by_id;
    for (size_t i = 0; i < n; ++i) by_id.emplace(cp.next[i].id, i);

    // What earlier attempts at this step left: finished tasks keep their update and do not run again.
    std::vector<PendingInterrupt> stale;
    if (run.may_have_writes && config_.checkpointer) {
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
    cp.next[i].id = cp.id + "/" + std::to_string(i) + "/" + cp.next[i].node;
  }
  cp.source = "fork";
  cp.metadata = merged_metadata(std::move(cp.metadata), config.metadata);
  cp.created_ms = now_ms();
  engine.save_now(cp);
  return engine.run(RunState{std::move(cp), false});
}

}  // namespace alith::flow
