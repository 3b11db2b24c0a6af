#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "alith/core/error.h"
#include "alith/store/sqlite_store.h"
#include "store_conformance.h"
#include "support/temp_dir.h"
#include "test_vectors.h"

namespace alith::store::testing {
namespace {

using alith::testing::TempDir;

const TempDir& suite_dir() {
  static const TempDir dir;
  return dir;
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformance,
                         ::testing::Values(StoreFactory{
                             "sqlite",
                             [](const StoreOptions& options) {
                               return open_store("sqlite:" + suite_dir().file("conformance.db"), options);
                             },
                             true, true}),
                         [](const auto& info) { return info.param.name; });

// The same suite through the ANN path: every collection with at least one record is searched via HNSW.
INSTANTIATE_TEST_SUITE_P(SqliteAnn, StoreConformance,
                         ::testing::Values(StoreFactory{
                             "sqlite_ann",
                             [](const StoreOptions& options) -> std::unique_ptr<VectorStore> {
                               SqliteOptions sqlite;
                               sqlite.exact_below = 1;
                               return open_sqlite_store(suite_dir().file("conformance-ann.db"), options,
                                                        sqlite);
                             },
                             true, true}),
                         [](const auto& info) { return info.param.name; });

Record rec(std::string id, std::vector<float> v, std::string text = {}, Json metadata = Json::object()) {
  return Record{std::move(id), std::move(v), std::move(text), std::move(metadata)};
}

std::vector<Record> records_of(const std::vector<std::vector<float>>& vectors,
                               const std::string& prefix = "v") {
  std::vector<Record> out;
  for (size_t i = 0; i < vectors.size(); ++i)
    out.push_back(rec(prefix + std::to_string(i), vectors[i], "text " + std::to_string(i),
                      {{"i", i}, {"group", i % 2 ? "odd" : "even"}, {"rare", i % 600 == 0}}));
  return out;
}

std::set<std::string> id_set(const std::vector<Hit>& hits) {
  std::set<std::string> out;
  for (const auto& h : hits) out.insert(h.id);
  return out;
}

double overlap(const std::vector<Hit>& got, const std::vector<Hit>& want) {
  const auto a = id_set(got), b = id_set(want);
  size_t common = 0;
  for (const auto& id : a) common += b.count(id);
  return want.empty() ? 1.0 : static_cast<double>(common) / static_cast<double>(want.size());
}

SqliteOptions ann_options() {
  SqliteOptions o;
  o.exact_below = 500;
  o.build_threads = 1;  // deterministic graphs
  return o;
}

SqliteOptions exact_options() {
  SqliteOptions o;
  o.ann = false;
  return o;
}

StoreOptions collection(std::string name) {
  StoreOptions o;
  o.collection = std::move(name);
  return o;
}

TEST(SqliteStore, OpenStoreDispatchAndRef) {
  TempDir dir;
  const std::string path = dir.file("kb.db");
  auto store = open_store("sqlite:" + path);
  EXPECT_EQ(store->ref(), "sqlite:" + path);
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_THROW(open_store("sqlite:"), InvalidArgumentError);
}

TEST(SqliteStore, NotADatabaseIsIoError) {
  TempDir dir;
  const std::string path = dir.file("notes.txt");
  std::ofstream(path)
      << "these are not the pages of a database, just some text that is long enough to matter\n";
  EXPECT_THROW(open_store("sqlite:" + path), IoError);
  EXPECT_THROW(open_store("sqlite:" + dir.file("missing-dir/kb.db")), IoError);
}

TEST(SqliteStore, UsesWalJournal) {
  TempDir dir;
  const std::string path = dir.file("kb.db");
  { auto store = open_store("sqlite:" + path); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "wal");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST(SqliteStore, InMemoryDatabase) {
  auto store = open_store("sqlite::memory:");
  std::vector<Record> records = {rec("a", {1, 0}), rec("b", {0, 1})};
  store->upsert(records);
  const std::vector<float> q = {0, 1};
  EXPECT_EQ(store->search(q, 1).at(0).id, "b");
}

TEST(SqliteStore, RejectsBadRecords) {
  auto store = open_store("sqlite::memory:");
  std::vector<Record> nan = {rec("a", {1, std::nanf("")})};
  EXPECT_THROW(store->upsert(nan), InvalidArgumentError);
  std::vector<Record> inf = {rec("a", {1, INFINITY})};
  EXPECT_THROW(store->upsert(inf), InvalidArgumentError);
  std::vector<Record> no_id = {rec("", {1, 0})};
  EXPECT_THROW(store->upsert(no_id), InvalidArgumentError);
  std::vector<Record> no_vector = {rec("a", {})};
  EXPECT_THROW(store->upsert(no_vector), InvalidArgumentError);
  std::vector<Record> array_metadata = {rec("a", {1, 0}, "", Json::array({1}))};
  EXPECT_THROW(store->upsert(array_metadata), InvalidArgumentError);
  EXPECT_EQ(store->count(), 0u);
  std::vector<Record> ok = {rec("a", {1, 0})};
  store->upsert(ok);
  const std::vector<float> nan_query = {std::nanf(""), 0};
  EXPECT_THROW(store->search(nan_query, 1), InvalidArgumentError);
}

TEST(SqliteStore, KeywordSearchSurvivesInvalidUtf8) {
  auto store = open_store("sqlite::memory:");
  std::vector<Record> records = {rec("a", {1, 0}, "fox \xff\xfe den"), rec("b", {0, 1}, "plain fox")};
  store->upsert(records);
  EXPECT_EQ(store->get("a")->text, "fox \xff\xfe den");
  EXPECT_NO_THROW(store->keyword_search("\xff\xfe", 5));
  EXPECT_NO_THROW(store->keyword_search("\xc3", 5));
  EXPECT_EQ(store
                ->keyword_search("\x80"
                                 "fox\x80 den",
                                 5)
                .size(),
            2u);
}

// The SQL translation of filters must agree with Filter::matches on every record, for every operator, with
// values of every type and field names that need quoting.
TEST(SqliteStore, SqlFiltersAgreeWithMatches) {
  auto store = open_store("sqlite::memory:");
  std::mt19937 rng(7);
  const std::vector<std::string> fields = {"n",           "s", "mix",  "a\"b",  "x.y",
                                           "back\\slash", "ü", "$odd", "sp ace"};
  const std::vector<Json> values = {0, 1, 2, 2.5, -3, "a", "b", "B", "ä", "2", "", true, false};
  auto any_value = [&] { return values[rng() % values.size()]; };
  std::vector<Record> records;
  for (int i = 0; i < 150; ++i) {
    Json m = Json::object();
    for (const auto& f : fields)
      if (rng() % 3) m[f] = any_value();
    if (rng() % 10 == 0) m["nested"] = {{"n", 1}};
    records.push_back(rec("r" + std::to_string(i), {1, static_cast<float>(i)}, "t", m));
  }
  store->upsert(records);
  const Condition::Op ops[] = {Condition::Op::eq, Condition::Op::ne,  Condition::Op::lt, Condition::Op::lte,
                               Condition::Op::gt, Condition::Op::gte, Condition::Op::in, Condition::Op::nin};
  for (int trial = 0; trial < 400; ++trial) {
    Filter filter;
    const int conditions = 1 + static_cast<int>(rng() % 3);
    for (int c = 0; c < conditions; ++c) {
      const auto op = ops[rng() % 8];
      Json value;
      if (op == Condition::Op::in || op == Condition::Op::nin) {
        value = Json::array();
        for (size_t j = rng() % 4; j > 0; --j) value.push_back(any_value());
      } else {
        do value = any_value();
        while (value.is_boolean() && op != Condition::Op::eq && op != Condition::Op::ne);
      }
      filter.where(fields[rng() % fields.size()], op, value);
    }
    size_t expected = 0;
    std::set<std::string> matching;
    for (const auto& r : records)
      if (filter.matches(r.metadata)) {
        ++expected;
        matching.insert(r.id);
      }
    ASSERT_EQ(store->count(filter), expected) << filter.to_json().dump();
    const std::vector<float> q = {1, 0};
    ASSERT_EQ(id_set(store->search(q, 1000, filter)), matching) << filter.to_json().dump();
  }
}

TEST(SqliteStore, AnnSearchAgreesWithExactSearch) {
  TempDir dir;
  const std::string path = dir.file("kb.db");
  const auto vectors = clustered_vectors(3000, 16, 20, 1);
  auto ann = open_sqlite_store(path, collection("docs"), ann_options());
  ann->upsert(records_of(vectors));
  auto exact = open_sqlite_store(path, collection("docs"), exact_options());
  const auto queries = clustered_vectors(30, 16, 20, 1);  // same seed: queries near the data
  double recall = 0;
  for (const auto& q : queries) {
    const auto got = ann->search(q, 10);
    const auto want = exact->search(q, 10);
    ASSERT_EQ(got.size(), 10u);
    recall += overlap(got, want);
    for (size_t i = 1; i < got.size(); ++i) EXPECT_GE(got[i - 1].score, got[i].score);
  }
  EXPECT_GE(recall / static_cast<double>(queries.size()), 0.95);
  // A stored vector finds itself first, with its exact score.
  const auto self = ann->search(vectors[1234], 1);
  ASSERT_EQ(self.size(), 1u);
  EXPECT_EQ(self[0].id, "v1234");
  EXPECT_NEAR(self[0].score, 1.0, 1e-5);
  const auto stats = ann->index_stats();
  EXPECT_TRUE(stats.in_memory);
  EXPECT_FALSE(stats.loaded_from_file);
  EXPECT_EQ(stats.rebuilds, 1u);
  EXPECT_EQ(stats.indexed, 3000u);
  EXPECT_FALSE(exact->index_stats().in_memory);
}

TEST(SqliteStore, IndexIsSavedAndLoadedOnReopen) {
  TempDir dir;
  const std::string path = dir.file("kb.db");
  const auto vectors = clustered_vectors(1000, 8, 10, 2);
  {
    auto store = open_sqlite_store(path, collection("docs"), ann_options());
    store->upsert(records_of(vectors));
    EXPECT_EQ(store->search(vectors[5], 1).at(0).id, "v5");
    // Changes after the build are saved on close.
    std::vector<Record> more = {rec("late", std::vector<float>(8, 0.5f))};
    store->upsert(more);
    const std::vector<std::string> gone = {"v3"};
    store->remove(gone);  // a deleted node travels through the file too
  }
  EXPECT_TRUE(std::filesystem::exists(path + ".docs.hnsw"));
  EXPECT_TRUE(std::filesystem::exists(path + ".docs.hnsw.meta"));
  auto store = open_sqlite_store(path, collection("docs"), ann_options());
  EXPECT_EQ(store->search(std::vector<float>(8, 0.5f), 1).at(0).id, "late");
  auto stats = store->index_stats();
  EXPECT_TRUE(stats.loaded_from_file);
  EXPECT_EQ(stats.rebuilds, 0u);
  EXPECT_EQ(stats.indexed, 1000u);
  EXPECT_EQ(stats.deleted, 1u);
  for (const auto& h : store->search(vectors[3], 5)) EXPECT_NE(h.id, "v3");
}

TEST(SqliteStore, IndexFollowsOwnWritesAndRebuildsAfterOthers) {
  TempDir dir;
  const std::string path = dir.file("kb.db");
  const auto vectors = clustered_vectors(1000, 8, 10, 3);
  auto a = open_sqlite_store(path, collection("docs"), ann_options());
  a->upsert(records_of(vectors));
  EXPECT_EQ(a->search(vectors[0], 1).at(0).id, "v0");
  EXPECT_EQ(a->index_stats().rebuilds, 1u);

  // Own writes update the index in place.
  std::vector<float> fresh(8, 0.0f);
  fresh[3] = 1;
  std::vector<Record> replacement = {rec("v0", fresh, "moved")};
  a->upsert(replacement);
  auto top = a->search(fresh, 1);
  EXPECT_EQ(top.at(0).id, "v0");
  EXPECT_NEAR(top.at(0).score, 1.0, 1e-5);
  const std::vector<std::string> gone = {"v1", "v2"};
  EXPECT_EQ(a->remove(gone), 2u);
  for (const auto& h : a->search(vectors[1], 10)) {
    EXPECT_NE(h.id, "v1");
    EXPECT_NE(h.id, "v2");
  }
  EXPECT_EQ(a->index_stats().rebuilds, 1u);
  EXPECT_EQ(a->index_stats().indexed, 998u);
  EXPECT_EQ(a->index_stats().deleted, 2u);

  // Another connection's write changes the generation: the index is rebuilt before the next search.
  auto b = open_sqlite_store(path, collection("docs"), exact_options());
  std::vector<float> other(8, 0.0f);
  other[6] = 1;
  std::vector<Record> from_b = {rec("from-b", other)};
  b->upsert(from_b);
  EXPECT_EQ(a->count(), 999u);
  EXPECT_EQ(a->search(other, 1).at(0).id, "from-b");
  EXPECT_EQ(a->index_stats().rebuilds, 2u);
}

TEST(SqliteStore, StaleOrDamagedIndexFilesAreRebuilt) {
  TempDir dir;
  const std::string path = dir.file("kb.db");
  const std::string index = path + ".docs.hnsw";
  const auto vectors = clustered_vectors(800, 8, 10, 4);
  {
    auto store = open_sqlite_store(path, collection("docs"), ann_options());
    store->upsert(records_of(vectors));
    store->search(vectors[0], 1);
  }
  auto reopen_and_check = [&](bool expect_loaded) {
    auto store = open_sqlite_store(path, collection("docs"), ann_options());
    const auto hits = store->search(vectors[7], 1);
    EXPECT_EQ(hits.at(0).id, "v7");
    EXPECT_EQ(store->index_stats().loaded_from_file, expect_loaded);
    EXPECT_EQ(store->index_stats().rebuilds, expect_loaded ? 0u : 1u);
  };
  reopen_and_check(true);

  // A write by a store that never touches the index leaves the file one generation behind.
  {
    auto writer = open_sqlite_store(path, collection("docs"), exact_options());
    std::vector<Record> one = {rec("extra", std::vector<float>(8, 1.0f))};
    writer->upsert(one);
  }
  reopen_and_check(false);  // stale: rebuilt (and saved again)
  reopen_and_check(true);

  // A flipped byte in the middle of the graph.
  {
    std::fstream f(index, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(std::filesystem::file_size(index) / 2));
    f.put('\x5a');
    f.seekp(static_cast<std::streamoff>(std::filesystem::file_size(index) / 2 + 1));
    f.put('\xa5');
  }
  reopen_and_check(false);
  // A truncated graph.
  std::filesystem::resize_file(index, std::filesystem::file_size(index) / 3);
  reopen_and_check(false);
  // A missing header.
  std::filesystem::remove(index + ".meta");
  reopen_and_check(false);
  // Garbage in the header.
  std::ofstream(index + ".meta", std::ios::binary | std::ios::trunc)
      << "ALITHANN but not really a header at all";
  reopen_and_check(false);
  reopen_and_check(true);

  // A new database in place of a deleted one, with the same history (so the same generation and count): the
  // index files left behind belong to another collection and must not be used.
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  {
    auto store = open_sqlite_store(path, collection("docs"), ann_options());
    store->upsert(records_of(vectors));
    std::vector<Record> one = {rec("extra", std::vector<float>(8, 1.0f))};
    store->upsert(one);
  }
  EXPECT_TRUE(std::filesystem::exists(index));
  reopen_and_check(false);
}

TEST(SqliteStore, FilteredAnnSearch) {
  TempDir dir;
  const std::string path = dir.file("kb.db");
  const auto vectors = clustered_vectors(3000, 16, 20, 5);
  auto ann = open_sqlite_store(path, collection("docs"), ann_options());
  ann->upsert(records_of(vectors));
  auto exact = open_sqlite_store(path, collection("docs"), exact_options());
  const auto queries = clustered_vectors(10, 16, 20, 5);
  const auto selective = Filter::from_json({{"rare", true}});  // 5 of 3000
  const auto half = Filter::from_json({{"group", "odd"}});
  double recall = 0;
  for (const auto& q : queries) {
    const auto rare = ann->search(q, 10, selective);
    EXPECT_EQ(id_set(rare), id_set(exact->search(q, 10, selective)));
    EXPECT_EQ(rare.size(), 5u);
    const auto odd = ann->search(q, 10, half);
    ASSERT_EQ(odd.size(), 10u);
    for (const auto& h : odd) EXPECT_EQ(h.metadata["group"], "odd");
    recall += overlap(odd, exact->search(q, 10, half));
  }
  EXPECT_GE(recall / static_cast<double>(queries.size()), 0.9);
}

TEST(SqliteStore, ManyDeletionsCompactTheIndex) {
  TempDir dir;
  const auto vectors = clustered_vectors(3000, 8, 10, 6);
  auto store = open_sqlite_store(dir.file("kb.db"), collection("docs"), ann_options());
  store->upsert(records_of(vectors));
  store->search(vectors[0], 1);
  std::vector<std::string> ids;
  for (size_t i = 0; i < 2000; ++i) ids.push_back("v" + std::to_string(i));
  EXPECT_EQ(store->remove(ids), 2000u);
  EXPECT_FALSE(store->index_stats().in_memory);  // too many deleted nodes: dropped, rebuilt on demand
  const auto hits = store->search(vectors[2500], 3);
  EXPECT_EQ(hits.at(0).id, "v2500");
  const auto stats = store->index_stats();
  EXPECT_EQ(stats.rebuilds, 2u);
  EXPECT_EQ(stats.indexed, 1000u);
  EXPECT_EQ(stats.deleted, 0u);
}

TEST(SqliteStore, CollectionsInOneFileAreIsolated) {
  TempDir dir;
  const std::string path = dir.file("kb.db");
  SqliteOptions o = ann_options();
  o.exact_below = 1;
  auto a = open_sqlite_store(path, collection("alpha"), o);
  auto b = open_sqlite_store(path, collection("beta/γ δ"), o);  // needs encoding in the index file name
  std::vector<Record> ra = {rec("same-id", {1, 0, 0}, "apples and pears"), rec("a2", {0, 1, 0}, "apples")};
  std::vector<Record> rb = {rec("same-id", {0, 0, 1}, "bananas", {{"src", "b"}})};
  a->upsert(ra);
  b->upsert(rb);
  EXPECT_EQ(a->count(), 2u);
  EXPECT_EQ(b->count(), 1u);
  EXPECT_EQ(b->get("same-id")->text, "bananas");
  EXPECT_EQ(a->get("same-id")->text, "apples and pears");
  const std::vector<float> q = {0, 0, 1};
  EXPECT_EQ(a->search(q, 5).size(), 2u);
  EXPECT_EQ(b->search(q, 5).size(), 1u);
  EXPECT_TRUE(b->keyword_search("apples", 5).empty());
  EXPECT_EQ(a->keyword_search("apples", 5).size(), 2u);
  b->flush();
  EXPECT_TRUE(std::filesystem::exists(path + ".beta%2F%CE%B3%20%CE%B4.hnsw"));
  const std::vector<std::string> ids = {"same-id"};
  EXPECT_EQ(b->remove(ids), 1u);
  EXPECT_TRUE(a->get("same-id").has_value());
}

TEST(SqliteStore, ConcurrentWritersAndReaders) {
  TempDir dir;
  SqliteOptions o = ann_options();
  o.exact_below = 200;
  auto store = open_sqlite_store(dir.file("kb.db"), collection("docs"), o);
  const auto vectors = clustered_vectors(1200, 8, 10, 8);
  std::vector<std::thread> threads;
  for (int w = 0; w < 2; ++w)
    threads.emplace_back([&, w] {
      for (size_t start = static_cast<size_t>(w) * 600; start < static_cast<size_t>(w + 1) * 600;
           start += 50) {
        std::vector<Record> batch;
        for (size_t i = start; i < start + 50; ++i) batch.push_back(rec("v" + std::to_string(i), vectors[i]));
        store->upsert(batch);
      }
    });
  for (int r = 0; r < 2; ++r)
    threads.emplace_back([&] {
      for (int i = 0; i < 40; ++i) {
        const auto hits = store->search(vectors[static_cast<size_t>(i)], 5);
        EXPECT_LE(hits.size(), 5u);
        store->count(Filter::from_json({{"x", 1}}));
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(store->count(), 1200u);
  EXPECT_EQ(store->search(vectors[1100], 1).at(0).id, "v1100");
}

}  // namespace
}  // namespace alith::store::testing
