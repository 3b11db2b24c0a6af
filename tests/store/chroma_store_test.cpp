// The Chroma store against a real Chroma server that the test starts (tests/support/chroma_server.h).

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <set>
#include <thread>

#include "alith/core/error.h"
#include "alith/store/vector_store.h"
#include "store_conformance.h"
#include "support/chroma_server.h"

namespace alith::store {
namespace {

using alith::testing::ChromaServer;

// One server for the whole binary, started on first use and stopped at exit; null when not installed.
ChromaServer* shared_server() {
  static const std::unique_ptr<ChromaServer> server =
      ChromaServer::binary().empty() ? nullptr : std::make_unique<ChromaServer>();
  return server.get();
}

class ChromaStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = shared_server();
    if (!server_) GTEST_SKIP() << "Chroma is not installed: run scripts/store-peers";
  }
  std::unique_ptr<VectorStore> open(const std::string& collection, Metric metric = Metric::cosine,
                                    std::string model = "") {
    StoreOptions options;
    options.collection = collection;
    options.metric = metric;
    options.embedding_model = std::move(model);
    return open_store("chroma:" + server_->url(), options);
  }
  ChromaServer* server_ = nullptr;
};

std::set<std::string> ids_of(const std::vector<Hit>& hits) {
  std::set<std::string> out;
  for (const auto& h : hits) out.insert(h.id);
  return out;
}

TEST_F(ChromaStoreTest, UpsertGetReplaceRemove) {
  auto store = open("crud");
  EXPECT_EQ(store->dimensions(), 0u);
  EXPECT_EQ(store->count(), 0u);
  EXPECT_FALSE(store->get("a").has_value());
  std::vector<Record> records = {{"a", {1, 0, 0}, "alpha", {{"n", 1}, {"nested", {{"x", {1, 2}}}}}},
                                 {"b", {0, 1, 0}, "beta", {{"n", 2.5}, {"flag", true}}},
                                 {"c", {0, 0, 1}, "gamma", Json::object()}};
  store->upsert(records);
  EXPECT_EQ(store->dimensions(), 3u);
  EXPECT_EQ(store->count(), 3u);
  auto a = store->get("a");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->vector, (std::vector<float>{1, 0, 0}));
  EXPECT_EQ(a->text, "alpha");
  EXPECT_EQ(a->metadata, records[0].metadata);
  EXPECT_EQ(store->get("b")->metadata, records[1].metadata);
  EXPECT_EQ(store->get("c")->metadata, Json::object());

  std::vector<Record> replaced = {{"a", {0.1f, 1e-7f, -2.5f}, "alpha 2", {{"n", 7}}}};
  store->upsert(replaced);
  EXPECT_EQ(store->count(), 3u);
  a = store->get("a");
  EXPECT_EQ(a->vector, replaced[0].vector);
  EXPECT_EQ(a->text, "alpha 2");
  EXPECT_EQ(a->metadata, Json({{"n", 7}}));

  std::vector<std::string> gone = {"a", "missing", "b"};
  EXPECT_EQ(store->remove(gone), 2u);
  EXPECT_EQ(store->count(), 1u);
  EXPECT_FALSE(store->get("a").has_value());
}

// Chroma reports distances (cosine: 1 - cos, ip: 1 - dot, l2: squared); the store turns them into scores.
TEST_F(ChromaStoreTest, ScoresFollowTheConventionForEachMetric) {
  std::vector<Record> records = {
      {"near", {1, 0}, "", {}}, {"far", {-1, 0}, "", {}}, {"long", {3, 4}, "", {}}};
  const std::vector<float> q = {1, 0};

  auto cosine = open("score_cos", Metric::cosine);
  EXPECT_EQ(cosine->metric(), Metric::cosine);
  cosine->upsert(records);
  auto hits = cosine->search(q, 3);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].id, "near");
  EXPECT_NEAR(hits[0].score, 1.0, 1e-5);
  EXPECT_EQ(hits[1].id, "long");
  EXPECT_NEAR(hits[1].score, 0.6, 1e-5);
  EXPECT_NEAR(hits[2].score, -1.0, 1e-5);

  auto dot = open("score_dot", Metric::dot);
  EXPECT_EQ(dot->metric(), Metric::dot);
  dot->upsert(records);
  hits = dot->search(q, 3);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].id, "long");
  EXPECT_NEAR(hits[0].score, 3.0, 1e-5);
  EXPECT_NEAR(hits[1].score, 1.0, 1e-5);
  EXPECT_NEAR(hits[2].score, -1.0, 1e-5);

  auto l2 = open("score_l2", Metric::l2);
  EXPECT_EQ(l2->metric(), Metric::l2);
  l2->upsert(records);
  hits = l2->search(q, 3);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].id, "near");
  EXPECT_NEAR(hits[0].score, 0.0, 1e-5);
  EXPECT_NEAR(hits[1].score, -2.0, 1e-5);
  EXPECT_NEAR(hits[2].score, -std::sqrt(20.0), 1e-4);
}

// Every filter Chroma can express gives what Filter::matches gives in memory.
TEST_F(ChromaStoreTest, FiltersAgreeWithTheInMemoryEvaluation) {
  auto store = open("filters");
  std::vector<Record> records = {
      {"r1", {1, 0}, "", {{"page", 2}, {"lang", "en"}, {"draft", true}}},
      {"r2", {0.9f, 0.1f}, "", {{"page", 2.0}, {"lang", "fr"}}},
      {"r3", {0.8f, 0.2f}, "", {{"page", "2"}, {"lang", "de"}, {"draft", false}}},
      {"r4", {0.7f, 0.3f}, "", {{"page", 5}, {"tags", {"a", "b"}}}},
      {"r5", {0.6f, 0.4f}, "", {{"page", 10.5}, {"lang", "en"}, {"it's", "quote\"d"}}},
      {"r6", {0.5f, 0.5f}, "", Json::object()},
      {"r7", {0.4f, 0.6f}, "", {{"lang", "EN"}}},
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
      {{"page", {{"$in", {2, "2", 10.5}}}}},
      {{"page", {{"$nin", {2, 5, "2"}}}}},
      {{"lang", {{"$nin", Json::array()}}}},
      {{"lang", {{"$in", Json::array()}}}},
      {{"page", {{"$gte", 2}, {"$lt", 10}}}},
      {{"page", {{"$gt", 2.5}}}},
      {{"draft", true}},
      {{"draft", {{"$ne", true}}}},
      {{"lang", "en"}, {"page", {{"$lt", 3}}}},
      {{"it's", "quote\"d"}},
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
  EXPECT_THROW(store->count(Filter::from_json({{"lang", {{"$gt", "a"}}}})), UnsupportedError);
  EXPECT_EQ(store->remove_where(Filter::from_json({{"lang", "en"}})), 2u);
  EXPECT_EQ(store->remove_where(Filter()), 0u);
  EXPECT_EQ(store->count(), records.size() - 2);
}

TEST_F(ChromaStoreTest, DimensionMismatchesAreInvalidArguments) {
  auto store = open("dims");
  std::vector<Record> mixed = {{"a", {1, 0}, "", {}}, {"b", {1, 0, 0}, "", {}}};
  EXPECT_THROW(store->upsert(mixed), InvalidArgumentError);
  std::vector<Record> two = {{"a", {1, 0}, "", {}}};
  store->upsert(two);
  std::vector<Record> three = {{"c", {1, 0, 0}, "", {}}};
  EXPECT_THROW(store->upsert(three), InvalidArgumentError);
  EXPECT_THROW(store->search(std::vector<float>{1, 0, 0}, 1), InvalidArgumentError);
  // Another client's store on the same collection learns the dimension from the server.
  auto other = open("dims");
  EXPECT_THROW(other->upsert(three), InvalidArgumentError);
  EXPECT_EQ(store->count(), 1u);
}

TEST_F(ChromaStoreTest, ReopenKeepsTheCollectionsSettings) {
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
  std::vector<Record> records;
  for (int i = 0; i < 300; ++i)
    records.push_back(
        {"p" + std::to_string(i), {std::cos(i * 0.01f), std::sin(i * 0.01f), 1}, "", {{"i", i}}});
  store->upsert(records);
  EXPECT_EQ(store->search(std::vector<float>{1, 0, 1}, 250).size(), 250u);
  auto hits = store->search(std::vector<float>{1, 0, 1}, 50, Filter::from_json({{"i", {{"$gte", 200}}}}));
  EXPECT_EQ(hits.size(), 50u);
  for (size_t i = 1; i < hits.size(); ++i) EXPECT_GE(hits[i - 1].score, hits[i].score);
}

TEST_F(ChromaStoreTest, ConcurrentCallsOnOneStore) {
  auto store = open("concurrent");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        std::vector<Record> one = {
            {std::to_string(t) + "-" + std::to_string(i), {float(t), float(i), 1}, "", {}}};
        store->upsert(one);
        store->search(std::vector<float>{1, 1, 1}, 3);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(store->count(), 40u);
}

TEST_F(ChromaStoreTest, UnreachableServerIsAnIoError) {
  EXPECT_THROW(open_store("chroma:http://127.0.0.1:1"), IoError);
  EXPECT_THROW(open_store("chroma:127.0.0.1:1"), InvalidArgumentError);
}

// The shared conformance suite, against the same server (each test opens its own collection).
using alith::store::testing::StoreConformance;
using alith::store::testing::StoreFactory;

std::vector<StoreFactory> conformance_factories() {
  // Not installed: the tests above say so when they skip. The server itself starts on first use, in a test.
  if (ChromaServer::binary().empty()) return {};
  return {StoreFactory{"chroma",
                       [](const StoreOptions& options) {
                         auto* server = shared_server();
                         return open_store("chroma:" + server->url(), options);
                       },
                       /*keyword_search=*/false, /*persistent=*/true}};
}
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(StoreConformance);
INSTANTIATE_TEST_SUITE_P(Chroma, StoreConformance, ::testing::ValuesIn(conformance_factories()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace alith::store
