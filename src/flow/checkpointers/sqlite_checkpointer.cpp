// Checkpoints in one SQLite file (WAL). A checkpoint is one row holding its JSON document, so put() is a
// single INSERT: atomic by SQLite's own guarantee, with no transaction of ours to get wrong. `seq` is the
// rowid without AUTOINCREMENT (which costs a write to sqlite_sequence per insert): new rows still get a
// rowid above every existing one, so it orders checkpoints by insertion.

#include <mutex>

#include "core/sqlite_db.h"
#include "flow/checkpointers/backends.h"

namespace alith::flow::detail {
namespace {

using sqlite::Database;
using sqlite::Statement;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS flow_checkpoints(
  seq INTEGER PRIMARY KEY,
  thread_id TEXT NOT NULL,
  id TEXT NOT NULL,
  document TEXT NOT NULL,
  UNIQUE(thread_id, id));
CREATE TABLE IF NOT EXISTS flow_writes(
  seq INTEGER PRIMARY KEY,
  thread_id TEXT NOT NULL,
  checkpoint_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  UNIQUE(thread_id, checkpoint_id, task_id, kind));
)sql";

Checkpoint decode(const std::string& document) {
  auto json = parse_json(document);
  if (!json)
    throw ParseError("sqlite checkpointer: a stored checkpoint is not JSON: " + json.error().message);
  return checkpoint_from_json(*json).value();
}

class SqliteCheckpointer final : public Checkpointer {
 public:
  SqliteCheckpointer(const std::string& path, const CheckpointerOptions& options) : db_(path) {
    sqlite3_busy_timeout(db_.handle(), 10000);
    // WAL: readers (alith history) run beside a writer. NORMAL syncs at WAL checkpoints only: a commit
    // survives the process being killed, not a power loss; FULL fsyncs every commit.
    db_.exec("PRAGMA journal_mode=WAL");
    db_.exec(options.durability == Durability::power_loss ? "PRAGMA synchronous=FULL"
                                                          : "PRAGMA synchronous=NORMAL");
    // A WAL checkpoint fsyncs even at NORMAL; every 4,000 pages (16 MB) instead of SQLite's 1,000 keeps that
    // off most steps.
    db_.exec("PRAGMA wal_autocheckpoint=4000");
    db_.exec(kSchema);
    insert_ = std::make_unique<Statement>(
        db_.prepare("INSERT OR IGNORE INTO flow_checkpoints(thread_id, id, document) VALUES(?1, ?2, ?3)"));
    latest_ = std::make_unique<Statement>(
        db_.prepare("SELECT document FROM flow_checkpoints WHERE thread_id = ?1 ORDER BY seq DESC LIMIT 1"));
    by_id_ = std::make_unique<Statement>(
        db_.prepare("SELECT document FROM flow_checkpoints WHERE thread_id = ?1 AND id = ?2"));
    put_write_ = std::make_unique<Statement>(db_.prepare(
        "INSERT INTO flow_writes(thread_id, checkpoint_id, task_id, kind, value) VALUES(?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT(thread_id, checkpoint_id, task_id, kind) DO UPDATE SET value = excluded.value"));
    writes_ =
        std::make_unique<Statement>(db_.prepare("SELECT task_id, kind, value FROM flow_writes WHERE "
                                                "thread_id = ?1 AND checkpoint_id = ?2 ORDER BY seq"));
  }

  void put(const Checkpoint& checkpoint) override {
    const std::string document = dump_json(to_json(checkpoint));
    std::lock_guard lock(mu_);
    insert_checkpoint(checkpoint, document);
  }

  void put_batch(const std::vector<Checkpoint>& checkpoints,
                 const std::vector<PendingWrite>& writes) override {
    std::vector<std::string> documents, values;
    documents.reserve(checkpoints.size());
    values.reserve(writes.size());
    for (const auto& c : checkpoints) documents.push_back(dump_json(to_json(c)));
    for (const auto& w : writes) values.push_back(dump_json(w.write.value));
    std::lock_guard lock(mu_);
    sqlite::Transaction tx(db_);
    for (size_t i = 0; i < checkpoints.size(); ++i) insert_checkpoint(checkpoints[i], documents[i]);
    for (size_t i = 0; i < writes.size(); ++i) {
      insert_write(writes[i].thread_id, writes[i].checkpoint_id, writes[i].write, values[i]);
    }
    tx.commit();
  }

  std::optional<Checkpoint> get(const std::string& thread_id, const std::string& checkpoint_id) override {
    std::string document;
    {
      std::lock_guard lock(mu_);
      Statement& s = checkpoint_id.empty() ? *latest_ : *by_id_;
      s.reset();
      s.bind(1, thread_id);
      if (!checkpoint_id.empty()) s.bind(2, checkpoint_id);
      if (!s.step()) return std::nullopt;
      document = s.column_text(0);
      s.reset();
    }
    return decode(document);
  }

  std::vector<Checkpoint> list(const std::string& thread_id, size_t limit) override {
    std::vector<std::string> documents;
    {
      std::lock_guard lock(mu_);
      auto s = db_.prepare(
          "SELECT document FROM flow_checkpoints WHERE thread_id = ?1 ORDER BY seq DESC LIMIT ?2");
      s.bind(1, thread_id).bind(2, limit == 0 ? int64_t{-1} : static_cast<int64_t>(limit));
      while (s.step()) documents.push_back(s.column_text(0));
    }
    std::vector<Checkpoint> out;
    out.reserve(documents.size());
    for (const auto& d : documents) out.push_back(decode(d));
    return out;
  }

  void put_write(const std::string& thread_id, const std::string& checkpoint_id,
                 const TaskWrite& write) override {
    const std::string value = dump_json(write.value);
    std::lock_guard lock(mu_);
    insert_write(thread_id, checkpoint_id, write, value);
  }

  void put_writes(const std::string& thread_id, const std::string& checkpoint_id,
                  const std::vector<TaskWrite>& writes) override {
    std::vector<std::string> values;
    values.reserve(writes.size());
    for (const auto& w : writes) values.push_back(dump_json(w.value));
    std::lock_guard lock(mu_);
    sqlite::Transaction tx(db_);
    for (size_t i = 0; i < writes.size(); ++i) insert_write(thread_id, checkpoint_id, writes[i], values[i]);
    tx.commit();
  }

  std::vector<TaskWrite> writes(const std::string& thread_id, const std::string& checkpoint_id) override {
    std::vector<TaskWrite> out;
    std::lock_guard lock(mu_);
    Statement& s = *writes_;
    s.reset();
    s.bind(1, thread_id).bind(2, checkpoint_id);
    while (s.step()) {
      TaskWrite w;
      w.task_id = s.column_text(0);
      auto kind = task_write_kind(s.column_text(1));
      auto value = parse_json(s.column_text(2));
      if (!kind || !value) {
        s.reset();
        throw ParseError("sqlite checkpointer: a stored task write is malformed");
      }
      w.kind = *kind;
      w.value = std::move(*value);
      out.push_back(std::move(w));
    }
    s.reset();
    return out;
  }

  void delete_thread(const std::string& thread_id) override {
    std::lock_guard lock(mu_);
    sqlite::Transaction tx(db_);
    db_.prepare("DELETE FROM flow_checkpoints WHERE thread_id = ?1").bind(1, thread_id).run();
    db_.prepare("DELETE FROM flow_writes WHERE thread_id = ?1").bind(1, thread_id).run();
    tx.commit();
  }

  std::vector<std::string> threads() override {
    std::vector<std::string> out;
    std::lock_guard lock(mu_);
    auto s = db_.prepare("SELECT DISTINCT thread_id FROM flow_checkpoints ORDER BY thread_id");
    while (s.step()) out.push_back(s.column_text(0));
    return out;
  }

 private:
  void insert_checkpoint(const Checkpoint& checkpoint, const std::string& document) {
    if (checkpoint.id.empty()) throw InvalidArgumentError("a checkpoint needs an id");
    Statement& s = *insert_;
    s.reset();
    s.bind(1, checkpoint.thread_id).bind(2, checkpoint.id).bind(3, document).run();
    if (db_.changes() == 0) throw InvalidArgumentError("checkpoint " + checkpoint.id + " already exists");
  }

  void insert_write(const std::string& thread_id, const std::string& checkpoint_id, const TaskWrite& write,
                    const std::string& value) {
    Statement& s = *put_write_;
    s.reset();
    s.bind(1, thread_id)
        .bind(2, checkpoint_id)
        .bind(3, write.task_id)
        .bind(4, to_string(write.kind))
        .bind(5, value);
    s.run();
  }

  std::mutex mu_;
  Database db_;
  // Prepared once: preparing costs more than a small insert.
  std::unique_ptr<Statement> insert_, latest_, by_id_, put_write_, writes_;
};

}  // namespace

std::shared_ptr<Checkpointer> make_sqlite_checkpointer(const std::string& path,
                                                       const CheckpointerOptions& options) {
  return std::make_shared<SqliteCheckpointer>(path, options);
}

}  // namespace alith::flow::detail
