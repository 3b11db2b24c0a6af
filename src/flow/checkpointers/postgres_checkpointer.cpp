// Checkpoints in PostgreSQL, two tables created when missing:
//
//   alith_checkpoints: (thread_id, id) primary key; seq bigserial, the put order ("newest" is the last put,
//     whatever the ids); parent_id, step, created_ms; document, to_json as text.
//   alith_checkpoint_writes: (thread_id, checkpoint_id, task_id, kind) primary key; seq bigserial, the
//     order of first puts (an upsert keeps the row and its seq); value, JSON text.
//
// The documents are text rather than jsonb: jsonb rejects "\u0000" in strings and rewrites numbers and key
// order, and a checkpoint must come back as it was put. parent_id, step and created_ms are columns too, for
// people who look at the tables with SQL.
//
// put, put_write and delete_thread are one statement each, and a statement is atomic; put_writes and
// put_batch are one transaction. A duplicate id is refused by the primary key (ON CONFLICT DO NOTHING touches
// no row), so two concurrent writers of one id cannot both succeed, and a batch holding one is rolled back
// whole.

#include <mutex>
#include <utility>

#include "alith/core/error.h"
#include "alith/core/json.h"
#include "backends.h"
#include "store/postgres/pg_connection.h"

namespace alith::flow::detail {
namespace {

using store::pg::Param;
using store::pg::Rows;

// libpq passes parameters as C strings: a NUL would silently cut the value (and could merge two threads).
void check_text(const std::string& value, const char* what) {
  if (value.find('\0') != std::string::npos)
    throw InvalidArgumentError(std::string("postgres checkpointer: a ") + what +
                               " cannot contain a NUL byte");
}

Checkpoint parse_checkpoint(std::string_view document) {
  auto json = parse_json(document);
  if (!json.ok())
    throw ParseError("postgres checkpointer: a stored checkpoint is not JSON: " + json.error().message);
  return checkpoint_from_json(json.value()).value();
}

std::vector<Checkpoint> checkpoints_of(const Rows& rows) {
  std::vector<Checkpoint> out;
  out.reserve(static_cast<size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) out.push_back(parse_checkpoint(rows.at(i, 0)));
  return out;
}

constexpr const char* kInsertCheckpoint =
    "INSERT INTO alith_checkpoints (thread_id, id, parent_id, step, created_ms, document) "
    "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (thread_id, id) DO NOTHING";
// The conflict keeps the row, and with it the seq of the first put.
constexpr const char* kUpsertWrite =
    "INSERT INTO alith_checkpoint_writes (thread_id, checkpoint_id, task_id, kind, value) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (thread_id, checkpoint_id, task_id, kind) "
    "DO UPDATE SET value = EXCLUDED.value";

std::vector<Param> checkpoint_params(const Checkpoint& checkpoint) {
  if (checkpoint.id.empty()) throw InvalidArgumentError("postgres checkpointer: a checkpoint needs an id");
  check_text(checkpoint.thread_id, "thread id");
  check_text(checkpoint.id, "checkpoint id");
  check_text(checkpoint.parent_id, "parent id");
  return {checkpoint.thread_id,
          checkpoint.id,
          checkpoint.parent_id,
          std::to_string(checkpoint.step),
          std::to_string(checkpoint.created_ms),
          checkpoint_document(checkpoint)};
}

std::vector<Param> write_params(const std::string& thread_id, const std::string& checkpoint_id,
                                const TaskWrite& write) {
  check_text(thread_id, "thread id");
  check_text(checkpoint_id, "checkpoint id");
  check_text(write.task_id, "task id");
  return {thread_id, checkpoint_id, write.task_id, std::string(to_string(write.kind)),
          dump_json(write.value)};
}

[[noreturn]] void duplicate(const Checkpoint& checkpoint) {
  throw InvalidArgumentError("postgres checkpointer: thread " + checkpoint.thread_id +
                             " already has checkpoint " + checkpoint.id);
}

class PostgresCheckpointer final : public Checkpointer {
 public:
  explicit PostgresCheckpointer(const std::string& uri) : connection_(uri) { create_tables(); }

  void put(const Checkpoint& checkpoint) override {
    const auto params = checkpoint_params(checkpoint);
    std::lock_guard lock(mutex_);
    if (connection_.exec(kInsertCheckpoint, params).affected() == 0) duplicate(checkpoint);
  }

  // One transaction: all of the batch is stored, or (a duplicate id, a lost connection) none of it.
  void put_batch(const std::vector<Checkpoint>& checkpoints,
                 const std::vector<PendingWrite>& writes) override {
    std::vector<std::vector<Param>> checkpoint_rows, write_rows;
    for (const auto& c : checkpoints) checkpoint_rows.push_back(checkpoint_params(c));
    for (const auto& w : writes) write_rows.push_back(write_params(w.thread_id, w.checkpoint_id, w.write));
    if (checkpoint_rows.empty() && write_rows.empty()) return;
    std::lock_guard lock(mutex_);
    transaction([&] {
      for (size_t i = 0; i < checkpoint_rows.size(); ++i)
        if (connection_.exec(kInsertCheckpoint, checkpoint_rows[i]).affected() == 0)
          duplicate(checkpoints[i]);
      for (const auto& row : write_rows) connection_.exec(kUpsertWrite, row);
    });
  }

  std::optional<Checkpoint> get(const std::string& thread_id, const std::string& checkpoint_id) override {
    check_text(thread_id, "thread id");
    check_text(checkpoint_id, "checkpoint id");
    std::lock_guard lock(mutex_);
    const auto rows =
        checkpoint_id.empty()
            ? connection_.exec(
                  "SELECT document FROM alith_checkpoints WHERE thread_id = $1 ORDER BY seq DESC LIMIT 1",
                  {thread_id})
            : connection_.exec("SELECT document FROM alith_checkpoints WHERE thread_id = $1 AND id = $2",
                               {thread_id, checkpoint_id});
    if (rows.size() == 0) return std::nullopt;
    return parse_checkpoint(rows.at(0, 0));
  }

  std::vector<Checkpoint> list(const std::string& thread_id, size_t limit) override {
    check_text(thread_id, "thread id");
    // LIMIT NULL is no limit.
    const Param max = limit == 0 ? Param() : Param(std::to_string(limit));
    std::lock_guard lock(mutex_);
    return checkpoints_of(connection_.exec(
        "SELECT document FROM alith_checkpoints WHERE thread_id = $1 ORDER BY seq DESC LIMIT $2::bigint",
        {thread_id, max}));
  }

  void put_write(const std::string& thread_id, const std::string& checkpoint_id,
                 const TaskWrite& write) override {
    put_writes(thread_id, checkpoint_id, {write});
  }

  // One transaction for all: one commit (one WAL flush) instead of one per write.
  void put_writes(const std::string& thread_id, const std::string& checkpoint_id,
                  const std::vector<TaskWrite>& writes) override {
    std::vector<std::vector<Param>> rows;
    rows.reserve(writes.size());
    for (const auto& w : writes) rows.push_back(write_params(thread_id, checkpoint_id, w));
    if (rows.empty()) return;
    std::lock_guard lock(mutex_);
    if (rows.size() == 1) {
      connection_.exec(kUpsertWrite, rows.front());
      return;
    }
    transaction([&] {
      for (const auto& row : rows) connection_.exec(kUpsertWrite, row);
    });
  }

  std::vector<TaskWrite> writes(const std::string& thread_id, const std::string& checkpoint_id) override {
    check_text(thread_id, "thread id");
    check_text(checkpoint_id, "checkpoint id");
    std::unique_lock lock(mutex_);
    const auto rows = connection_.exec(
        "SELECT task_id, kind, value FROM alith_checkpoint_writes WHERE thread_id = $1 AND checkpoint_id = "
        "$2 "
        "ORDER BY seq",
        {thread_id, checkpoint_id});
    lock.unlock();
    std::vector<TaskWrite> out;
    out.reserve(static_cast<size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i) {
      const auto kind = task_write_kind(rows.at(i, 1));
      if (!kind)
        throw ParseError("postgres checkpointer: a stored write has the unknown kind " +
                         std::string(rows.at(i, 1)));
      auto value = parse_json(rows.at(i, 2));
      if (!value.ok())
        throw ParseError("postgres checkpointer: a stored write is not JSON: " + value.error().message);
      TaskWrite write;
      write.task_id = std::string(rows.at(i, 0));
      write.kind = *kind;
      write.value = std::move(value).value();
      out.push_back(std::move(write));
    }
    return out;
  }

  void delete_thread(const std::string& thread_id) override {
    check_text(thread_id, "thread id");
    std::lock_guard lock(mutex_);
    // One statement: both deletes commit together.
    connection_.exec(
        "WITH w AS (DELETE FROM alith_checkpoint_writes WHERE thread_id = $1) "
        "DELETE FROM alith_checkpoints WHERE thread_id = $1",
        {thread_id});
  }

  std::vector<std::string> threads() override {
    std::unique_lock lock(mutex_);
    // COLLATE "C": byte order, as std::string compares, whatever the database's locale.
    const auto rows = connection_.exec(
        "SELECT thread_id FROM alith_checkpoints GROUP BY thread_id ORDER BY thread_id COLLATE \"C\"");
    lock.unlock();
    std::vector<std::string> out;
    out.reserve(static_cast<size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i) out.emplace_back(rows.at(i, 0));
    return out;
  }

 private:
  // Runs body between BEGIN and COMMIT; ROLLBACK when it throws.
  template <class F>
  void transaction(F body) {
    connection_.exec("BEGIN");
    try {
      body();
      connection_.exec("COMMIT");
    } catch (...) {
      try {
        connection_.exec("ROLLBACK");
      } catch (const Error&) {
        // The connection is gone; the server rolls the transaction back itself.
      }
      throw;
    }
  }

  void create_tables() {
    // Several processes may open the same database at once, and CREATE TABLE IF NOT EXISTS is not safe
    // against a concurrent creator: an advisory lock orders them.
    transaction([&] {
      connection_.exec("SELECT pg_advisory_xact_lock(hashtext('alith_checkpoints'))");
      connection_.exec(
          "CREATE TABLE IF NOT EXISTS alith_checkpoints ("
          "thread_id text NOT NULL, id text NOT NULL, seq bigserial NOT NULL, parent_id text NOT NULL, "
          "step bigint NOT NULL, created_ms bigint NOT NULL, document text NOT NULL, "
          "PRIMARY KEY (thread_id, id))");
      connection_.exec(
          "CREATE INDEX IF NOT EXISTS alith_checkpoints_order ON alith_checkpoints (thread_id, seq)");
      connection_.exec(
          "CREATE TABLE IF NOT EXISTS alith_checkpoint_writes ("
          "thread_id text NOT NULL, checkpoint_id text NOT NULL, task_id text NOT NULL, kind text NOT NULL, "
          "seq bigserial NOT NULL, value text NOT NULL, "
          "PRIMARY KEY (thread_id, checkpoint_id, task_id, kind))");
    });
  }

  std::mutex mutex_;
  store::pg::Connection connection_;
};

}  // namespace

std::shared_ptr<Checkpointer> make_postgres_checkpointer(const std::string& uri) {
  return std::make_shared<PostgresCheckpointer>(uri);
}

}  // namespace alith::flow::detail
