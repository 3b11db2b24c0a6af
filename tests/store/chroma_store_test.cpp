// The Chroma store against a real Chroma server that the test starts (tests/support/chroma_server.h).

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <set>
#include <thread>

#include "alith/core/error.h"
#include "alith/store/vector_store.h"
#include "server_store_checks.h"
#include "store_conformance.h"
#include "support/chroma_server.h"

namespace alith::store {
namespace {

using alith::testing::ChromaServer;

using namespace alith::store::testing;

struct ChromaPeer {
  using Server = ChromaServer;
  static bool installed() { return !ChromaServer::binary().empty(); }
  static std::string ref(const Server& server) { return "chroma:" + server.url(); }
  static constexpr const char* missing = "Chroma is not installed: run scripts/store-peers";
};
using ChromaStoreTest = ServerStoreTest<ChromaPeer>;

TEST_F(ChromaStoreTest, UpsertGetReplaceRemove) {
  auto store = open("crud");
  expect_upsert_get_replace_remove(*store, {0.1f, 1e-7f, -2.5f});
}

// Chroma reports distances (cosine: 1 - cos, ip: 1 - dot, l2: squared); the store turns them into scores.
TEST_F(ChromaStoreTest, ScoresFollowTheConventionForEachMetric) {
  expect_scores_follow_each_metric(opener(), 1e-5);
}

// Every filter Chroma can express gives what Filter::matches gives in memory.
TEST_F(ChromaStoreTest, FiltersAgreeWithTheInMemoryEvaluation) {
  auto store = open("filters");
  const std::vector<Record> records = {
      {"r4", {0.7f, 0.3f}, "", {{"page", 5}, {"tags", {"a", "b"}}}},
      {"r6", {0.5f, 0.5f}, "", Json::object()},
      {"r7", {0.4f, 0.6f}, "", {{"lang", "EN"}}},
  };
  const std::vector<Json> specs = {
      {{"page", {{"$in", {2, "2", 10.5}}}}},
      {{"page", {{"$nin", {2, 5, "2"}}}}},
      {{"draft", true}},
      {{"draft", {{"$ne", true}}}},
  };
  expect_filters_agree_with_memory(*store, records, specs);
  EXPECT_THROW(store->count(Filter::from_json({{"lang", {{"$gt", "a"}}}})), UnsupportedError);
  EXPECT_EQ(store->remove_where(Filter()), 0u);
}

TEST_F(ChromaStoreTest, DimensionMismatchesAreInvalidArguments) {
  auto store = open("dims");
  expect_dimension_mismatches_rejected(*store);
  std::vector<Record> three = {{"c", {1, 0, 0}, "", {}}};
  // Another client's store on the same collection learns the dimension from the server.
  auto other = open("dims");
  EXPECT_THROW(other->upsert(three), InvalidArgumentError);
  EXPECT_EQ(store->count(), 1u);
}

TEST_F(ChromaStoreTest, ReopenKeepsTheCollectionsSettings) {
  expect_reopen_keeps_the_settings(opener());
  // A collection created without a model adopts the first one named.
  open("adopt");
  open("adopt", Metric::cosine, "m1");
  EXPECT_THROW(open("adopt", Metric::cosine, "m2"), InvalidArgumentError);
}

TEST_F(ChromaStoreTest, KeywordSearchIsUnsupported) {
  auto store = open("keywords");
  EXPECT_THROW(store->keyword_search("cat", 3), UnsupportedError);
}

TEST_F(ChromaStoreTest, LargeKReturnsEveryMatch) {
  auto store = open("largek");
  expect_large_k_returns_every_match(*store);
}

TEST_F(ChromaStoreTest, ConcurrentCallsOnOneStore) {
  auto store = open("concurrent");
  expect_concurrent_calls_on_one_store(*store, 10);
}

TEST_F(ChromaStoreTest, UnreachableServerIsAnIoError) {
  EXPECT_THROW(open_store("chroma:http://127.0.0.1:1"), IoError);
  EXPECT_THROW(open_store("chroma:127.0.0.1:1"), InvalidArgumentError);
}

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(StoreConformance);
INSTANTIATE_TEST_SUITE_P(Chroma, StoreConformance,
                         ::testing::ValuesIn(ChromaStoreTest::conformance("chroma",
                                                                          /*keyword_search=*/false)),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace alith::store
