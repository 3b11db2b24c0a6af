// Checkpoints in one SQLite file (WAL). A checkpoint is one row holding its JSON document, so put() is a
// single INSERT: atomic by SQLite's own guarantee, with no transaction of ours to get wrong. `seq` is the
// rowid without AUTOINCREMENT (which costs a write to sqlite_sequence per insert): new rows still get a
// rowid above every existing one, so it orders checkpoints by insertion.
//
// At Durability::process the checkpointer keeps a run log (run_log.h) in "<file>-runlogs/" for the engine's
// batched and automatic commits. Every read first replays the segments of writers that died (so resume sees
// their last steps); so does opening.

#include <mutex>
#include <set>
#include <string_view>

#include "core/sqlite_db.h"
#include "flow/checkpointers/backends.h"
#include "flow/checkpointers/run_log.h"

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
  SqliteCheckpointer(const std::string& path, const CheckpointerOptions& options)
      : db_(path),
        log_dir_(path + "-runlogs"),
        // An in-memory database dies with the process: a log to survive it has nothing to offer. (A URI
        // names its file in its own syntax: no log beside it either.)
        file_backed_(path != ":memory:" && path.rfind("file:", 0) != 0),
        keeps_log_(file_backed_ && options.durability == Durability::process) {
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
    replay_orphans();
  }

  RunLog* run_log() override {
    if (!keeps_log_)
      return nullptr;  // and at Durability::power_loss: a log in the page cache is not power-safe
    std::lock_guard lock(log_mu_);
    if (!log_ && !log_failed_) {
      try {
        log_ = std::make_unique<MappedRunLog>(
            log_dir_, [this](const std::vector<LoggedRecord>& records) { store_records(records); });
      } catch (const Error&) {
        log_failed_ = true;  // a read-only folder, say: batched runs then commit in groups without a log
      }
    }
    return log_.get();
  }

  void put(const Checkpoint& checkpoint) override {
    const std::string document = checkpoint_document(checkpoint);
    std::lock_guard lock(mu_);
    insert_checkpoint(checkpoint, document);
  }

  void put_batch(const std::vector<Checkpoint>& checkpoints,
                 const std::vector<PendingWrite>& writes) override {
    std::vector<std::string> documents, values;
    documents.reserve(checkpoints.size());
    values.reserve(writes.size());
    for (const auto& c : checkpoints) documents.push_back(checkpoint_document(c));
    for (const auto& w : writes) values.push_back(dump_json(w.write.value));
    std::lock_guard lock(mu_);
    sqlite::Transaction tx(db_);
    for (size_t i = 0; i < checkpoints.size(); ++i) insert_checkpoint(checkpoints[i], documents[i]);
    for (size_t i = 0; i < writes.size(); ++i) {
      const auto& w = writes[i];
      insert_write(w.thread_id, w.checkpoint_id, w.write.task_id, w.write.kind, values[i]);
    }
    tx.commit();
  }

  std::optional<Checkpoint> get(const std::string& thread_id, const std::string& checkpoint_id) override {
    replay_orphans();
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
    replay_orphans();
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
    insert_write(thread_id, checkpoint_id, write.task_id, write.kind, value);
  }

  void put_writes(const std::string& thread_id, const std::string& checkpoint_id,
                  const std::vector<TaskWrite>& writes) override {
    std::vector<std::string> values;
    values.reserve(writes.size());
    for (const auto& w : writes) values.push_back(dump_json(w.value));
    std::lock_guard lock(mu_);
    sqlite::Transaction tx(db_);
    for (size_t i = 0; i < writes.size(); ++i) {
      insert_write(thread_id, checkpoint_id, writes[i].task_id, writes[i].kind, values[i]);
    }
    tx.commit();
  }

  std::vector<TaskWrite> writes(const std::string& thread_id, const std::string& checkpoint_id) override {
    replay_orphans();
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
    replay_orphans();
    std::lock_guard lock(mu_);
    sqlite::Transaction tx(db_);
    db_.prepare("DELETE FROM flow_checkpoints WHERE thread_id = ?1").bind(1, thread_id).run();
    db_.prepare("DELETE FROM flow_writes WHERE thread_id = ?1").bind(1, thread_id).run();
    tx.commit();
  }

  std::vector<std::string> threads() override {
    replay_orphans();
    std::vector<std::string> out;
    std::lock_guard lock(mu_);
    auto s = db_.prepare("SELECT DISTINCT thread_id FROM flow_checkpoints ORDER BY thread_id");
    while (s.step()) out.push_back(s.column_text(0));
    return out;
  }

 private:
  void insert_checkpoint(const Checkpoint& checkpoint, const std::string& document) {
    if (checkpoint.id.empty()) throw InvalidArgumentError("a checkpoint needs an id");
    if (!insert_document(checkpoint.thread_id, checkpoint.id, document)) {
      throw InvalidArgumentError("checkpoint " + checkpoint.id + " already exists");
    }
  }
  // false when the id is taken
  bool insert_document(std::string_view thread_id, std::string_view id, std::string_view document) {
    Statement& s = *insert_;
    s.reset();
    s.bind(1, thread_id).bind(2, id).bind(3, document).run();
    return db_.changes() != 0;
  }

  // Stores what dead writers left in their run logs.
  void replay_orphans() {
    if (!file_backed_) return;
    MappedRunLog* own = nullptr;
    {
      std::lock_guard lock(log_mu_);
      own = log_.get();
    }
    replay_orphan_run_logs(log_dir_, own,
                           [this](const std::vector<LoggedRecord>& records) { store_records(records); });
  }

  // Run log records, in one transaction. A checkpoint whose id is taken is left as it is: a replay after its
  // writer died between the commit and settling the record. As in put_batch, an update write whose
  // checkpoint's child is in the same group is dropped: resume starts from the child and never reads it.
  void store_records(const std::vector<LoggedRecord>& records) {
    std::set<std::pair<std::string_view, std::string_view>> superseded;
    for (const auto& r : records) {
      if (r.is_checkpoint) superseded.emplace(r.thread_id, r.parent_id);
    }
    std::lock_guard lock(mu_);
    sqlite::Transaction tx(db_);
    for (const auto& r : records) {
      if (r.is_checkpoint) {
        (void)insert_document(r.thread_id, r.checkpoint_id, r.document);
        continue;
      }
      const bool replaced = superseded.count({r.thread_id, r.checkpoint_id}) > 0;
      for (const auto& w : r.writes) {
        if (replaced && w.kind == TaskWrite::Kind::update) continue;
        insert_write(r.thread_id, r.checkpoint_id, w.task_id, w.kind, w.value);
      }
    }
    tx.commit();
  }

  void insert_write(std::string_view thread_id, std::string_view checkpoint_id, std::string_view task_id,
                    TaskWrite::Kind kind, std::string_view value) {
    Statement& s = *put_write_;
    s.reset();
    s.bind(1, thread_id).bind(2, checkpoint_id).bind(3, task_id).bind(4, to_string(kind)).bind(5, value);
    s.run();
  }

  std::mutex mu_;
  Database db_;
  // Prepared once: preparing costs more than a small insert.
  std::unique_ptr<Statement> insert_, latest_, by_id_, put_write_, writes_;
  const std::string log_dir_;
  const bool file_backed_;
  const bool keeps_log_;  // file-backed, at Durability::process
  std::mutex log_mu_;
  std::unique_ptr<MappedRunLog> log_;  // made by the first run_log()
  bool log_failed_ = false;
};

}  // namespace

std::shared_ptr<Checkpointer> make_sqlite_checkpointer(const std::string& path,
                                                       const CheckpointerOptions& options) {
  return std::make_shared<SqliteCheckpointer>(path, options);
}

}  // namespace alith::flow::detail
