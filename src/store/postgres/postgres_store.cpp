// PostgreSQL + pgvector. One table per collection ("alith_<collection>": id text primary key, text, metadata
// jsonb, embedding vector(N), a generated tsvector with a GIN index, an HNSW index for the collection's
// metric), and one catalogue table "alith_collections" recording each collection's dimensions, metric and
// embedding model. The collection's table is created by its first upsert, when the dimension is known (an
// HNSW index needs a fixed-size vector column).

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <mutex>
#include <utility>

#include "alith/core/error.h"
#include "backends.h"
#include "postgres/pg_connection.h"
#include "postgres/pg_filter.h"
#include "validate.h"

namespace alith::store {
namespace {

using pg::Param;

// Postgres truncates identifiers at 63 bytes, and a table's name gets suffixes for its indexes.
constexpr size_t kMaxTableName = 52;
// Keyword search ranks with this text search configuration (English stemming and stop words).
constexpr const char* kTextConfig = "english";
// Records per INSERT statement; all of one upsert still share one transaction.
constexpr size_t kUpsertBatch = 256;

const char* distance_operator(Metric metric) {
  switch (metric) {
    case Metric::cosine:
      return "<=>";
    case Metric::dot:
      return "<#>";
    case Metric::l2:
      return "<->";
  }
  return "<=>";
}

const char* operator_class(Metric metric) {
  switch (metric) {
    case Metric::cosine:
      return "vector_cosine_ops";
    case Metric::dot:
      return "vector_ip_ops";
    case Metric::l2:
      return "vector_l2_ops";
  }
  return "vector_cosine_ops";
}

// pgvector's distances into the store's score (higher is more similar).
float score_of(Metric metric, double distance) {
  switch (metric) {
    case Metric::cosine:
      return static_cast<float>(1.0 - distance);
    case Metric::dot:  // <#> is the negated inner product
    case Metric::l2:
      return static_cast<float>(-distance);
  }
  return 0;
}

// pgvector's text form "[1,2.5,-3]", with the shortest representation that reads back exactly.
std::string vector_text(std::span<const float> v) {
  std::string out = "[";
  char buf[32];
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += ',';
    auto r = std::to_chars(buf, buf + sizeof(buf), v[i]);
    out.append(buf, r.ptr);
  }
  out += ']';
  return out;
}

std::vector<float> parse_vector(std::string_view text) {
  std::vector<float> out;
  if (text.size() < 2) return out;
  text = text.substr(1, text.size() - 2);
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto item = text.substr(0, comma);
    float value = 0;
    std::from_chars(item.data(), item.data() + item.size(), value);
    out.push_back(value);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

Json parse_metadata(std::string_view text) {
  auto parsed = parse_json(text);
  return parsed.ok() && parsed.value().is_object() ? std::move(parsed).value() : Json::object();
}

// "alith_<collection>", or for a long name its first bytes and a hash of the whole (two long names must not
// be truncated by the server into one table). The catalogue keeps the full name.
std::string table_name(const std::string& collection) {
  std::string name = "alith_" + collection;
  if (name.size() <= kMaxTableName) return name;
  uint64_t hash = 1469598103934665603ull;  // FNV-1a
  for (unsigned char c : collection) hash = (hash ^ c) * 1099511628211ull;
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(hash));
  name.resize(kMaxTableName - 17);
  // Do not cut a UTF-8 sequence in half.
  while (!name.empty() && (static_cast<unsigned char>(name.back()) & 0xC0) == 0x80) name.pop_back();
  if (!name.empty() && static_cast<unsigned char>(name.back()) >= 0xC0) name.pop_back();
  return name + "_" + hex;
}

void check_vector(std::span<const float> v, const std::string& what) {
  if (v.empty()) throw InvalidArgumentError("postgres store: " + what + " has an empty vector");
  for (float x : v)
    if (!std::isfinite(x)) throw InvalidArgumentError("postgres store: " + what + " has a non-finite value");
}

class PostgresStore final : public VectorStore {
 public:
  PostgresStore(const std::string& uri, const StoreOptions& options)
      : conn_(uri), ref_(pg::redact_uri(uri)), collection_(options.collection) {
    if (collection_.empty()) throw InvalidArgumentError("postgres store: empty collection name");
    const std::string table = table_name(collection_);
    table_ = conn_.quote_identifier(table);
    hnsw_index_ = conn_.quote_identifier(table + "_hnsw");
    text_index_ = conn_.quote_identifier(table + "_tsv");
    // Several processes may open the same database at once: an advisory lock orders their DDL.
    conn_.exec("BEGIN");
    try {
      conn_.exec("SELECT pg_advisory_xact_lock(hashtext('alith_store'))");
      conn_.exec("CREATE EXTENSION IF NOT EXISTS vector");
      conn_.exec(
          "CREATE TABLE IF NOT EXISTS alith_collections (name text PRIMARY KEY, dimensions integer NOT NULL "
          "DEFAULT 0, metric text NOT NULL, embedding_model text NOT NULL DEFAULT '')");
      conn_.exec(
          "INSERT INTO alith_collections (name, metric, embedding_model) VALUES ($1, $2, $3) ON CONFLICT "
          "(name) DO NOTHING",
          {collection_, std::string(to_string(options.metric)), options.embedding_model});
      auto row = conn_.exec(
          "SELECT dimensions, metric, embedding_model FROM alith_collections WHERE name = $1", {collection_});
      dimensions_ = std::stoul(std::string(row.at(0, 0)));
      metric_ = metric_from_string(row.at(0, 1));
      const std::string recorded(row.at(0, 2));
      if (!options.embedding_model.empty() && recorded != options.embedding_model) {
        if (!recorded.empty())
          throw InvalidArgumentError("postgres store: collection '" + collection_ + "' holds vectors of '" +
                                     recorded + "', not '" + options.embedding_model + "'");
        conn_.exec("UPDATE alith_collections SET embedding_model = $2 WHERE name = $1",
                   {collection_, options.embedding_model});
      }
      conn_.exec("COMMIT");
    } catch (...) {
      rollback();
      throw;
    }
  }

  void upsert(std::span<const Record> records) override {
    if (records.empty()) return;
    const size_t dims = records.front().vector.size();
    for (const auto& r : records) {
      if (r.id.empty()) throw InvalidArgumentError("postgres store: a record has an empty id");
      check_vector(r.vector, "record '" + r.id + "'");
      if (r.vector.size() != dims)
        throw InvalidArgumentError("postgres store: record '" + r.id + "' has " +
                                   std::to_string(r.vector.size()) + " dimensions, the others " +
                                   std::to_string(dims));
      if (!r.metadata.is_object() && !r.metadata.is_null())
        throw InvalidArgumentError("postgres store: the metadata of '" + r.id + "' is not an object");
    }
    // One INSERT cannot touch a row twice: the last record of an id wins, as sequential upserts would.
    std::map<std::string_view, const Record*> latest;
    for (const auto& r : records) latest[r.id] = &r;

    std::lock_guard lock(mutex_);
    conn_.exec("BEGIN");
    bool created = false;
    try {
      created = ensure_table(dims);
      auto it = latest.begin();
      while (it != latest.end()) {
        Json batch = Json::array();
        for (size_t n = 0; n < kUpsertBatch && it != latest.end(); ++n, ++it) {
          const Record& r = *it->second;
          batch.push_back({{"id", r.id},
                           {"text", r.text},
                           {"metadata", r.metadata.is_null() ? Json::object() : r.metadata},
                           {"embedding", vector_text(r.vector)}});
        }
        conn_.exec(
            "INSERT INTO " + table_ +
                " (id, text, metadata, embedding) SELECT r->>'id', r->>'text', r->'metadata', "
                "(r->>'embedding')::vector FROM jsonb_array_elements($1::jsonb) AS b(r) ON CONFLICT (id) DO "
                "UPDATE SET text = excluded.text, metadata = excluded.metadata, embedding = "
                "excluded.embedding",
            {dump_json(batch)});
      }
      conn_.exec("COMMIT");
    } catch (...) {
      if (created) dimensions_ = 0;
      rollback();
      throw;
    }
  }

  size_t remove(std::span<const std::string> ids) override {
    if (ids.empty()) return 0;
    std::lock_guard lock(mutex_);
    if (!table_ready()) return 0;
    Json list = Json::array();
    for (const auto& id : ids) list.push_back(id);
    return conn_
        .exec("DELETE FROM " + table_ + " WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb))",
              {dump_json(list)})
        .affected();
  }

  size_t remove_where(const Filter& filter) override {
    if (filter.empty()) return 0;
    std::lock_guard lock(mutex_);
    if (!table_ready()) return 0;
    auto where = pg::filter_to_sql(filter, 1);
    return conn_.exec("DELETE FROM " + table_ + " WHERE " + where.sql, params(where.params)).affected();
  }

  std::optional<Record> get(std::string_view id) override {
    std::lock_guard lock(mutex_);
    if (!table_ready()) return std::nullopt;
    auto rows =
        conn_.exec("SELECT id, embedding::text, text, metadata::text FROM " + table_ + " WHERE id = $1",
                   {std::string(id)});
    if (rows.size() == 0) return std::nullopt;
    Record r;
    r.id = rows.at(0, 0);
    r.vector = parse_vector(rows.at(0, 1));
    r.text = rows.at(0, 2);
    r.metadata = parse_metadata(rows.at(0, 3));
    return r;
  }

  size_t count(const Filter& filter) override {
    std::lock_guard lock(mutex_);
    if (!table_ready()) return 0;
    auto where = pg::filter_to_sql(filter, 1);
    auto rows = conn_.exec("SELECT count(*) FROM " + table_ + " WHERE " + where.sql, params(where.params));
    return std::stoul(std::string(rows.at(0, 0)));
  }

  std::vector<Hit> search(std::span<const float> query, size_t k, const Filter& filter) override {
    check_vector(query, "the query");
    std::lock_guard lock(mutex_);
    if (k == 0 || !table_ready()) return {};
    check_dimensions("postgres store", query.size(), dimensions_, /*query=*/true);
    auto where = pg::filter_to_sql(filter, 3);
    std::vector<Param> p = {vector_text(query), std::to_string(k)};
    for (auto& v : where.params) p.emplace_back(std::move(v));
    conn_.exec("BEGIN");
    try {
      // The HNSW scan looks at ef_search candidates: at least k, or a large k would come back short.
      // Iterative scans keep a filtered search from returning fewer than k matches (pgvector >= 0.8).
      conn_.exec("SELECT set_config('hnsw.ef_search', $1, true)",
                 {std::to_string(std::clamp<size_t>(k, 40, 1000))});
      conn_.exec("SELECT set_config('hnsw.iterative_scan', 'strict_order', true)");
      auto rows = conn_.exec("SELECT id, text, metadata::text, embedding " +
                                 std::string(distance_operator(metric_)) + " $1::vector AS distance FROM " +
                                 table_ + " WHERE " + where.sql + " ORDER BY distance LIMIT $2::bigint",
                             p);
      conn_.exec("COMMIT");
      std::vector<Hit> hits;
      for (int i = 0; i < rows.size(); ++i) {
        hits.push_back({std::string(rows.at(i, 0)), score_of(metric_, std::stod(std::string(rows.at(i, 3)))),
                        std::string(rows.at(i, 1)), parse_metadata(rows.at(i, 2))});
      }
      return hits;
    } catch (...) {
      rollback();
      throw;
    }
  }

  // PostgreSQL full-text search: websearch_to_tsquery (quoted phrases, OR, -word), ranked by ts_rank.
  std::vector<Hit> keyword_search(std::string_view text, size_t k, const Filter& filter) override {
    std::lock_guard lock(mutex_);
    if (k == 0 || !table_ready()) return {};
    auto where = pg::filter_to_sql(filter, 3);
    std::vector<Param> p = {std::string(text), std::to_string(k)};
    for (auto& v : where.params) p.emplace_back(std::move(v));
    auto rows = conn_.exec("SELECT id, text, metadata::text, ts_rank(tsv, q) AS rank FROM " + table_ +
                               ", websearch_to_tsquery('" + kTextConfig + "', $1) AS q WHERE tsv @@ q AND " +
                               where.sql + " ORDER BY rank DESC, id LIMIT $2::bigint",
                           p);
    std::vector<Hit> hits;
    for (int i = 0; i < rows.size(); ++i) {
      hits.push_back({std::string(rows.at(i, 0)), std::stof(std::string(rows.at(i, 3))),
                      std::string(rows.at(i, 1)), parse_metadata(rows.at(i, 2))});
    }
    return hits;
  }

  Metric metric() const override { return metric_; }
  size_t dimensions() const override {
    std::lock_guard lock(mutex_);
    return dimensions_;
  }
  std::string ref() const override { return ref_; }

 private:
  static std::vector<Param> params(std::vector<std::string> values) {
    return {std::make_move_iterator(values.begin()), std::make_move_iterator(values.end())};
  }

  void rollback() noexcept {
    try {
      conn_.exec("ROLLBACK");
    } catch (...) {
      // the connection is gone; the server rolls back on its own
    }
  }

  // Whether the collection's table exists; another process may have created it since we opened.
  bool table_ready() {
    if (dimensions_ > 0) return true;
    auto row = conn_.exec("SELECT dimensions FROM alith_collections WHERE name = $1", {collection_});
    if (row.size() == 1) dimensions_ = std::stoul(std::string(row.at(0, 0)));
    return dimensions_ > 0;
  }

  // Inside the upsert's transaction: creates the table on first use and checks the dimension. Returns true
  // when it created the table, so that a rollback also forgets the dimension.
  bool ensure_table(size_t dims) {
    bool created = false;
    if (dimensions_ == 0) {
      auto row =
          conn_.exec("SELECT dimensions FROM alith_collections WHERE name = $1 FOR UPDATE", {collection_});
      if (row.size() == 0)
        throw IoError("postgres store: collection '" + collection_ + "' was removed from alith_collections");
      const size_t recorded = std::stoul(std::string(row.at(0, 0)));
      if (recorded == 0) {
        const std::string n = std::to_string(dims);
        conn_.exec("CREATE TABLE " + table_ +
                   " (id text PRIMARY KEY, text text NOT NULL DEFAULT '', metadata jsonb " +
                   "NOT NULL DEFAULT '{}', embedding vector(" + n +
                   ") NOT NULL, tsv tsvector GENERATED ALWAYS AS " + "(to_tsvector('" + kTextConfig +
                   "', text)) STORED)");
        conn_.exec("CREATE INDEX " + hnsw_index_ + " ON " + table_ + " USING hnsw (embedding " +
                   operator_class(metric_) + ")");
        conn_.exec("CREATE INDEX " + text_index_ + " ON " + table_ + " USING gin (tsv)");
        conn_.exec("UPDATE alith_collections SET dimensions = $2 WHERE name = $1", {collection_, n});
        created = true;
      }
      dimensions_ = recorded ? recorded : dims;
    }
    check_dimensions("postgres store", dims, dimensions_);
    return created;
  }

  pg::Connection conn_;
  const std::string ref_;
  const std::string collection_;
  std::string table_, hnsw_index_, text_index_;
  Metric metric_ = Metric::cosine;
  size_t dimensions_ = 0;
  mutable std::mutex mutex_;
};

}  // namespace

std::unique_ptr<VectorStore> open_postgres_store(const std::string& uri, const StoreOptions& options) {
  return std::make_unique<PostgresStore>(uri, options);
}

}  // namespace alith::store
