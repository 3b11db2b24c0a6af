// The PostgreSQL + pgvector store against a real server that the test starts
// (tests/support/postgres_server.h).

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <thread>

#include "alith/core/error.h"
#include "alith/store/vector_store.h"
#include "server_store_checks.h"
#include "store_conformance.h"
#include "support/postgres_server.h"

namespace alith::store {
namespace {

using alith::testing::PostgresServer;

using namespace alith::store::testing;

struct PostgresPeer {
  using Server = PostgresServer;
  static bool installed() { return !PostgresServer::binaries().empty(); }
  static std::string ref(const Server& server) { return server.uri(); }
  static constexpr const char* missing = "PostgreSQL with pgvector is not installed: run scripts/store-peers";
};
using PostgresStoreTest = ServerStoreTest<PostgresPeer>;

TEST_F(PostgresStoreTest, UpsertGetReplaceRemove) {
  auto store = open("crud");
  // Exact floats survive the text protocol.
  expect_upsert_get_replace_remove(*store, {0.1f, 1e-7f, -3.4028235e38f});
}

TEST_F(PostgresStoreTest, LastRecordOfAnIdWinsWithinOneCall) {
  auto store = open("dupes");
  std::vector<Record> records = {{"x", {1, 0}, "first", {}}, {"x", {0, 1}, "second", {}}};
  store->upsert(records);
  EXPECT_EQ(store->count(), 1u);
  EXPECT_EQ(store->get("x")->text, "second");
}

TEST_F(PostgresStoreTest, ScoresFollowTheConventionForEachMetric) {
  expect_scores_follow_each_metric(opener(), 1e-6);
}

// Every filter gives what Filter::matches gives in memory, for counts, searches and deletions.
TEST_F(PostgresStoreTest, FiltersAgreeWithTheInMemoryEvaluation) {
  auto store = open("filters");
  const std::vector<Record> records = {
      {"r4", {0.7f, 0.3f}, "", {{"page", 5}, {"tags", {"a", "b"}}}},
      {"r6", {0.5f, 0.5f}, "", Json::object()},
      {"r7", {0.4f, 0.6f}, "", {{"page", nullptr}, {"lang", "EN"}}},
  };
  const std::vector<Json> specs = {
      {{"page", {{"$in", {2, "2", true}}}}},
      {{"page", {{"$nin", {2, 5}}}}},
      {{"lang", {{"$gt", "E"}}}},
      {{"lang", {{"$lte", "en"}}}},
      {{"draft", true}},
      {{"draft", {{"$ne", true}}}},
      {{"tags", "a"}},
  };
  expect_filters_agree_with_memory(*store, records, specs);
  EXPECT_EQ(store->remove_where(Filter()), 0u);
}

TEST_F(PostgresStoreTest, DimensionMismatchesAreInvalidArguments) {
  auto store = open("dims");
  expect_dimension_mismatches_rejected(*store);
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
  expect_reopen_keeps_the_settings(opener());
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
  // A selective filter still yields k matches (iterative index scans).
  expect_large_k_returns_every_match(*store);
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
  expect_concurrent_calls_on_one_store(*store, 25);
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

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(StoreConformance);
INSTANTIATE_TEST_SUITE_P(Postgres, StoreConformance,
                         ::testing::ValuesIn(PostgresStoreTest::conformance("postgres",
                                                                            /*keyword_search=*/true)),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace alith::store
