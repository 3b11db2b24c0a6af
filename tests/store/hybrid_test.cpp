#include "alith/store/hybrid.h"

#include <gtest/gtest.h>

#include "alith/core/error.h"
#include "alith/store/sqlite_store.h"

namespace alith::store {
namespace {

Hit hit(const std::string& id, float score = 0) {
  return Hit{id, score, "text of " + id, {{"id", id}}};
}

std::vector<std::string> ids_of(const std::vector<Hit>& hits) {
  std::vector<std::string> out;
  for (const auto& h : hits) out.push_back(h.id);
  return out;
}

TEST(ReciprocalRankFusion, SumsReciprocalRanks) {
  const std::vector<std::vector<Hit>> lists = {{hit("a"), hit("b"), hit("c")},
                                               {hit("c"), hit("a"), hit("d")}};
  const auto fused = reciprocal_rank_fusion(lists, 60, 10);
  ASSERT_EQ(ids_of(fused), (std::vector<std::string>{"a", "c", "b", "d"}));
  EXPECT_NEAR(fused[0].score, 1.0 / 61 + 1.0 / 62, 1e-7);
  EXPECT_NEAR(fused[1].score, 1.0 / 63 + 1.0 / 61, 1e-7);
  EXPECT_NEAR(fused[2].score, 1.0 / 62, 1e-7);
  EXPECT_NEAR(fused[3].score, 1.0 / 63, 1e-7);
  // Text and metadata travel with the fused hit.
  EXPECT_EQ(fused[3].text, "text of d");
  EXPECT_EQ(fused[3].metadata, (Json{{"id", "d"}}));
}

TEST(ReciprocalRankFusion, IgnoresInputScores) {
  // Wildly different scales (BM25 vs cosine) do not matter: only ranks do.
  const std::vector<std::vector<Hit>> lists = {{hit("x", 1000), hit("y", 999)},
                                               {hit("y", 0.9f), hit("x", 0.1f)}};
  const auto fused = reciprocal_rank_fusion(lists, 60, 10);
  ASSERT_EQ(fused.size(), 2u);
  EXPECT_FLOAT_EQ(fused[0].score, fused[1].score);
}

TEST(ReciprocalRankFusion, TiesAreBrokenById) {
  const std::vector<std::vector<Hit>> lists = {{hit("zeta"), hit("beta")}, {hit("alpha"), hit("gamma")}};
  const auto fused = reciprocal_rank_fusion(lists, 60, 10);
  EXPECT_EQ(ids_of(fused), (std::vector<std::string>{"alpha", "zeta", "beta", "gamma"}));
  // Same input in the other list order: same output.
  const std::vector<std::vector<Hit>> swapped = {lists[1], lists[0]};
  EXPECT_EQ(ids_of(reciprocal_rank_fusion(swapped, 60, 10)), ids_of(fused));
}

TEST(ReciprocalRankFusion, CutsToKAndHandlesEdgeCases) {
  const std::vector<std::vector<Hit>> lists = {{hit("a"), hit("b"), hit("c")}, {hit("b")}};
  EXPECT_EQ(ids_of(reciprocal_rank_fusion(lists, 60, 1)), (std::vector<std::string>{"b"}));
  EXPECT_TRUE(reciprocal_rank_fusion(lists, 60, 0).empty());
  EXPECT_TRUE(reciprocal_rank_fusion({}, 60, 5).empty());
  EXPECT_TRUE(reciprocal_rank_fusion({{}, {}}, 60, 5).empty());
  // rrf_k = 0 weighs the first rank heavily: 1/1 beats 1/2 + 1/3.
  const std::vector<std::vector<Hit>> sharp = {{hit("top"), hit("other")},
                                               {hit("x"), hit("y"), hit("other")}};
  const auto fused = reciprocal_rank_fusion(sharp, 0, 2);
  EXPECT_EQ(fused[0].id, "top");
  EXPECT_NEAR(fused[0].score, 1.0, 1e-7);
  EXPECT_THROW(reciprocal_rank_fusion(lists, -1, 5), InvalidArgumentError);
}

TEST(ReciprocalRankFusion, DuplicateIdsInOneListCountOnce) {
  const std::vector<std::vector<Hit>> lists = {{hit("a"), hit("a"), hit("b")}};
  const auto fused = reciprocal_rank_fusion(lists, 60, 10);
  ASSERT_EQ(ids_of(fused), (std::vector<std::string>{"a", "b"}));
  EXPECT_NEAR(fused[0].score, 1.0 / 61, 1e-7);
  EXPECT_NEAR(fused[1].score, 1.0 / 63, 1e-7);
}

// A small corpus where one document matches the query only by keyword and another only by vector.
std::unique_ptr<VectorStore> corpus() {
  auto store = open_store("sqlite::memory:");
  std::vector<Record> records = {
      {"keyword-only", {0, 0, 0, 1}, "The zygomorphic flower of the orchid", {{"kind", "botany"}}},
      {"vector-only", {1, 0, 0, 0}, "Completely different words here", {{"kind", "misc"}}},
      {"both", {0.9f, 0.1f, 0, 0}, "zygomorphic symmetry explained", {{"kind", "botany"}}},
      {"neither-1", {0, 1, 0, 0}, "bread and butter", {{"kind", "food"}}},
      {"neither-2", {0, 0, 1, 0}, "rivers and mountains", {{"kind", "geo"}}},
      {"neither-3", {0, 0.7f, 0.7f, 0}, "a list of trains", {{"kind", "misc"}}},
  };
  store->upsert(records);
  return store;
}

TEST(HybridSearch, KeywordOnlyAndVectorOnlyMatchesBothSurface) {
  auto store = corpus();
  const std::vector<float> q = {1, 0, 0, 0};
  HybridOptions options;
  options.k = 3;
  options.candidates = 2;
  const auto hits = hybrid_search(*store, q, "zygomorphic", options);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].id, "both");  // first in the vector list and in the keyword list
  const auto ids = ids_of(hits);
  EXPECT_NE(std::find(ids.begin(), ids.end(), "keyword-only"), ids.end());
  EXPECT_NE(std::find(ids.begin(), ids.end(), "vector-only"), ids.end());
  // Pure vector search would not have found the keyword-only document in its top 3.
  const auto vector_ids = ids_of(store->search(q, 3));
  EXPECT_EQ(std::find(vector_ids.begin(), vector_ids.end(), "keyword-only"), vector_ids.end());
}

TEST(HybridSearch, FilterAppliesToBothLists) {
  auto store = corpus();
  const std::vector<float> q = {1, 0, 0, 0};
  HybridOptions options;
  options.filter = Filter::from_json({{"kind", "botany"}});
  const auto hits = hybrid_search(*store, q, "zygomorphic words", options);
  EXPECT_EQ(ids_of(hits), (std::vector<std::string>{"both", "keyword-only"}));
}

TEST(HybridSearch, EmptyTextIsVectorSearch) {
  auto store = corpus();
  const std::vector<float> q = {0, 0, 1, 0};
  HybridOptions options;
  options.k = 2;
  EXPECT_EQ(ids_of(hybrid_search(*store, q, "", options)), ids_of(store->search(q, 2)));
  // Text of nothing but punctuation and operators has no terms: also just the vector list, no error.
  EXPECT_EQ(ids_of(hybrid_search(*store, q, "\"( AND* )\"", options)).size(), 2u);
}

TEST(HybridSearch, RerankerSeesFusedCandidatesAndOrdersTheResult) {
  auto store = corpus();
  const std::vector<float> q = {1, 0, 0, 0};
  HybridOptions options;
  options.k = 2;
  size_t seen = 0;
  std::string seen_query;
  options.reranker = [&](std::string_view query, std::vector<Hit> candidates) {
    seen = candidates.size();
    seen_query = std::string(query);
    std::reverse(candidates.begin(), candidates.end());
    return candidates;
  };
  const auto hits = hybrid_search(*store, q, "zygomorphic", options);
  EXPECT_EQ(seen_query, "zygomorphic");
  EXPECT_EQ(seen, 6u);  // every record appears in at least one list
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_NE(hits[0].id, "both");
}

// A store without full-text search: forwards everything but keyword_search to a real store.
class VectorOnly final : public VectorStore {
 public:
  explicit VectorOnly(VectorStore& inner) : inner_(inner) {}
  void upsert(std::span<const Record> r) override { inner_.upsert(r); }
  size_t remove(std::span<const std::string> ids) override { return inner_.remove(ids); }
  size_t remove_where(const Filter& f) override { return inner_.remove_where(f); }
  std::optional<Record> get(std::string_view id) override { return inner_.get(id); }
  size_t count(const Filter& f) override { return inner_.count(f); }
  std::vector<Hit> search(std::span<const float> q, size_t k, const Filter& f) override {
    return inner_.search(q, k, f);
  }
  Metric metric() const override { return inner_.metric(); }
  size_t dimensions() const override { return inner_.dimensions(); }
  std::string ref() const override { return "vector-only"; }

 private:
  VectorStore& inner_;
};

TEST(HybridSearch, StoreWithoutKeywordSearchFallsBackToVectors) {
  auto store = corpus();
  VectorOnly vector_only(*store);
  EXPECT_THROW(vector_only.keyword_search("x", 1), UnsupportedError);
  const std::vector<float> q = {0, 1, 0, 0};
  HybridOptions options;
  options.k = 3;
  EXPECT_EQ(ids_of(hybrid_search(vector_only, q, "zygomorphic", options)), ids_of(store->search(q, 3)));
}

}  // namespace
}  // namespace alith::store
