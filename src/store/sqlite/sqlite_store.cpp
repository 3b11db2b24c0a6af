#include "alith/store/sqlite_store.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <mutex>
#include <queue>
#include <random>
#include <thread>

#include "alith/core/error.h"
#include "ann_index.h"
#include "backends.h"
#include "core/sqlite_db.h"
#include "sql_filter.h"
#include "vector_math.h"

namespace alith::store {
namespace {

using ::alith::sqlite::Database;
using ::alith::sqlite::Statement;
using ::alith::sqlite::Transaction;
using sqlite::AnnIndex;

// Records of all collections share one table; the FTS5 index is an external-content index over its text,
// kept in step by triggers inside the writing transaction.
constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS alith_collections(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  dimensions INTEGER NOT NULL DEFAULT 0,
  metric TEXT NOT NULL,
  embedding_model TEXT NOT NULL DEFAULT '',
  identity INTEGER NOT NULL,
  generation INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS alith_records(
  rid INTEGER PRIMARY KEY,
  collection INTEGER NOT NULL,
  id TEXT NOT NULL,
  text TEXT NOT NULL,
  metadata TEXT NOT NULL,
  vector BLOB NOT NULL,
  UNIQUE(collection, id));
CREATE VIRTUAL TABLE IF NOT EXISTS alith_fts USING fts5(
  text, content='alith_records', content_rowid='rid', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER IF NOT EXISTS alith_records_insert AFTER INSERT ON alith_records BEGIN
  INSERT INTO alith_fts(rowid, text) VALUES (new.rid, new.text);
END;
CREATE TRIGGER IF NOT EXISTS alith_records_delete AFTER DELETE ON alith_records BEGIN
  INSERT INTO alith_fts(alith_fts, rowid, text) VALUES ('delete', old.rid, old.text);
END;
CREATE TRIGGER IF NOT EXISTS alith_records_update AFTER UPDATE OF text ON alith_records BEGIN
  INSERT INTO alith_fts(alith_fts, rowid, text) VALUES ('delete', old.rid, old.text);
  INSERT INTO alith_fts(rowid, text) VALUES (new.rid, new.text);
END;
)sql";

// Index files are named after the collection; anything but [A-Za-z0-9_-] is percent-encoded.
std::string file_safe(std::string_view name) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : name) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// 63 random bits (SQLite integers are signed): tells this collection's index files from a deleted one's.
uint64_t random_identity() {
  std::random_device device;
  std::mt19937_64 rng((static_cast<uint64_t>(device()) << 32) ^ device());
  return rng() >> 1;
}

std::span<const std::byte> as_blob(std::span<const float> v) {
  return std::as_bytes(v);
}

std::vector<float> from_blob(std::span<const std::byte> blob, size_t dimensions) {
  if (blob.size() != dimensions * sizeof(float))
    throw ParseError("sqlite store: a stored vector has " + std::to_string(blob.size()) +
                     " bytes, expected " + std::to_string(dimensions * sizeof(float)));
  std::vector<float> v(dimensions);
  std::memcpy(v.data(), blob.data(), blob.size());
  return v;
}

Json parse_metadata(const std::string& text) {
  return parse_json(text).value();
}

void sort_hits(std::vector<Hit>& hits) {
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.id < b.id;
  });
}

class Store final : public SqliteStore {
 public:
  Store(const std::string& path, const StoreOptions& options, const SqliteOptions& sqlite_options)
      : path_(path), options_(sqlite_options), db_(path) {
    if (options.collection.empty()) throw InvalidArgumentError("sqlite store: empty collection name");
    const bool in_memory = path.empty() || path == ":memory:" || path.starts_with("file::memory:");
    if (!in_memory) index_file_ = path + "." + file_safe(options.collection) + ".hnsw";
    sqlite3_busy_timeout(db_.handle(), options_.busy_timeout_ms);
    // WAL lets readers run beside the one writer. synchronous=NORMAL syncs only at checkpoints: a committed
    // transaction survives a crash of the process, and a power loss can lose only the last transactions,
    // never corrupt the file (SQLite's documented WAL guarantee); FULL would fsync every upsert.
    db_.exec("PRAGMA journal_mode=WAL");
    db_.exec("PRAGMA synchronous=NORMAL");
    {
      Transaction txn(db_);
      db_.exec(kSchema);
      txn.commit();
    }
    Transaction txn(db_);
    auto find = db_.prepare(
        "SELECT id, dimensions, metric, embedding_model, generation, identity FROM alith_collections WHERE "
        "name = ?");
    find.bind(1, std::string_view(options.collection));
    if (find.step()) {
      collection_ = find.column_int(0);
      dims_ = static_cast<size_t>(find.column_int(1));
      metric_ = metric_from_string(find.column_text(2));
      const std::string model = find.column_text(3);
      generation_ = static_cast<uint64_t>(find.column_int(4));
      identity_ = static_cast<uint64_t>(find.column_int(5));
      if (!options.embedding_model.empty() && !model.empty() && model != options.embedding_model)
        throw InvalidArgumentError("collection '" + options.collection + "' in " + path +
                                   " holds embeddings of '" + model + "', not '" + options.embedding_model +
                                   "'");
      if (model.empty() && !options.embedding_model.empty()) {
        auto record = db_.prepare("UPDATE alith_collections SET embedding_model = ? WHERE id = ?");
        record.bind(1, std::string_view(options.embedding_model)).bind(2, collection_).run();
      }
    } else {
      metric_ = options.metric;
      identity_ = random_identity();
      auto create = db_.prepare(
          "INSERT INTO alith_collections(name, metric, embedding_model, identity) VALUES (?, ?, ?, ?)");
      create.bind(1, std::string_view(options.collection))
          .bind(2, to_string(metric_))
          .bind(3, std::string_view(options.embedding_model))
          .bind(4, static_cast<int64_t>(identity_))
          .run();
      collection_ = sqlite3_last_insert_rowid(db_.handle());
    }
    txn.commit();
  }

  ~Store() override {
    std::lock_guard lock(mu_);
    try {
      save_index_locked();
    } catch (const std::exception&) {
      // The index is a cache: the next open rebuilds it from SQLite.
    }
  }

  void upsert(std::span<const Record> records) override {
    if (records.empty()) return;
    const size_t dim = records[0].vector.size();
    for (const auto& r : records) {
      if (r.id.empty()) throw InvalidArgumentError("sqlite store: a record has an empty id");
      if (r.vector.empty()) throw InvalidArgumentError("sqlite store: record '" + r.id + "' has no vector");
      if (r.vector.size() != dim)
        throw InvalidArgumentError("sqlite store: record '" + r.id + "' has " +
                                   std::to_string(r.vector.size()) +
                                   " dimensions, another in the same call " + std::to_string(dim));
      for (float x : r.vector)
        if (!std::isfinite(x))
          throw InvalidArgumentError("sqlite store: record '" + r.id + "' has a NaN or inf");
      if (!r.metadata.is_object() && !r.metadata.is_null())
        throw InvalidArgumentError("sqlite store: the metadata of '" + r.id + "' must be a JSON object");
    }
    std::lock_guard lock(mu_);
    Transaction txn(db_);
    refresh_locked();
    if (dims_ != 0 && dims_ != dim)
      throw InvalidArgumentError("sqlite store: vectors have " + std::to_string(dim) +
                                 " dimensions, the collection " + std::to_string(dims_));
    auto find = db_.prepare("SELECT rid FROM alith_records WHERE collection = ? AND id = ?");
    auto update = db_.prepare("UPDATE alith_records SET text = ?, metadata = ?, vector = ? WHERE rid = ?");
    auto insert = db_.prepare(
        "INSERT INTO alith_records(collection, id, text, metadata, vector) VALUES (?, ?, ?, ?, ?)");
    std::vector<int64_t> rids;
    rids.reserve(records.size());
    size_t inserted = 0;
    for (const auto& r : records) {
      const std::string metadata = r.metadata.is_null() ? "{}" : dump_json(r.metadata);
      find.reset();
      find.bind(1, collection_).bind(2, std::string_view(r.id));
      if (find.step()) {
        const int64_t rid = find.column_int(0);
        update.reset();
        update.bind(1, std::string_view(r.text))
            .bind(2, std::string_view(metadata))
            .bind_blob(3, as_blob(r.vector))
            .bind(4, rid)
            .run();
        rids.push_back(rid);
      } else {
        insert.reset();
        insert.bind(1, collection_)
            .bind(2, std::string_view(r.id))
            .bind(3, std::string_view(r.text))
            .bind(4, std::string_view(metadata))
            .bind_blob(5, as_blob(r.vector))
            .run();
        rids.push_back(sqlite3_last_insert_rowid(db_.handle()));
        ++inserted;
      }
    }
    bump_generation_locked(dim);
    txn.commit();
    const bool index_was_current = index_ && index_generation_ + 1 == generation_;
    dims_ = dim;
    if (count_) *count_ += inserted;
    if (!index_was_current) return;
    try {
      for (size_t i = 0; i < records.size(); ++i) index_->add(rids[i], records[i].vector);
      index_generation_ = generation_;
      unsaved_ += records.size();
      // After a large ingest the index is written out, so a crash does not cost a full rebuild.
      if (unsaved_ >= std::max<size_t>(20000, index_->live() / 2)) save_index_locked();
    } catch (const std::exception&) {
      index_.reset();  // rebuilt from SQLite on the next search
    }
  }

  size_t remove(std::span<const std::string> ids) override {
    std::lock_guard lock(mu_);
    Transaction txn(db_);
    refresh_locked();
    auto erase = db_.prepare("DELETE FROM alith_records WHERE collection = ? AND id = ? RETURNING rid");
    std::vector<int64_t> rids;
    for (const auto& id : ids) {
      erase.reset();
      erase.bind(1, collection_).bind(2, std::string_view(id));
      if (erase.step()) rids.push_back(erase.column_int(0));
      erase.run();
    }
    return finish_removal_locked(txn, rids);
  }

  size_t remove_where(const Filter& filter) override {
    if (filter.empty()) return 0;
    std::lock_guard lock(mu_);
    Transaction txn(db_);
    refresh_locked();
    const auto cond = sqlite::to_sql(filter, "metadata");
    auto erase =
        db_.prepare("DELETE FROM alith_records WHERE collection = ? AND " + cond.sql + " RETURNING rid");
    erase.bind(1, collection_);
    sqlite::bind_all(erase, cond, 2);
    std::vector<int64_t> rids;
    while (erase.step()) rids.push_back(erase.column_int(0));
    return finish_removal_locked(txn, rids);
  }

  std::optional<Record> get(std::string_view id) override {
    std::lock_guard lock(mu_);
    auto find =
        db_.prepare("SELECT text, metadata, vector FROM alith_records WHERE collection = ? AND id = ?");
    find.bind(1, collection_).bind(2, id);
    if (!find.step()) return std::nullopt;
    Record r;
    r.id = std::string(id);
    r.text = find.column_text(0);
    r.metadata = parse_metadata(find.column_text(1));
    const auto blob = find.column_blob(2);
    r.vector = from_blob(blob, blob.size() / sizeof(float));
    return r;
  }

  size_t count(const Filter& filter) override {
    std::lock_guard lock(mu_);
    refresh_locked();
    if (filter.empty()) return live_count_locked();
    const auto cond = sqlite::to_sql(filter, "metadata");
    auto q = db_.prepare("SELECT count(*) FROM alith_records WHERE collection = ? AND " + cond.sql);
    q.bind(1, collection_);
    sqlite::bind_all(q, cond, 2);
    q.step();
    return static_cast<size_t>(q.column_int(0));
  }

  std::vector<Hit> search(std::span<const float> query, size_t k, const Filter& filter) override {
    std::lock_guard lock(mu_);
    refresh_locked();
    if (dims_ == 0) return {};  // nothing stored yet, so no dimension to check against
    if (query.size() != dims_)
      throw InvalidArgumentError("sqlite store: the query has " + std::to_string(query.size()) +
                                 " dimensions, the collection " + std::to_string(dims_));
    for (float x : query)
      if (!std::isfinite(x)) throw InvalidArgumentError("sqlite store: the query vector has a NaN or inf");
    if (k == 0) return {};
    const size_t n = live_count_locked();
    if (n == 0) return {};
    if (!options_.ann || n < options_.exact_below) return exact_locked(query, k, filter);
    ensure_index_locked();
    if (filter.empty()) {
      auto hits = materialize_locked(query, index_->search(query, k, options_.ef_search), k, nullptr);
      // A graph with many deleted nodes can come back short; the caller is owed min(k, n) hits.
      if (hits.size() >= std::min(k, n)) return hits;
      return exact_locked(query, k, filter);
    }
    // Post-filter an over-fetched candidate list; a selective filter leaves too few, and then the rows it
    // selects are searched exactly.
    const size_t fetch = std::min(n, std::max<size_t>(k * 8, 64));
    auto hits = materialize_locked(query, index_->search(query, fetch, std::max(options_.ef_search, fetch)),
                                   k, &filter);
    if (hits.size() >= k) return hits;
    return exact_locked(query, k, filter);
  }

  std::vector<Hit> keyword_search(std::string_view text, size_t k, const Filter& filter) override {
    const std::string match = sqlite::fts_match_expression(text);
    if (match.empty() || k == 0) return {};
    std::lock_guard lock(mu_);
    const auto cond = sqlite::to_sql(filter, "r.metadata");
    auto q = db_.prepare(
        "SELECT r.id, r.text, r.metadata, bm25(alith_fts) AS bm25_score FROM alith_fts "
        "JOIN alith_records r ON r.rid = alith_fts.rowid "
        "WHERE alith_fts MATCH ? AND r.collection = ? AND " +
        cond.sql + " ORDER BY bm25_score, r.id LIMIT ?");
    q.bind(1, std::string_view(match)).bind(2, collection_);
    const int next = sqlite::bind_all(q, cond, 3);
    q.bind(next, static_cast<int64_t>(std::min<size_t>(k, INT64_MAX)));
    std::vector<Hit> hits;
    while (q.step()) {
      // bm25() is lower for better matches; negated so that higher is better, as everywhere else.
      hits.push_back({q.column_text(0), static_cast<float>(-q.column_double(3)), q.column_text(1),
                      parse_metadata(q.column_text(2))});
    }
    return hits;
  }

  Metric metric() const override { return metric_; }
  size_t dimensions() const override {
    std::lock_guard lock(mu_);
    return dims_;
  }
  std::string ref() const override { return "sqlite:" + path_; }

  void flush() override {
    std::lock_guard lock(mu_);
    save_index_locked();
  }

  SqliteIndexStats index_stats() override {
    std::lock_guard lock(mu_);
    refresh_locked();
    SqliteIndexStats s;
    s.in_memory = index_current_locked();
    s.loaded_from_file = s.in_memory && loaded_from_file_;
    s.rebuilds = rebuilds_;
    if (index_) {
      s.indexed = index_->live();
      s.deleted = index_->deleted();
    }
    return s;
  }

 private:
  // Picks up writes by other connections: a changed generation invalidates the cached count and the index.
  void refresh_locked() {
    auto& q = cached(state_stmt_, "SELECT generation, dimensions FROM alith_collections WHERE id = ?");
    q.bind(1, collection_);
    if (!q.step()) throw IoError("sqlite store: collection vanished from " + path_);
    const auto generation = static_cast<uint64_t>(q.column_int(0));
    dims_ = static_cast<size_t>(q.column_int(1));
    q.reset();  // a statement left mid-result would hold its read transaction open
    if (generation != generation_) {
      generation_ = generation;
      count_.reset();
    }
  }

  void bump_generation_locked(size_t dims) {
    auto bump =
        db_.prepare("UPDATE alith_collections SET generation = generation + 1, dimensions = ? WHERE id = ?");
    bump.bind(1, static_cast<int64_t>(dims)).bind(2, collection_).run();
    ++generation_;
  }

  size_t finish_removal_locked(Transaction& txn, const std::vector<int64_t>& rids) {
    if (rids.empty()) {
      txn.commit();
      return 0;
    }
    bump_generation_locked(dims_);
    txn.commit();
    if (count_) *count_ -= std::min(*count_, rids.size());
    if (index_ && index_generation_ + 1 == generation_) {
      for (int64_t rid : rids) index_->remove(rid);
      index_generation_ = generation_;
      unsaved_ += rids.size();
      // Deleted nodes still cost search time; past as many as live ones, the next search rebuilds compactly.
      if (index_->deleted() > std::max<size_t>(1000, index_->live())) index_.reset();
    }
    return rids.size();
  }

  size_t live_count_locked() {
    if (!count_) {
      auto q = db_.prepare("SELECT count(*) FROM alith_records WHERE collection = ?");
      q.bind(1, collection_);
      q.step();
      count_ = static_cast<size_t>(q.column_int(0));
    }
    return *count_;
  }

  bool index_current_locked() const { return index_ && index_generation_ == generation_; }

  void ensure_index_locked() {
    if (index_current_locked()) return;
    index_.reset();
    if (!index_file_.empty()) {
      auto loaded = AnnIndex::load(index_file_, metric_, dims_, {identity_, generation_});
      if (loaded && loaded->live() == live_count_locked()) {
        index_ = std::move(loaded);
        index_generation_ = generation_;
        loaded_from_file_ = true;
        unsaved_ = 0;
        return;
      }
    }
    // One read transaction, so the vectors and the generation they are labelled with agree.
    db_.exec("BEGIN");
    std::vector<std::pair<int64_t, std::vector<float>>> items;
    try {
      refresh_locked();
      auto rows = db_.prepare("SELECT rid, vector FROM alith_records WHERE collection = ?");
      rows.bind(1, collection_);
      while (rows.step()) items.emplace_back(rows.column_int(0), from_blob(rows.column_blob(1), dims_));
      db_.exec("COMMIT");
    } catch (...) {
      sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
    count_ = items.size();
    const size_t threads =
        options_.build_threads ? options_.build_threads : std::thread::hardware_concurrency();
    index_ = AnnIndex::build(metric_, dims_, {options_.hnsw_m, options_.ef_construction}, items, threads);
    index_generation_ = generation_;
    loaded_from_file_ = false;
    ++rebuilds_;
    unsaved_ = items.size();
    try {
      save_index_locked();
    } catch (const std::exception&) {
      // Still usable in memory; saving is retried on flush and close.
    }
  }

  void save_index_locked() {
    if (index_file_.empty() || !index_current_locked() || unsaved_ == 0) return;
    index_->save(index_file_, {identity_, index_generation_});
    unsaved_ = 0;
  }

  // Exact top-k over every row the filter selects.
  std::vector<Hit> exact_locked(std::span<const float> query, size_t k, const Filter& filter) {
    const auto cond = sqlite::to_sql(filter, "metadata");
    auto rows = db_.prepare("SELECT rid, vector FROM alith_records WHERE collection = ? AND " + cond.sql);
    rows.bind(1, collection_);
    sqlite::bind_all(rows, cond, 2);
    const sqlite::Scorer scorer(metric_, query);
    using Entry = std::pair<float, int64_t>;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> top;  // worst on top
    while (rows.step()) {
      const auto blob = rows.column_blob(1);
      if (blob.size() != dims_ * sizeof(float)) from_blob(blob, dims_);  // throws the ParseError
      const float score = scorer.score(blob.data());
      if (top.size() < k) {
        top.emplace(score, rows.column_int(0));
      } else if (score > top.top().first) {
        top.pop();
        top.emplace(score, rows.column_int(0));
      }
    }
    std::vector<std::pair<int64_t, float>> chosen;
    while (!top.empty()) {
      chosen.emplace_back(top.top().second, 0.0f);
      top.pop();
    }
    std::reverse(chosen.begin(), chosen.end());
    return materialize_locked(query, chosen, k, nullptr);
  }

  // Reads the candidates' rows (in order, stopping at k that pass the filter) and scores them exactly.
  std::vector<Hit> materialize_locked(std::span<const float> query,
                                      const std::vector<std::pair<int64_t, float>>& candidates, size_t k,
                                      const Filter* filter) {
    auto& row = cached(row_stmt_, "SELECT id, text, metadata, vector FROM alith_records WHERE rid = ?");
    const sqlite::Scorer scorer(metric_, query);
    std::vector<Hit> hits;
    for (const auto& [rid, distance] : candidates) {
      if (hits.size() >= k) break;
      row.reset();
      row.bind(1, rid);
      if (!row.step()) continue;
      Json metadata = parse_metadata(row.column_text(2));
      if (filter && !filter->matches(metadata)) continue;
      const auto blob = row.column_blob(3);
      if (blob.size() != dims_ * sizeof(float)) from_blob(blob, dims_);
      hits.push_back(
          {row.column_text(0), scorer.score(blob.data()), row.column_text(1), std::move(metadata)});
    }
    row.reset();
    sort_hits(hits);
    return hits;
  }

  // Hot statements are prepared once; the cache lives as long as the connection (declared after db_).
  Statement& cached(std::optional<Statement>& slot, std::string_view sql) {
    if (!slot) slot.emplace(db_.prepare(sql));
    slot->reset();
    return *slot;
  }

  std::string path_;
  SqliteOptions options_;
  mutable std::mutex mu_;
  Database db_;
  std::string index_file_;
  int64_t collection_ = 0;
  Metric metric_ = Metric::cosine;
  size_t dims_ = 0;
  uint64_t identity_ = 0;        // random, drawn when the collection was created
  uint64_t generation_ = 0;      // the collection's generation as last seen in SQLite
  std::optional<size_t> count_;  // records in the collection at generation_, when known
  std::unique_ptr<AnnIndex> index_;
  uint64_t index_generation_ = 0;  // the generation the in-memory index reflects
  size_t unsaved_ = 0;             // changes to the index since its file was written
  bool loaded_from_file_ = false;
  size_t rebuilds_ = 0;
  std::optional<Statement> state_stmt_;
  std::optional<Statement> row_stmt_;
};

}  // namespace

std::unique_ptr<SqliteStore> open_sqlite_store(const std::string& path, const StoreOptions& options,
                                               const SqliteOptions& sqlite_options) {
  return std::make_unique<Store>(path, options, sqlite_options);
}

std::unique_ptr<VectorStore> open_sqlite_store(const std::string& path, const StoreOptions& options) {
  return open_sqlite_store(path, options, SqliteOptions{});
}

}  // namespace alith::store
