#pragma once

// Durable state of workflow runs. A Checkpoint is the state of one thread (a run and its continuations)
// between two supersteps: the shared state, the tasks of the next step, and a link to the checkpoint it came
// from. The engine writes one after every completed step; a TaskWrite records what one task of the next step
// produced (its update, an interrupt, the human's answer) as soon as it is known, so that after a crash or an
// interrupt the finished tasks of a step are not run again.
//
// Backends: SQLite (the default, open_checkpointer("sqlite:path")), PostgreSQL ("postgres://..."), Redis
// ("redis://host:port[/db]") and memory ("memory:"). Every backend is thread-safe: one checkpointer serves
// many concurrent runs. put() is atomic: a crash leaves either the whole checkpoint or none of it.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "alith/core/json.h"

namespace alith::flow {

// One task of a step: a node to run, with its own input for a Send (map-reduce) or the shared state.
struct Task {
  std::string id;  // the task's idempotency key: "<checkpoint id>/<index>/<node>", stable across re-runs
  std::string node;
  std::optional<Json> input;  // a Send's payload; nullopt: the node reads the shared state
};

struct Checkpoint {
  std::string thread_id;
  // Unique within its thread; 32 hex digits. An input or fork checkpoint's id is new_checkpoint_id(); a
  // step's checkpoint id is derived from its parent's id and the step, so a step run again after its
  // checkpoint was lost (CommitMode::batched) gets the same id, and its tasks the same task ids.
  std::string id;
  std::string parent_id;  // empty for a thread's first checkpoint
  int64_t step = 0;       // -1: the input checkpoint, before the first step
  Json state = Json::object();
  std::vector<Task> next;  // empty: the run is finished
  // Progress of joins (edges that wait for several nodes): join index (as text) -> names of the nodes that
  // have finished since the join last fired.
  Json joins = Json::object();
  std::string source;  // "input", "loop", "fork" or "update"
  // The application's own data, carried from checkpoint to checkpoint (the CLI keeps the workflow's file).
  Json metadata = Json::object();
  int64_t created_ms = 0;  // Unix time in milliseconds
};

// What one task recorded against a checkpoint.
struct TaskWrite {
  enum class Kind {
    update,     // value: the task's state update (the task is done)
    interrupt,  // value: {"index": n, "payload": ...}: the task paused at its n-th interrupt
    resume,     // value: the array of answers to the task's interrupts, in order
  };
  std::string task_id;
  Kind kind = Kind::update;
  Json value;
};

// A write on its way to storage, with the checkpoint it belongs to.
struct PendingWrite {
  std::string thread_id;
  std::string checkpoint_id;
  TaskWrite write;
};

std::string_view to_string(TaskWrite::Kind kind) noexcept;
// nullopt for an unknown name.
std::optional<TaskWrite::Kind> task_write_kind(std::string_view name) noexcept;

// Checkpoints and writes travel as JSON; every backend stores this form, so they can be copied between
// backends. from_json returns a ParseError for a malformed document.
Json to_json(const Checkpoint& checkpoint);
// dump_json(to_json(checkpoint)), written without building the document (a copy of the state) first.
std::string checkpoint_document(const Checkpoint& checkpoint);
Result<Checkpoint> checkpoint_from_json(const Json& json);

// A process-local log in front of a checkpointer, which makes CommitMode::batched lose no finished step: an
// entry append() took survives the process being killed, and if the process dies before the entry is stored,
// the checkpointer stores it the next time anyone opens or reads it. The batch writer appends every
// checkpoint and group of task writes on the run's thread, and its background thread stores them in groups.
// Entries are stored as put_batch would store them, except that a checkpoint whose id is taken is dropped,
// not an error. Thread-safe.
class RunLog {
 public:
  virtual ~RunLog() = default;
  // A ticket for store(); nullopt when the entry is too large for the log (the caller stores it directly).
  virtual std::optional<uint64_t> append(const Checkpoint& checkpoint) = 0;
  virtual std::optional<uint64_t> append(const std::string& thread_id, const std::string& checkpoint_id,
                                         const std::vector<TaskWrite>& writes) = 0;
  // Stores the entries, in ticket order and in one transaction where the backend has them, then frees their
  // space. On an error they stay in the log, to be replayed.
  virtual void store(const std::vector<uint64_t>& tickets) = 0;
};

class Checkpointer {
 public:
  virtual ~Checkpointer() = default;

  // The checkpointer's run log, made on the first call and kept while the checkpointer lives; nullptr where
  // there is none. SQLite keeps one at Durability::process; a server backend cannot (a log on this machine
  // would not be replayed by a process on another).
  virtual RunLog* run_log() { return nullptr; }

  // Stores a checkpoint atomically. Writing an id twice in one thread replaces nothing: InvalidArgumentError;
  // so is an empty id. Thread and checkpoint ids are UTF-8 without NUL (PostgreSQL stores no NUL), so a
  // thread can be copied between backends. An IoError from a server backend may mean the checkpoint was
  // stored and the acknowledgement lost: get() it by id before putting it again.
  virtual void put(const Checkpoint& checkpoint) = 0;
  // The thread's newest checkpoint (the last one put), or the one with this id; nullopt when there is none.
  virtual std::optional<Checkpoint> get(const std::string& thread_id,
                                        const std::string& checkpoint_id = {}) = 0;
  // The thread's checkpoints, newest first; at most limit (0: all).
  virtual std::vector<Checkpoint> list(const std::string& thread_id, size_t limit = 0) = 0;

  // Records a task's write against a checkpoint. A later write of the same task and kind replaces the
  // earlier.
  virtual void put_write(const std::string& thread_id, const std::string& checkpoint_id,
                         const TaskWrite& write) = 0;
  // Several writes at once: the engine records the tasks that finished together in one call, so a backend
  // with transactions pays one commit for them (SQLite does). The default puts them one by one.
  virtual void put_writes(const std::string& thread_id, const std::string& checkpoint_id,
                          const std::vector<TaskWrite>& writes) {
    for (const auto& w : writes) put_write(thread_id, checkpoint_id, w);
  }
  // Checkpoints and writes in one go, for runs with Durability::batched: one transaction where the backend
  // has them (SQLite), so a batch is all there or absent. The default puts them one by one, checkpoints
  // first.
  virtual void put_batch(const std::vector<Checkpoint>& checkpoints,
                         const std::vector<PendingWrite>& writes) {
    for (const auto& c : checkpoints) put(c);
    for (const auto& w : writes) put_write(w.thread_id, w.checkpoint_id, w.write);
  }
  // The writes recorded against a checkpoint, in the order they were first put.
  virtual std::vector<TaskWrite> writes(const std::string& thread_id, const std::string& checkpoint_id) = 0;

  // Removes a thread's checkpoints and writes. Nothing happens for an unknown thread.
  virtual void delete_thread(const std::string& thread_id) = 0;
  // Every thread id, sorted.
  virtual std::vector<std::string> threads() = 0;
};

// When a run's checkpoints reach storage.
// sync: each step's checkpoint is stored before the next step starts, so a crash loses no finished step.
// batched: a background writer stores them in groups while the run goes on (one commit for many steps), and
// the
//   run returns, or pauses at an interrupt, only once all are stored; until then other connections do not see
//   them. With a checkpointer that has a run log (SQLite), each checkpoint is in the log before the next step
//   starts, so a crash loses no finished step either. Without one, a crash loses the steps since the last
//   group, and resume runs them again with the same task ids, so effects made idempotent by task id still
//   happen once.
// automatic (the default): the fastest mode that loses no finished step. Where the checkpointer has a run
// log,
//   each checkpoint goes into the log before the next step starts, and the run's own thread stores what the
//   log holds in one transaction at most once a millisecond and when the run ends (no thread: a one-step run
//   costs what sync costs); other connections see a step at most a millisecond, or one slower step, late.
//   Elsewhere sync.
enum class CommitMode { sync, batched, automatic };

// How durable a SQLite checkpoint is once put() returns. process: it survives the process being killed (WAL,
// synchronous=NORMAL). power_loss: it survives a power loss too (an fsync per checkpoint; much slower).
enum class Durability { process, power_loss };

struct CheckpointerOptions {
  Durability durability = Durability::process;
};

// Opens a backend by reference: "memory:", "sqlite:<path>" (created when missing), "postgres://..." or
// "postgresql://..." (libpq URI; tables created when missing), "redis://host:port[/db]". ConfigError for an
// unknown scheme; IoError when the backend cannot be reached.
std::shared_ptr<Checkpointer> open_checkpointer(const std::string& ref,
                                                const CheckpointerOptions& options = {});

// The id the engine gives the index-th task of a checkpoint: "<checkpoint id>/<index>/<node>".
std::string default_task_id(const std::string& checkpoint_id, size_t index, const std::string& node);

// A new checkpoint id: 12 hex digits of milliseconds since the epoch, then 20 random hex digits.
std::string new_checkpoint_id();

}  // namespace alith::flow
