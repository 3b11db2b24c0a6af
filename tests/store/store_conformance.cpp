#include "store_conformance.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <vector>

#include "alith/core/error.h"

namespace alith::store::testing {

StoreOptions StoreConformance::fresh_options(Metric metric, std::string embedding_model) const {
  static std::atomic<int> counter{0};
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string("t_") + info->name();
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  // Unique across processes and runs too, for servers that outlive a test run.
  const auto now = std::chrono::system_clock::now().time_since_epoch().count();
  name += "_" + std::to_string(getpid()) + "_" + std::to_string(now % 1000000007) + "_" +
          std::to_string(counter++);
  StoreOptions options;
  options.collection = name;
  options.metric = metric;
  options.embedding_model = std::move(embedding_model);
  return options;
}

std::unique_ptr<VectorStore> StoreConformance::open_fresh(Metric metric) {
  return GetParam().open(fresh_options(metric));
}

namespace {

Record rec(std::string id, std::vector<float> v, std::string text = {}, Json metadata = Json::object()) {
  return Record{std::move(id), std::move(v), std::move(text), std::move(metadata)};
}

std::vector<std::string> ids_of(const std::vector<Hit>& hits) {
  std::vector<std::string> out;
  for (const auto& h : hits) out.push_back(h.id);
  return out;
}

size_t count_where(VectorStore& store, const Json& spec) {
  return store.count(Filter::from_json(spec));
}

// Eight records with varied metadata for the filter tests; vectors put them at increasing distance from e0.
std::vector<Record> catalogue() {
  return {
      rec("r1", {1, 0, 0, 0}, "one", {{"source", "a.md"}, {"page", 1}, {"lang", "en"}, {"draft", true}}),
      rec("r2", {1, 0.1f, 0, 0}, "two", {{"source", "a.md"}, {"page", 2}, {"lang", "fr"}, {"draft", false}}),
      rec("r3", {1, 0.2f, 0, 0}, "three", {{"source", "b.md"}, {"page", 3.5}, {"lang", "en"}}),
      rec("r4", {1, 0.3f, 0, 0}, "four", {{"source", "b.md"}, {"page", 4}, {"lang", "de"}}),
      rec("r5", {1, 0.4f, 0, 0}, "five", {{"source", "c.md"}, {"page", 5}}),
      rec("r6", {1, 0.5f, 0, 0}, "six", {{"source", "c.md"}, {"page", "6"}, {"lang", "en"}}),
      rec("r7", {1, 0.6f, 0, 0}, "seven", {{"lang", "en"}}),
      rec("r8", {1, 0.7f, 0, 0}, "eight", Json::object()),
  };
}

}  // namespace

TEST_P(StoreConformance, UpsertGetAndReplaceById) {
  auto store = open_fresh();
  std::vector<Record> records = {rec("a", {1, 2, 3, 4}, "alpha", {{"k", 1}}), rec("b", {4, 3, 2, 1}, "beta")};
  store->upsert(records);
  EXPECT_EQ(store->count(), 2u);
  EXPECT_EQ(store->dimensions(), 4u);
  auto a = store->get("a");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->id, "a");
  EXPECT_EQ(a->text, "alpha");
  EXPECT_EQ(a->metadata, (Json{{"k", 1}}));
  ASSERT_EQ(a->vector.size(), 4u);
  for (size_t i = 0; i < 4; ++i) EXPECT_FLOAT_EQ(a->vector[i], static_cast<float>(i + 1));

  std::vector<Record> replacement = {rec("a", {0, 0, 1, 0}, "alpha v2", {{"k", 2}})};
  store->upsert(replacement);
  EXPECT_EQ(store->count(), 2u);
  a = store->get("a");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->text, "alpha v2");
  EXPECT_EQ(a->metadata, (Json{{"k", 2}}));
  EXPECT_FLOAT_EQ(a->vector[2], 1.0f);
  EXPECT_FLOAT_EQ(a->vector[0], 0.0f);
  EXPECT_FALSE(store->get("missing").has_value());

  // The replaced vector is what search sees.
  const std::vector<float> q = {0, 0, 1, 0};
  auto hits = store->search(q, 1);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].id, "a");
  EXPECT_NEAR(hits[0].score, 1.0, 1e-5);
}

TEST_P(StoreConformance, UpsertOfNothingIsANoOp) {
  auto store = open_fresh();
  store->upsert(std::span<const Record>{});
  EXPECT_EQ(store->count(), 0u);
  EXPECT_EQ(store->dimensions(), 0u);
}

TEST_P(StoreConformance, RemoveByIdsCountsOnlyExisting) {
  auto store = open_fresh();
  auto records = catalogue();
  store->upsert(records);
  const std::vector<std::string> ids = {"r1", "r3", "nope", "r3x"};
  EXPECT_EQ(store->remove(ids), 2u);
  EXPECT_EQ(store->count(), 6u);
  EXPECT_FALSE(store->get("r1").has_value());
  EXPECT_TRUE(store->get("r2").has_value());
  EXPECT_EQ(store->remove(ids), 0u);
  const std::vector<std::string> none;
  EXPECT_EQ(store->remove(none), 0u);
  // Removed records never come back from search.
  const std::vector<float> q = {1, 0, 0, 0};
  for (const auto& h : store->search(q, 10)) {
    EXPECT_NE(h.id, "r1");
    EXPECT_NE(h.id, "r3");
  }
}

TEST_P(StoreConformance, RemoveWhere) {
  auto store = open_fresh();
  auto records = catalogue();
  store->upsert(records);
  EXPECT_EQ(store->remove_where(Filter{}), 0u);  // an empty filter removes nothing
  EXPECT_EQ(store->count(), 8u);
  EXPECT_EQ(store->remove_where(Filter::from_json({{"source", "a.md"}})), 2u);
  EXPECT_EQ(store->count(), 6u);
  EXPECT_EQ(store->remove_where(Filter::from_json({{"source", "a.md"}})), 0u);
  EXPECT_EQ(store->remove_where(Filter::from_json({{"page", {{"$gte", 4}}}})),
            2u);  // r4, r5 ("6" is a string)
  EXPECT_EQ(store->count(), 4u);
  EXPECT_TRUE(store->get("r6").has_value());
  EXPECT_FALSE(store->get("r4").has_value());
}

TEST_P(StoreConformance, CountWithAndWithoutFilters) {
  auto store = open_fresh();
  EXPECT_EQ(store->count(), 0u);
  auto records = catalogue();
  store->upsert(records);
  EXPECT_EQ(store->count(), 8u);
  EXPECT_EQ(store->count(Filter{}), 8u);
  EXPECT_EQ(count_where(*store, {{"lang", "en"}}), 4u);
  EXPECT_EQ(count_where(*store, {{"lang", "xx"}}), 0u);
}

TEST_P(StoreConformance, CosineScoresAndOrder) {
  auto store = open_fresh(Metric::cosine);
  EXPECT_EQ(store->metric(), Metric::cosine);
  std::vector<Record> records = {rec("same", {2, 0, 0, 0}), rec("diag", {1, 1, 0, 0}),
                                 rec("orth", {0, 3, 0, 0}), rec("opp", {-1, 0, 0, 0})};
  store->upsert(records);
  const std::vector<float> q = {1, 0, 0, 0};
  auto hits = store->search(q, 4);
  ASSERT_EQ(ids_of(hits), (std::vector<std::string>{"same", "diag", "orth", "opp"}));
  EXPECT_NEAR(hits[0].score, 1.0, 1e-5);
  EXPECT_NEAR(hits[1].score, 0.70710678, 1e-5);
  EXPECT_NEAR(hits[2].score, 0.0, 1e-5);
  EXPECT_NEAR(hits[3].score, -1.0, 1e-5);
}

TEST_P(StoreConformance, DotScoresAndOrder) {
  auto store = open_fresh(Metric::dot);
  EXPECT_EQ(store->metric(), Metric::dot);
  std::vector<Record> records = {rec("a", {3, 0, 0, 0}), rec("b", {0, 1, 0, 0}), rec("c", {2, 2, 0, 0}),
                                 rec("d", {-1, -1, 0, 0})};
  store->upsert(records);
  const std::vector<float> q = {1, 2, 0, 0};
  auto hits = store->search(q, 4);
  ASSERT_EQ(ids_of(hits), (std::vector<std::string>{"c", "a", "b", "d"}));
  EXPECT_NEAR(hits[0].score, 6.0, 1e-4);
  EXPECT_NEAR(hits[1].score, 3.0, 1e-4);
  EXPECT_NEAR(hits[2].score, 2.0, 1e-4);
  EXPECT_NEAR(hits[3].score, -3.0, 1e-4);
}

TEST_P(StoreConformance, L2ScoresAreNegatedDistances) {
  auto store = open_fresh(Metric::l2);
  EXPECT_EQ(store->metric(), Metric::l2);
  std::vector<Record> records = {rec("far", {3, 4, 0, 0}), rec("near", {1, 0, 0, 0}),
                                 rec("mid", {0, 0, 0, 2}), rec("origin", {0, 0, 0, 0})};
  store->upsert(records);
  const std::vector<float> q = {0, 0, 0, 0};
  auto hits = store->search(q, 4);
  ASSERT_EQ(ids_of(hits), (std::vector<std::string>{"origin", "near", "mid", "far"}));
  EXPECT_NEAR(hits[0].score, 0.0, 1e-5);
  EXPECT_NEAR(hits[1].score, -1.0, 1e-5);
  EXPECT_NEAR(hits[2].score, -2.0, 1e-5);
  EXPECT_NEAR(hits[3].score, -5.0, 1e-4);
}

TEST_P(StoreConformance, HitsCarryTextAndMetadata) {
  auto store = open_fresh();
  std::vector<Record> records = {rec("x", {1, 0, 0, 0}, "the text", {{"source", "s.md"}, {"page", 7}})};
  store->upsert(records);
  const std::vector<float> q = {1, 0, 0, 0};
  auto hits = store->search(q, 1);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].text, "the text");
  EXPECT_EQ(hits[0].metadata, (Json{{"source", "s.md"}, {"page", 7}}));
}

TEST_P(StoreConformance, FilterEqualityOnStringsNumbersAndBooleans) {
  auto store = open_fresh();
  auto records = catalogue();
  store->upsert(records);
  EXPECT_EQ(count_where(*store, {{"source", "b.md"}}), 2u);
  EXPECT_EQ(count_where(*store, {{"source", {{"$eq", "b.md"}}}}), 2u);
  EXPECT_EQ(count_where(*store, {{"page", 2}}), 1u);
  EXPECT_EQ(count_where(*store, {{"page", 2.0}}), 1u);  // numbers compare as numbers
  EXPECT_EQ(count_where(*store, {{"page", 3.5}}), 1u);
  EXPECT_EQ(count_where(*store, {{"page", 6}}), 0u);  // "6" is a string, not a number
  EXPECT_EQ(count_where(*store, {{"page", "6"}}), 1u);
  EXPECT_EQ(count_where(*store, {{"draft", true}}), 1u);
  EXPECT_EQ(count_where(*store, {{"draft", false}}), 1u);
  EXPECT_EQ(count_where(*store, {{"page", true}}), 0u);  // a boolean never equals a number
}

TEST_P(StoreConformance, FilterNotEqualIncludesMissingFields) {
  auto store = open_fresh();
  auto records = catalogue();
  store->upsert(records);
  // r1, r3, r6, r7 are "en"; r2 "fr", r4 "de"; r5 and r8 have no lang.
  EXPECT_EQ(count_where(*store, {{"lang", {{"$ne", "en"}}}}), 4u);
  EXPECT_EQ(count_where(*store, {{"draft", {{"$ne", true}}}}), 7u);
}

TEST_P(StoreConformance, FilterRangesOnNumbers) {
  auto store = open_fresh();
  auto records = catalogue();
  store->upsert(records);
  // Numeric pages: 1, 2, 3.5, 4, 5 (r6's "6" is a string and never compares with a number).
  EXPECT_EQ(count_where(*store, {{"page", {{"$lt", 3.5}}}}), 2u);
  EXPECT_EQ(count_where(*store, {{"page", {{"$lte", 3.5}}}}), 3u);
  EXPECT_EQ(count_where(*store, {{"page", {{"$gt", 4}}}}), 1u);
  EXPECT_EQ(count_where(*store, {{"page", {{"$gte", 4}}}}), 2u);
  EXPECT_EQ(count_where(*store, {{"page", {{"$gt", 1}, {"$lt", 5}}}}), 3u);
  EXPECT_EQ(count_where(*store, {{"page", {{"$gt", 100}}}}), 0u);
}

TEST_P(StoreConformance, FilterRangesOnStrings) {
  auto store = open_fresh();
  auto records = catalogue();
  store->upsert(records);
  // Sources: a.md a.md b.md b.md c.md c.md (r7, r8 have none).
  EXPECT_EQ(count_where(*store, {{"source", {{"$lt", "b.md"}}}}), 2u);
  EXPECT_EQ(count_where(*store, {{"source", {{"$lte", "b.md"}}}}), 4u);
  EXPECT_EQ(count_where(*store, {{"source", {{"$gt", "b.md"}}}}), 2u);
  EXPECT_EQ(count_where(*store, {{"source", {{"$gte", "b"}}}}), 4u);
  // A string bound never matches a number: only r6 has a string page.
  EXPECT_EQ(count_where(*store, {{"page", {{"$gte", "0"}}}}), 1u);
}

TEST_P(StoreConformance, FilterInAndNotIn) {
  auto store = open_fresh();
  auto records = catalogue();
  store->upsert(records);
  EXPECT_EQ(count_where(*store, {{"lang", {{"$in", {"fr", "de"}}}}}), 2u);
  EXPECT_EQ(count_where(*store, {{"lang", {{"$in", Json::array()}}}}), 0u);
  EXPECT_EQ(count_where(*store, {{"page", {{"$in", {1, 4, "6"}}}}}), 3u);
  // $nin keeps records without the field.
  EXPECT_EQ(count_where(*store, {{"lang", {{"$nin", {"en", "fr"}}}}}), 3u);
  EXPECT_EQ(count_where(*store, {{"lang", {{"$nin", Json::array()}}}}), 8u);
}

TEST_P(StoreConformance, FilterOnMissingFieldMatchesNothing) {
  auto store = open_fresh();
  auto records = catalogue();
  store->upsert(records);
  EXPECT_EQ(count_where(*store, {{"nonexistent", "x"}}), 0u);
  EXPECT_EQ(count_where(*store, {{"nonexistent", {{"$lt", 10}}}}), 0u);
  EXPECT_EQ(count_where(*store, {{"nonexistent", {{"$in", {"x", 1}}}}}), 0u);
}

TEST_P(StoreConformance, FilterWithSeveralConditions) {
  auto store = open_fresh();
  auto records = catalogue();
  store->upsert(records);
  EXPECT_EQ(count_where(*store, {{"lang", "en"}, {"page", {{"$lte", 3.5}}}}), 2u);      // r1, r3
  EXPECT_EQ(count_where(*store, {{"lang", "en"}, {"source", {{"$ne", "a.md"}}}}), 3u);  // r3, r6, r7
  EXPECT_EQ(count_where(*store, {{"lang", "en"}, {"source", "c.md"}, {"page", "6"}}), 1u);
}

TEST_P(StoreConformance, SearchAppliesFilters) {
  auto store = open_fresh();
  auto records = catalogue();
  store->upsert(records);
  const std::vector<float> q = {1, 0, 0, 0};
  auto hits = store->search(q, 3, Filter::from_json({{"lang", "en"}}));
  EXPECT_EQ(ids_of(hits), (std::vector<std::string>{"r1", "r3", "r6"}));
  hits = store->search(q, 10,
                       Filter::from_json({{"source", {{"$in", {"b.md", "c.md"}}}}, {"page", {{"$lt", 5}}}}));
  EXPECT_EQ(ids_of(hits), (std::vector<std::string>{"r3", "r4"}));
  hits = store->search(q, 10, Filter::from_json({{"lang", "none"}}));
  EXPECT_TRUE(hits.empty());
}

TEST_P(StoreConformance, DimensionMismatchIsInvalidArgument) {
  auto store = open_fresh();
  std::vector<Record> four = {rec("a", {1, 0, 0, 0})};
  store->upsert(four);
  std::vector<Record> five = {rec("b", {1, 0, 0, 0, 0})};
  EXPECT_THROW(store->upsert(five), InvalidArgumentError);
  // One call with mixed dimensions stores nothing.
  std::vector<Record> mixed = {rec("c", {1, 0, 0, 0}), rec("d", {1, 0, 0})};
  EXPECT_THROW(store->upsert(mixed), InvalidArgumentError);
  EXPECT_EQ(store->count(), 1u);
  EXPECT_FALSE(store->get("c").has_value());
  EXPECT_EQ(store->dimensions(), 4u);
}

TEST_P(StoreConformance, QueryDimensionMismatchIsInvalidArgument) {
  auto store = open_fresh();
  std::vector<Record> records = {rec("a", {1, 0, 0, 0})};
  store->upsert(records);
  const std::vector<float> q3 = {1, 0, 0};
  const std::vector<float> q5 = {1, 0, 0, 0, 0};
  EXPECT_THROW(store->search(q3, 1), InvalidArgumentError);
  EXPECT_THROW(store->search(q5, 1), InvalidArgumentError);
}

TEST_P(StoreConformance, EmbeddingModelMismatchOnReopen) {
  if (!GetParam().persistent) GTEST_SKIP() << "backend is not persistent";
  auto options = fresh_options(Metric::cosine, "model-a");
  {
    auto store = GetParam().open(options);
    std::vector<Record> records = {rec("a", {1, 0, 0, 0})};
    store->upsert(records);
  }
  options.embedding_model = "model-b";
  EXPECT_THROW(GetParam().open(options), InvalidArgumentError);
  options.embedding_model = "model-a";
  auto again = GetParam().open(options);
  EXPECT_EQ(again->count(), 1u);
}

TEST_P(StoreConformance, PersistsAcrossReopen) {
  if (!GetParam().persistent) GTEST_SKIP() << "backend is not persistent";
  auto options = fresh_options(Metric::l2);
  auto records = catalogue();
  {
    auto store = GetParam().open(options);
    store->upsert(records);
    const std::vector<std::string> gone = {"r8"};
    store->remove(gone);
  }
  options.metric = Metric::dot;  // an existing collection keeps the metric it was created with
  auto store = GetParam().open(options);
  EXPECT_EQ(store->metric(), Metric::l2);
  EXPECT_EQ(store->count(), 7u);
  EXPECT_EQ(store->dimensions(), 4u);
  auto r2 = store->get("r2");
  ASSERT_TRUE(r2.has_value());
  EXPECT_EQ(r2->text, "two");
  EXPECT_EQ(r2->metadata, records[1].metadata);
  EXPECT_FALSE(store->get("r8").has_value());
  const std::vector<float> q = {1, 0.1f, 0, 0};
  auto hits = store->search(q, 1);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].id, "r2");
  EXPECT_NEAR(hits[0].score, 0.0, 1e-5);
}

TEST_P(StoreConformance, EmptyStoreSearch) {
  auto store = open_fresh();
  EXPECT_EQ(store->dimensions(), 0u);
  const std::vector<float> q = {1, 0, 0, 0};
  EXPECT_TRUE(store->search(q, 5).empty());
  EXPECT_TRUE(store->search(q, 5, Filter::from_json({{"a", 1}})).empty());
  EXPECT_FALSE(store->get("x").has_value());
  const std::vector<std::string> ids = {"x"};
  EXPECT_EQ(store->remove(ids), 0u);
}

TEST_P(StoreConformance, KLargerThanCountReturnsEverything) {
  auto store = open_fresh();
  auto records = catalogue();
  store->upsert(records);
  const std::vector<float> q = {1, 0, 0, 0};
  auto hits = store->search(q, 100);
  EXPECT_EQ(ids_of(hits), (std::vector<std::string>{"r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8"}));
  for (size_t i = 1; i < hits.size(); ++i) EXPECT_GE(hits[i - 1].score, hits[i].score);
  EXPECT_TRUE(store->search(q, 0).empty());
}

TEST_P(StoreConformance, MetadataRoundTripKeepsNestedJson) {
  auto store = open_fresh();
  const Json metadata = {{"source", "guide.md"},
                         {"span", {{"start", 10}, {"end", 250}}},
                         {"tags", {"a", "b", {{"deep", {1, 2.5, nullptr, true}}}}},
                         {"empty", Json::object()},
                         {"big", 9007199254740993LL},
                         {"neg", -1.25}};
  std::vector<Record> records = {rec("n", {0, 1, 0, 0}, "t", metadata)};
  store->upsert(records);
  auto got = store->get("n");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->metadata, metadata);
  const std::vector<float> q = {0, 1, 0, 0};
  auto hits = store->search(q, 1);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].metadata, metadata);
}

TEST_P(StoreConformance, UnicodeTextAndIds) {
  auto store = open_fresh();
  const std::string text = "Grüße aus Köln — 東京の天気 🙂 naïve café";
  std::vector<Record> records = {rec("ключ-1", {1, 1, 0, 0}, text, {{"lang", "多言語"}})};
  store->upsert(records);
  auto got = store->get("ключ-1");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->text, text);
  EXPECT_EQ(count_where(*store, {{"lang", "多言語"}}), 1u);
  const std::vector<float> q = {1, 1, 0, 0};
  auto hits = store->search(q, 1);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].id, "ключ-1");
  EXPECT_EQ(hits[0].text, text);
}

TEST_P(StoreConformance, KeywordSearch) {
  auto store = open_fresh();
  std::vector<Record> records = {
      rec("k1", {1, 0, 0, 0}, "The quick brown fox jumps over the lazy dog", {{"group", "x"}}),
      rec("k2", {0, 1, 0, 0}, "fox fox fox: a report on foxes and the fox population", {{"group", "y"}}),
      rec("k3", {0, 0, 1, 0}, "An unrelated sentence about databases", {{"group", "x"}}),
      rec("k4", {0, 0, 0, 1}, "Köln café naïve", {{"group", "y"}}),
      rec("k5", {1, 1, 0, 0}, "Notes on vector indexes and graphs", {{"group", "z"}}),
      rec("k6", {0, 1, 1, 0}, "A recipe for bread with flour and water", {{"group", "z"}}),
  };
  store->upsert(records);
  if (!GetParam().keyword_search) {
    EXPECT_THROW(store->keyword_search("fox", 5), UnsupportedError);
    return;
  }
  auto hits = store->keyword_search("fox", 5);
  ASSERT_EQ(ids_of(hits), (std::vector<std::string>{"k2", "k1"}));  // more occurrences rank first
  EXPECT_GT(hits[0].score, hits[1].score);
  EXPECT_EQ(hits[0].text, records[1].text);
  EXPECT_EQ(hits[1].metadata, records[0].metadata);
  hits = store->keyword_search("fox", 5, Filter::from_json({{"group", "x"}}));
  EXPECT_EQ(ids_of(hits), (std::vector<std::string>{"k1"}));
  EXPECT_EQ(ids_of(store->keyword_search("fox", 1)), (std::vector<std::string>{"k2"}));
  EXPECT_TRUE(store->keyword_search("zebra", 5).empty());
  EXPECT_EQ(ids_of(store->keyword_search("databases", 5)), (std::vector<std::string>{"k3"}));
  EXPECT_EQ(ids_of(store->keyword_search("café", 5)), (std::vector<std::string>{"k4"}));
  // User text with quotes, operators and syntax characters is searched as words, never an error.
  for (const char* odd : {"\"fox", "fox AND", "NEAR(fox dog)", "fox*", "(fox", "fox OR", "-fox", "^fox",
                          "text:fox", "\"\"\"", "AND OR NOT", "", "   ", "*", "fox\"dog"}) {
    EXPECT_NO_THROW(store->keyword_search(odd, 5)) << odd;
  }
  // Removal and replacement are seen by the keyword index too.
  const std::vector<std::string> gone = {"k2"};
  store->remove(gone);
  EXPECT_EQ(ids_of(store->keyword_search("fox", 5)), (std::vector<std::string>{"k1"}));
  std::vector<Record> replaced = {rec("k1", {1, 0, 0, 0}, "no animals here", {{"group", "x"}})};
  store->upsert(replaced);
  EXPECT_TRUE(store->keyword_search("fox", 5).empty());
  EXPECT_EQ(ids_of(store->keyword_search("animals", 5)), (std::vector<std::string>{"k1"}));
}

TEST_P(StoreConformance, RefNamesTheStore) {
  auto store = open_fresh();
  EXPECT_FALSE(store->ref().empty());
}

}  // namespace alith::store::testing
