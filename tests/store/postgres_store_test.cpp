// The PostgreSQL + pgvector store against a real server that the test starts
// (tests/support/postgres_server.h).

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <thread>

#include "alith/core/error.h"
#include "alith/store/vector_store.h"
#include "store_conformance.h"
#include "support/postgres_server.h"

namespace alith::store {
namespace {

using alith::testing::PostgresServer;

// One server for the whole binary, started on first use and stopped at exit; null when not installed.
PostgresServer* shared_server() {
  static const std::unique_ptr<PostgresServer> server =
      PostgresServer::binaries().empty() ? nullptr : std::make_unique<PostgresServer>();
  return server.get();
}

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = shared_server();
    if (!server_) GTEST_SKIP() << "PostgreSQL with pgvector is not installed: run scripts/store-peers";
  }
  std::unique_ptr<VectorStore> open(const std::string& collection, Metric metric = Metric::cosine,
                                    std::string model = "") {
    StoreOptions options;
    options.collection = collection;
    options.metric = metric;
    options.embedding_model = std::move(model);
    return open_store(server_->uri(), options);
  }
  PostgresServer* server_ = nullptr;
};

std::set<std::string> ids_of(const std::vector<Hit>& hits) {
  std::set<std::string> out;
  for (const auto& h : hits) out.insert(h.id);
  return out;
}

TEST_F(PostgresStoreTest, UpsertGetReplaceRemove) {
  auto store = open("crud");
  EXPECT_EQ(store->dimensions(), 0u);
  EXPECT_EQ(store->count(), 0u);
  EXPECT_FALSE(store->get("a").has_value());
  std::vector<Record> records = {{"a", {1, 0, 0}, "alpha", {{"n", 1}, {"nested", {{"x", {1, 2}}}}}},
                                 {"b", {0, 1, 0}, "beta", {{"n", 2.5}}},
                                 {"c", {0, 0, 1}, "gamma", Json::object()}};
  store->upsert(records);
  EXPECT_EQ(store->dimensions(), 3u);
  EXPECT_EQ(store->count(), 3u);
  auto a = store->get("a");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->vector, (std::vector<float>{1, 0, 0}));
  EXPECT_EQ(a->text, "alpha");
  EXPECT_EQ(a->metadata, records[0].metadata);

  // Exact floats survive the text protocol.
  std::vector<Record> precise = {{"a", {0.1f, 1e-7f, -3.4028235e38f}, "alpha 2", {{"n", 7}}}};
  store->upsert(precise);
  EXPECT_EQ(store->count(), 3u);
  a = store->get("a");
  EXPECT_EQ(a->vector, precise[0].vector);
  EXPECT_EQ(a->text, "alpha 2");
  EXPECT_EQ(a->metadata, Json({{"n", 7}}));

  std::vector<std::string> gone = {"a", "missing", "b"};
  EXPECT_EQ(store->remove(gone), 2u);
  EXPECT_EQ(store->count(), 1u);
  EXPECT_FALSE(store->get("a").has_value());
}

TEST_F(PostgresStoreTest, LastRecordOfAnIdWinsWithinOneCall) {
  auto store = open("dupes");
  std::vector<Record> records = {{"x", {1, 0}, "first", {}}, {"x", {0, 1}, "second", {}}};
  store->upsert(records);
  EXPECT_EQ(store->count(), 1u);
  EXPECT_EQ(store->get("x")->text, "second");
}

TEST_F(PostgresStoreTest, ScoresFollowTheConventionForEachMetric) {
  std::vector<Record> records = {
      {"near", {1, 0}, "", {}}, {"far", {-1, 0}, "", {}}, {"long", {3, 4}, "", {}}};
  const std::vector<float> q = {1, 0};

  auto cosine = open("score_cos", Metric::cosine);
  cosine->upsert(records);
  auto hits = cosine->search(q, 3);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].id, "near");
  EXPECT_NEAR(hits[0].score, 1.0, 1e-6);
  EXPECT_EQ(hits[1].id, "long");
  EXPECT_NEAR(hits[1].score, 0.6, 1e-6);
  EXPECT_NEAR(hits[2].score, -1.0, 1e-6);

  auto dot = open("score_dot", Metric::dot);
  dot->upsert(records);
  hits = dot->search(q, 3);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].id, "long");
  EXPECT_NEAR(hits[0].score, 3.0, 1e-6);
  EXPECT_NEAR(hits[1].score, 1.0, 1e-6);
  EXPECT_NEAR(hits[2].score, -1.0, 1e-6);

  auto l2 = open("score_l2", Metric::l2);
  l2->upsert(records);
  hits = l2->search(q, 3);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].id, "near");
  EXPECT_NEAR(hits[0].score, 0.0, 1e-6);
  EXPECT_NEAR(hits[1].score, -2.0, 1e-6);
  EXPECT_NEAR(hits[2].score, -std::sqrt(20.0), 1e-5);
}

// Every filter gives what Filter::matches gives in memory, for counts, searches and deletions.
TEST_F(PostgresStoreTest, FiltersAgreeWithTheInMemoryEvaluation) {
  auto store = open("filters");
  std::vector<Record> records = {
      {"r1", {1, 0}, "", {{"page", 2}, {"lang", "en"}, {"draft", true}}},
      {"r2", {0.9f, 0.1f}, "", {{"page", 2.0}, {"lang", "fr"}}},
      {"r3", {0.8f, 0.2f}, "", {{"page", "2"}, {"lang", "de"}, {"draft", false}}},
      {"r4", {0.7f, 0.3f}, "", {{"page", 5}, {"tags", {"a", "b"}}}},
      {"r5", {0.6f, 0.4f}, "", {{"page", 10.5}, {"lang", "en"}, {"it's", "quote\"d"}}},
      {"r6", {0.5f, 0.5f}, "", Json::object()},
      {"r7", {0.4f, 0.6f}, "", {{"page", nullptr}, {"lang", "EN"}}},
  };
  store->upsert(records);
  const std::vector<Json> specs = {
      Json::object(),
      {{"page", 2}},
      {{"page", 2.0}},
      {{"page", "2"}},
      {{"page", {{"$ne", 2}}}},
      {{"lang", {{"$ne", "en"}}}},
      {{"lang", {{"$in", {"en", "de"}}}}},
      {{"page", {{"$in", {2, "2", true}}}}},
      {{"page", {{"$nin", {2, 5}}}}},
      {{"lang", {{"$nin", Json::array()}}}},
      {{"lang", {{"$in", Json::array()}}}},
      {{"page", {{"$gte", 2}, {"$lt", 10}}}},
      {{"page", {{"$gt", 2.5}}}},
      {{"lang", {{"$gt", "E"}}}},
      {{"lang", {{"$lte", "en"}}}},
      {{"draft", true}},
      {{"draft", {{"$ne", true}}}},
      {{"lang", "en"}, {"page", {{"$lt", 3}}}},
      {{"it's", "quote\"d"}},
      {{"tags", "a"}},
  };
  for (const auto& spec : specs) {
    SCOPED_TRACE(spec.dump());
    const Filter filter = Filter::from_json(spec);
    std::set<std::string> expected;
    for (const auto& r : records)
      if (filter.matches(r.metadata)) expected.insert(r.id);
    EXPECT_EQ(store->count(filter), expected.size());
    EXPECT_EQ(ids_of(store->search(std::vector<float>{1, 0}, 10, filter)), expected);
  }
  const Filter english = Filter::from_json({{"lang", "en"}});
  EXPECT_EQ(store->remove_where(english), 2u);
  EXPECT_EQ(store->remove_where(Filter()), 0u);
  EXPECT_EQ(store->count(), records.size() - 2);
}

TEST_F(PostgresStoreTest, DimensionMismatchesAreInvalidArguments) {
  auto store = open("dims");
  std::vector<Record> mixed = {{"a", {1, 0}, "", {}}, {"b", {1, 0, 0}, "", {}}};
  EXPECT_THROW(store->upsert(mixed), InvalidArgumentError);
  EXPECT_EQ(store->dimensions(), 0u);
  std::vector<Record> two = {{"a", {1, 0}, "", {}}};
  store->upsert(two);
  std::vector<Record> three = {{"c", {1, 0, 0}, "", {}}};
  EXPECT_THROW(store->upsert(three), InvalidArgumentError);
  EXPECT_THROW(store->search(std::vector<float>{1, 0, 0}, 1), InvalidArgumentError);
  std::vector<Record> nan = {{"n", {std::nanf(""), 0}, "", {}}};
  EXPECT_THROW(store->upsert(nan), InvalidArgumentError);
  EXPECT_EQ(store->count(), 1u);
}

// A server-side failure in the middle of a call leaves none of its records behind.
TEST_F(PostgresStoreTest, UpsertIsAllOrNothing) {
  auto store = open("atomic");
  std::vector<Record> first = {{"keep", {1, 0}, "old", {}}};
  store->upsert(first);
  std::vector<Record> batch;
  for (int i = 0; i < 600; ++i) batch.push_back({"r" + std::to_string(i), {1, float(i)}, "new", {}});
  batch.push_back({"keep", {0, 1}, "replaced", {}});
  batch.back().metadata = {{"bad", std::string("nul\0byte", 8)}};  // jsonb rejects \u0000
  EXPECT_THROW(store->upsert(batch), Error);
  EXPECT_EQ(store->count(), 1u);
  EXPECT_EQ(store->get("keep")->text, "old");
}

TEST_F(PostgresStoreTest, ReopenKeepsTheCollectionsSettings) {
  {
    auto store = open("reopen", Metric::l2, "minilm");
    std::vector<Record> records = {{"a", {1, 2, 3}, "x", {}}};
    store->upsert(records);
  }
  auto again = open("reopen", Metric::cosine);
  EXPECT_EQ(again->metric(), Metric::l2);
  EXPECT_EQ(again->dimensions(), 3u);
  EXPECT_EQ(again->count(), 1u);
  EXPECT_NO_THROW(open("reopen", Metric::cosine, "minilm"));
  EXPECT_THROW(open("reopen", Metric::cosine, "other-model"), InvalidArgumentError);
}

TEST_F(PostgresStoreTest, KeywordSearchRanksAndFilters) {
  auto store = open("keywords");
  std::vector<Record> records = {
      {"cats", {1, 0}, "Cats are small cats. Cats purr.", {{"kind", "pet"}}},
      {"cat", {1, 0}, "A cat sat on the mat.", {{"kind", "story"}}},
      {"dogs", {1, 0}, "Dogs bark loudly.", {{"kind", "pet"}}},
  };
  store->upsert(records);
  auto hits = store->keyword_search("cat", 10);
  ASSERT_EQ(hits.size(), 2u);  // "cats" stems to "cat"
  EXPECT_EQ(hits[0].id, "cats");
  EXPECT_GT(hits[0].score, hits[1].score);
  EXPECT_EQ(hits[0].text, records[0].text);
  hits = store->keyword_search("cat", 10, Filter::from_json({{"kind", "story"}}));
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].id, "cat");
  EXPECT_TRUE(store->keyword_search("elephant", 10).empty());
  EXPECT_EQ(store->keyword_search("dogs -bark", 10).size(), 0u);
  EXPECT_EQ(store->keyword_search("\"sat on\" or bark", 10).size(), 2u);
}

TEST_F(PostgresStoreTest, LargeKReturnsEveryMatch) {
  auto store = open("largek");
  std::vector<Record> records;
  for (int i = 0; i < 300; ++i)
    records.push_back(
        {"p" + std::to_string(i), {std::cos(i * 0.01f), std::sin(i * 0.01f), 1}, "", {{"i", i}}});
  store->upsert(records);
  EXPECT_EQ(store->search(std::vector<float>{1, 0, 1}, 250).size(), 250u);
  // A selective filter still yields k matches (iterative index scans).
  auto hits = store->search(std::vector<float>{1, 0, 1}, 50, Filter::from_json({{"i", {{"$gte", 200}}}}));
  EXPECT_EQ(hits.size(), 50u);
  for (size_t i = 1; i < hits.size(); ++i) EXPECT_GE(hits[i - 1].score, hits[i].score);
}

TEST_F(PostgresStoreTest, NamesAndKeysAreNeverSpliced) {
  auto store = open("we\"ird'; DROP TABLE alith_collections; --");
  std::vector<Record> records = {{"id'); DROP TABLE x; --", {1, 0}, "text ' \" \\", {{"k'ey", "v\"al"}}}};
  store->upsert(records);
  EXPECT_EQ(store->count(Filter::from_json({{"k'ey", "v\"al"}})), 1u);
  EXPECT_EQ(store->get(records[0].id)->text, records[0].text);
  EXPECT_EQ(open("crud_check_catalogue")->count(), 0u);
}

TEST_F(PostgresStoreTest, ConcurrentCallsOnOneStore) {
  auto store = open("concurrent");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        std::vector<Record> one = {
            {std::to_string(t) + "-" + std::to_string(i), {float(t), float(i), 1}, "", {}}};
        store->upsert(one);
        store->search(std::vector<float>{1, 1, 1}, 3);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(store->count(), 100u);
}

TEST_F(PostgresStoreTest, ConnectionFailuresAreIoErrorsWithoutThePassword) {
  try {
    open_store("postgresql://user:s3cret@127.0.0.1:1/db?connect_timeout=2");
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_EQ(std::string(e.what()).find("s3cret"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("127.0.0.1"), std::string::npos) << e.what();
  }
}

TEST_F(PostgresStoreTest, RefHidesThePassword) {
  EXPECT_EQ(open("crud")->ref(), server_->uri());
  // The test cluster trusts every local connection, so a password is accepted and ignored.
  const std::string with_password =
      "postgresql://postgres:s3cret@127.0.0.1:" + std::to_string(server_->port()) + "/postgres";
  auto store = open_store(with_password, {});
  EXPECT_EQ(store->ref(),
            "postgresql://postgres:***@127.0.0.1:" + std::to_string(server_->port()) + "/postgres");
}

// The shared conformance suite, against the same server (each test opens its own collection).
using alith::store::testing::StoreConformance;
using alith::store::testing::StoreFactory;

std::vector<StoreFactory> conformance_factories() {
  // Not installed: the tests above say so when they skip. The server itself starts on first use, in a test.
  if (PostgresServer::binaries().empty()) return {};
  return {StoreFactory{"postgres",
                       [](const StoreOptions& options) {
                         auto* server = shared_server();
                         return open_store(server->uri(), options);
                       },
                       /*keyword_search=*/true, /*persistent=*/true}};
}
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(StoreConformance);
INSTANTIATE_TEST_SUITE_P(Postgres, StoreConformance, ::testing::ValuesIn(conformance_factories()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace alith::store
