#include <gtest/gtest.h>

#include "alith/core/error.h"
#include "alith/store/filter.h"

namespace alith::store {
namespace {

using Op = Condition::Op;

TEST(Filter, FromJsonParsesShorthandAndOperators) {
  auto f = Filter::from_json(
      {{"source", "a.md"}, {"page", {{"$gte", 2}, {"$lt", 5}}}, {"lang", {{"$in", {"en"}}}}});
  ASSERT_EQ(f.conditions().size(), 4u);
  EXPECT_FALSE(f.empty());
  // nlohmann objects iterate in key order: lang, page, source.
  EXPECT_EQ(f.conditions()[0].field, "lang");
  EXPECT_EQ(f.conditions()[0].op, Op::in);
  EXPECT_EQ(f.conditions()[1].op, Op::gte);
  EXPECT_EQ(f.conditions()[2].op, Op::lt);
  EXPECT_EQ(f.conditions()[3].op, Op::eq);
  EXPECT_EQ(f.conditions()[3].value, "a.md");
}

TEST(Filter, NullAndEmptySpecsAreEmptyFilters) {
  EXPECT_TRUE(Filter::from_json(nullptr).empty());
  EXPECT_TRUE(Filter::from_json(Json::object()).empty());
  EXPECT_TRUE(Filter().matches({{"anything", 1}}));
  EXPECT_TRUE(Filter().matches(Json::object()));
}

TEST(Filter, FromJsonRejectsMalformedSpecs) {
  const Json bad[] = {
      Json::array(),                           // not an object
      "source",                                // not an object
      {{"$and", Json::array()}},               // logical operators are not supported
      {{"", 1}},                               // empty field name
      {{"page", {{"$regex", "x"}}}},           // unknown operator
      {{"page", {{"nested", 1}}}},             // nested objects are not operator objects
      {{"page", Json::object()}},              // empty condition
      {{"page", nullptr}},                     // null operand
      {{"page", {{"$eq", nullptr}}}},          // null operand
      {{"page", {{"$eq", {{"a", 1}}}}}},       // object operand
      {{"page", {{"$eq", {1, 2}}}}},           // array operand for a scalar operator
      {{"lang", {{"$in", "en"}}}},             // $in needs an array
      {{"lang", {{"$nin", {{"a", 1}}}}}},      // $nin needs an array
      {{"lang", {{"$in", {"en", nullptr}}}}},  // items must be scalars
      {{"lang", {{"$in", {"en", {1, 2}}}}}},   // items must be scalars
      {{"flag", {{"$lt", true}}}},             // ranges need numbers or strings
  };
  for (const auto& spec : bad) EXPECT_THROW(Filter::from_json(spec), InvalidArgumentError) << spec.dump();
}

TEST(Filter, ErrorsNameTheField) {
  try {
    Filter::from_json({{"pagecount", {{"$like", 1}}}});
    FAIL() << "expected an error";
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("pagecount"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("$like"), std::string::npos);
  }
}

TEST(Filter, WhereBuildsAndValidates) {
  Filter f;
  f.where("page", Op::gt, 1).where("lang", Op::nin, {"de"});
  EXPECT_EQ(f.conditions().size(), 2u);
  EXPECT_TRUE(f.matches({{"page", 2}, {"lang", "en"}}));
  EXPECT_FALSE(f.matches({{"page", 2}, {"lang", "de"}}));
  EXPECT_THROW(f.where("", Op::eq, 1), InvalidArgumentError);
  EXPECT_THROW(f.where("x", Op::in, 1), InvalidArgumentError);
  EXPECT_THROW(f.where("x", Op::eq, nullptr), InvalidArgumentError);
  EXPECT_THROW(f.where("x", Op::gte, false), InvalidArgumentError);
}

TEST(Filter, MatchesEqualityByType) {
  const Json m = {{"n", 2}, {"s", "2"}, {"b", true}, {"f", 2.5}};
  EXPECT_TRUE(Filter::from_json({{"n", 2}}).matches(m));
  EXPECT_TRUE(Filter::from_json({{"n", 2.0}}).matches(m));  // numbers compare as numbers
  EXPECT_FALSE(Filter::from_json({{"n", "2"}}).matches(m));
  EXPECT_TRUE(Filter::from_json({{"s", "2"}}).matches(m));
  EXPECT_FALSE(Filter::from_json({{"s", 2}}).matches(m));
  EXPECT_TRUE(Filter::from_json({{"b", true}}).matches(m));
  EXPECT_FALSE(Filter::from_json({{"b", 1}}).matches(m));
  EXPECT_TRUE(Filter::from_json({{"f", 2.5}}).matches(m));
  EXPECT_TRUE(Filter::from_json({{"n", {{"$ne", "2"}}}}).matches(m));  // another type is not equal
}

TEST(Filter, MatchesRanges) {
  const Json m = {{"n", 5}, {"s", "m"}};
  EXPECT_TRUE(Filter::from_json({{"n", {{"$lt", 6}}}}).matches(m));
  EXPECT_FALSE(Filter::from_json({{"n", {{"$lt", 5}}}}).matches(m));
  EXPECT_TRUE(Filter::from_json({{"n", {{"$lte", 5}}}}).matches(m));
  EXPECT_TRUE(Filter::from_json({{"n", {{"$gt", 4.5}}}}).matches(m));
  EXPECT_FALSE(Filter::from_json({{"n", {{"$gt", 5}}}}).matches(m));
  EXPECT_TRUE(Filter::from_json({{"n", {{"$gte", 5}}}}).matches(m));
  EXPECT_TRUE(Filter::from_json({{"s", {{"$gt", "a"}, {"$lt", "z"}}}}).matches(m));
  EXPECT_FALSE(Filter::from_json({{"s", {{"$gte", "n"}}}}).matches(m));
  EXPECT_FALSE(Filter::from_json({{"n", {{"$gt", "a"}}}}).matches(m));  // no cross-type ordering
  EXPECT_FALSE(Filter::from_json({{"s", {{"$lt", 100}}}}).matches(m));
}

TEST(Filter, MatchesInAndNotIn) {
  const Json m = {{"lang", "fr"}, {"page", 3}};
  EXPECT_TRUE(Filter::from_json({{"lang", {{"$in", {"en", "fr"}}}}}).matches(m));
  EXPECT_FALSE(Filter::from_json({{"lang", {{"$in", {"en"}}}}}).matches(m));
  EXPECT_FALSE(Filter::from_json({{"lang", {{"$in", Json::array()}}}}).matches(m));
  EXPECT_TRUE(Filter::from_json({{"page", {{"$in", {"3", 3.0}}}}}).matches(m));
  EXPECT_FALSE(Filter::from_json({{"lang", {{"$nin", {"fr"}}}}}).matches(m));
  EXPECT_TRUE(Filter::from_json({{"lang", {{"$nin", {"de", 1}}}}}).matches(m));
}

TEST(Filter, MissingFieldsOnlySatisfyNegations) {
  const Json m = {{"other", 1}};
  EXPECT_FALSE(Filter::from_json({{"x", 1}}).matches(m));
  EXPECT_FALSE(Filter::from_json({{"x", {{"$lt", 1}}}}).matches(m));
  EXPECT_FALSE(Filter::from_json({{"x", {{"$in", {1}}}}}).matches(m));
  EXPECT_TRUE(Filter::from_json({{"x", {{"$ne", 1}}}}).matches(m));
  EXPECT_TRUE(Filter::from_json({{"x", {{"$nin", {1}}}}}).matches(m));
  // Non-object metadata has no fields at all.
  EXPECT_FALSE(Filter::from_json({{"x", 1}}).matches(Json::array()));
  EXPECT_TRUE(Filter::from_json({{"x", {{"$ne", 1}}}}).matches(nullptr));
}

TEST(Filter, AllConditionsMustHold) {
  const auto f = Filter::from_json({{"a", 1}, {"b", {{"$gt", 0}, {"$lt", 10}}}});
  EXPECT_TRUE(f.matches({{"a", 1}, {"b", 5}}));
  EXPECT_FALSE(f.matches({{"a", 1}, {"b", 10}}));
  EXPECT_FALSE(f.matches({{"a", 2}, {"b", 5}}));
  EXPECT_FALSE(f.matches({{"b", 5}}));
}

TEST(Filter, ToJsonRoundTrips) {
  const Json spec = {
      {"source", "a.md"}, {"page", {{"$gte", 2}, {"$lt", 5}}}, {"lang", {{"$nin", {"de", "fr"}}}}};
  const auto f = Filter::from_json(spec);
  const Json out = f.to_json();
  EXPECT_EQ(out["source"], (Json{{"$eq", "a.md"}}));
  EXPECT_EQ(out["page"], (Json{{"$gte", 2}, {"$lt", 5}}));
  const auto g = Filter::from_json(out);
  ASSERT_EQ(g.conditions().size(), f.conditions().size());
  for (size_t i = 0; i < f.conditions().size(); ++i) {
    EXPECT_EQ(g.conditions()[i].field, f.conditions()[i].field);
    EXPECT_EQ(g.conditions()[i].op, f.conditions()[i].op);
    EXPECT_EQ(g.conditions()[i].value, f.conditions()[i].value);
  }
  EXPECT_EQ(Filter().to_json(), Json::object());
}

}  // namespace
}  // namespace alith::store
