// Record ids into Qdrant point ids, filters into Qdrant filters, and score conventions, without a server.

#include <gtest/gtest.h>

#include "alith/core/error.h"
#include "qdrant/qdrant_translate.h"

namespace alith::store::qdrant {
namespace {

Json filter(const Json& spec) {
  auto f = to_qdrant_filter(Filter::from_json(spec));
  EXPECT_TRUE(f.has_value()) << spec.dump();
  return f.value_or(Json());
}

// Reference values from Python's uuid.uuid5 with the same namespace (an independent implementation).
TEST(QdrantIds, NameBasedUuidVersion5) {
  EXPECT_EQ(point_id("doc-1"), "8ea68ba4-268a-5711-af60-27b451750177");
  EXPECT_EQ(point_id(""), "248bbb37-277b-528b-9cae-fa6fc01fe722");
  EXPECT_EQ(point_id("ключ"), "b9190ed7-ef51-5787-88e5-870db9364e35");
  EXPECT_EQ(point_id("doc-1"), point_id("doc-1"));
  EXPECT_NE(point_id("doc-1"), point_id("doc-2"));
}

TEST(QdrantFilter, EqualityMatchesStringsAndBooleansAndRangesNumbers) {
  EXPECT_EQ(filter(Json::object()), Json::object());
  EXPECT_EQ(filter({{"lang", "en"}}),
            Json::parse(R"({"must":[{"key":"metadata.lang","match":{"value":"en"}}]})"));
  EXPECT_EQ(filter({{"draft", true}}),
            Json::parse(R"({"must":[{"key":"metadata.draft","match":{"value":true}}]})"));
  EXPECT_EQ(filter({{"page", 2}}),
            Json::parse(R"({"must":[{"key":"metadata.page","range":{"gte":2,"lte":2}}]})"));
}

TEST(QdrantFilter, NegationsUseMustNot) {
  EXPECT_EQ(filter({{"lang", {{"$ne", "en"}}}}),
            Json::parse(R"({"must_not":[{"key":"metadata.lang","match":{"value":"en"}}]})"));
  EXPECT_EQ(filter({{"x", {{"$nin", {"a", "b", 3}}}}}),
            Json::parse(R"({"must_not":[{"key":"metadata.x","match":{"any":["a","b"]}},
                                        {"key":"metadata.x","range":{"gte":3,"lte":3}}]})"));
  EXPECT_EQ(filter({{"x", {{"$nin", Json::array()}}}}), Json::object());
}

TEST(QdrantFilter, InListsOfMixedTypesBecomeShould) {
  EXPECT_EQ(filter({{"x", {{"$in", {"a", "b"}}}}}),
            Json::parse(R"({"must":[{"key":"metadata.x","match":{"any":["a","b"]}}]})"));
  EXPECT_EQ(filter({{"x", {{"$in", {"a", 1.5, false}}}}}),
            Json::parse(R"({"must":[{"should":[{"key":"metadata.x","match":{"any":["a"]}},
                                               {"key":"metadata.x","range":{"gte":1.5,"lte":1.5}},
                                               {"key":"metadata.x","match":{"value":false}}]}]})"));
  EXPECT_FALSE(to_qdrant_filter(Filter::from_json({{"x", {{"$in", Json::array()}}}})).has_value());
}

TEST(QdrantFilter, NumericRangesAndSeveralConditions) {
  EXPECT_EQ(filter({{"page", {{"$gte", 2}, {"$lt", 5}}}, {"lang", "en"}}),
            Json::parse(R"({"must":[{"key":"metadata.lang","match":{"value":"en"}},
                                    {"key":"metadata.page","range":{"gte":2}},
                                    {"key":"metadata.page","range":{"lt":5}}]})"));
}

TEST(QdrantFilter, WhatQdrantCannotSayIsUnsupported) {
  EXPECT_THROW(to_qdrant_filter(Filter::from_json({{"name", {{"$lt", "m"}}}})), UnsupportedError);
  EXPECT_THROW(to_qdrant_filter(Filter::from_json({{"say \"hi\"", 1}})), UnsupportedError);
  EXPECT_THROW(to_qdrant_filter(Filter::from_json({{"back\\slash", 1}})), UnsupportedError);
}

TEST(QdrantFilter, NamesWithPathCharactersAreQuoted) {
  EXPECT_EQ(filter({{"a.b[0] c", "x"}}),
            Json::parse(R"({"must":[{"key":"metadata.\"a.b[0] c\"","match":{"value":"x"}}]})"));
  EXPECT_EQ(filter({{"snake_case-1", "x"}})["must"][0]["key"], "metadata.snake_case-1");
}

TEST(QdrantScores, EuclidDistancesAreNegated) {
  EXPECT_FLOAT_EQ(score_of(Metric::cosine, 0.25), 0.25f);
  EXPECT_FLOAT_EQ(score_of(Metric::dot, -3.0), -3.0f);
  EXPECT_FLOAT_EQ(score_of(Metric::l2, 2.0), -2.0f);
  EXPECT_EQ(distance_name(Metric::l2), "Euclid");
  EXPECT_EQ(metric_from_distance("Dot"), Metric::dot);
  EXPECT_THROW(metric_from_distance("Manhattan"), UnsupportedError);
}

}  // namespace
}  // namespace alith::store::qdrant
