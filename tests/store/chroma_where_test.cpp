// Filters into Chroma `where` clauses and metadata into Chroma's flat maps, without a server. The clauses are
// checked against a real Chroma in chroma_store_test.cpp.

#include <gtest/gtest.h>

#include "alith/core/error.h"
#include "chroma/chroma_where.h"

namespace alith::store::chroma {
namespace {

Json where(const Json& spec) {
  auto w = to_where(Filter::from_json(spec));
  EXPECT_TRUE(w.has_value()) << spec.dump();
  return w.value_or(Json());
}

TEST(ChromaWhere, OneConditionStandsAloneSeveralAreJoinedWithAnd) {
  EXPECT_EQ(where(Json::object()), Json::object());
  EXPECT_EQ(where({{"lang", "en"}}), Json::parse(R"({"lang":{"$eq":"en"}})"));
  EXPECT_EQ(where({{"page", {{"$gte", 2}, {"$lt", 5}}}}),
            Json::parse(R"({"$and":[{"page":{"$gte":2}},{"page":{"$lt":5}}]})"));
}

TEST(ChromaWhere, NumbersInEqualityAndListsAreFloats) {
  const Json w = where({{"page", 2}});
  EXPECT_TRUE(w["page"]["$eq"].is_number_float());
  const Json list = where({{"page", {{"$in", {2, 3.5}}}}});
  for (const auto& v : list["page"]["$in"]) EXPECT_TRUE(v.is_number_float());
}

TEST(ChromaWhere, MixedListsSplitByType) {
  EXPECT_EQ(where({{"x", {{"$in", {1, "1", true, "2"}}}}}),
            Json::parse(R"({"$or":[{"x":{"$in":["1","2"]}},{"x":{"$in":[1.0]}},{"x":{"$in":[true]}}]})"));
  EXPECT_EQ(where({{"x", {{"$nin", {1, "1"}}}}}),
            Json::parse(R"({"$and":[{"x":{"$nin":["1"]}},{"x":{"$nin":[1.0]}}]})"));
}

TEST(ChromaWhere, EmptyListsMatchNothingOrEverything) {
  EXPECT_FALSE(to_where(Filter::from_json({{"x", {{"$in", Json::array()}}}})).has_value());
  EXPECT_EQ(where({{"x", {{"$nin", Json::array()}}}}), Json::object());
}

TEST(ChromaWhere, StringRangesAreUnsupported) {
  EXPECT_THROW(to_where(Filter::from_json({{"name", {{"$lt", "m"}}}})), UnsupportedError);
}

TEST(ChromaMetadata, ScalarsAreStoredAsTheyAre) {
  const Json m = {{"s", "x"}, {"i", 2}, {"f", 2.5}, {"b", false}};
  EXPECT_EQ(to_chroma_metadata(m), m);
  EXPECT_EQ(from_chroma_metadata(m), m);
  EXPECT_EQ(to_chroma_metadata(Json()), Json::object());
}

TEST(ChromaMetadata, OtherValuesTravelAsJsonTextAndComeBackWhole) {
  const Json m = {{"s", "x"}, {"nested", {{"a", {1, nullptr}}}}, {"none", nullptr}};
  const Json stored = to_chroma_metadata(m);
  EXPECT_EQ(stored["s"], "x");  // filters still see the scalar fields
  EXPECT_FALSE(stored.contains("nested"));
  EXPECT_FALSE(stored.contains("none"));
  EXPECT_TRUE(stored[kMetadataKey].is_string());
  EXPECT_EQ(from_chroma_metadata(stored), m);
  // Unreadable stored JSON falls back to the scalar fields.
  EXPECT_EQ(from_chroma_metadata({{"s", "x"}, {kMetadataKey, "{broken"}}), Json({{"s", "x"}}));
}

}  // namespace
}  // namespace alith::store::chroma
