#include "alith/core/json.h"

#include <gtest/gtest.h>

#include <string>

namespace alith {
namespace {

TEST(Json, ParsesValues) {
  auto r = parse_json(R"({"a":[1,2.5,"x",true,null],"b":{"c":-3}})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)["a"][0], 1);
  EXPECT_EQ((*r)["a"][1], 2.5);
  EXPECT_EQ((*r)["a"][2], "x");
  EXPECT_EQ((*r)["b"]["c"], -3);
  EXPECT_TRUE(parse_json("42").ok());
  EXPECT_TRUE(parse_json("  \"s\"  ").ok());
  EXPECT_TRUE(parse_json("[]").ok());
}

TEST(Json, MalformedIsAnErrorWithOffset) {
  auto r = parse_json(R"({"a": tru})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::parse);
  ASSERT_TRUE(r.error().offset);
  EXPECT_GE(*r.error().offset, 6u);
  EXPECT_LE(*r.error().offset, 9u);
  EXPECT_FALSE(parse_json("").ok());
  EXPECT_FALSE(parse_json("{").ok());
  EXPECT_FALSE(parse_json("{\"a\":1,}").ok());
  EXPECT_FALSE(parse_json("'single'").ok());
}

TEST(Json, TrailingGarbageIsAnError) {
  auto r = parse_json("{} x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::parse);
  EXPECT_FALSE(parse_json("[1] [2]").ok());
}

TEST(Json, InvalidUtf8IsAnError) {
  EXPECT_FALSE(parse_json("\"\xC0\xAF\"").ok());
}

TEST(Json, DeepNestingIsAnErrorNotACrash) {
  const std::string deep(100000, '[');
  auto r = parse_json(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::parse);
  EXPECT_EQ(r.error().offset, 256u);

  std::string balanced = std::string(300, '[') + std::string(300, ']');
  EXPECT_FALSE(parse_json(balanced).ok());
  EXPECT_TRUE(parse_json(balanced, 300).ok());
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
  EXPECT_FALSE(parse_json(objects).ok());
}

TEST(Json, BracketsInsideStringsDoNotCountAsDepth) {
  EXPECT_TRUE(parse_json("[\"" + std::string(1000, '[') + "\"]", 4).ok());
}

TEST(Json, ValueThrowsTypedError) {
  auto r = parse_json("nope");
  EXPECT_THROW((void)r.value(), ParseError);
  try {
    (void)r.value();
  } catch (const ParseError& e) {
    EXPECT_TRUE(e.offset().has_value());
  }
}

TEST(Json, DumpReplacesInvalidUtf8) {
  const Json v = std::string(
      "a\xFF"
      "b");
  EXPECT_EQ(dump_json(v),
            "\"a\xEF\xBF\xBD"
            "b\"");
  EXPECT_EQ(dump_json(Json{{"k", 1}}, 2), "{\n  \"k\": 1\n}");
}

// An object's members come out one by one (a byte-order mark takes nlohmann's path, with the same result);
// other values come back whole; bad text hands nothing over.
TEST(Json, MembersOfAnObjectAreHandedOver) {
  for (std::string prefix : {"", "\xEF\xBB\xBF"}) {
    Json collected = Json::object();
    auto take = [&](std::string_view key, Json&& value) { collected[std::string(key)] = std::move(value); };
    auto r = parse_json_members(prefix + R"({"a":1,"b":{"c":[true]},"a":2})", take);
    ASSERT_TRUE(r.ok()) << prefix;
    EXPECT_FALSE(r->has_value());
    EXPECT_EQ(collected, Json::parse(R"({"a":2,"b":{"c":[true]}})"));
  }
  int calls = 0;
  auto count = [&](std::string_view, Json&&) { ++calls; };
  auto array = parse_json_members("[1,2]", count);
  ASSERT_TRUE(array.ok());
  EXPECT_EQ(**array, Json::parse("[1,2]"));
  EXPECT_EQ(parse_json_members("{}", count)->has_value(), false);
  EXPECT_FALSE(parse_json_members(R"({"a":1,"b":})", count).ok());
  EXPECT_FALSE(parse_json_members(R"({"a":[[1]]})", count, 2).ok());  // too deep
  EXPECT_TRUE(parse_json_members(R"({"a":[1]})", count, 2).ok());
  EXPECT_EQ(calls, 1);
}

// The writers used on hot paths write exactly what dump_json does: escapes, control bytes, DEL, non-ASCII
// (valid and not), and after text already in the buffer.
TEST(Json, AppendWritesWhatDumpWrites) {
  std::vector<std::string> texts = {"",
                                    "plain",
                                    "quote \" backslash \\ slash /",
                                    "\b\f\n\r\t",
                                    std::string("nul \0 and \x01\x1f\x7f", 12),
                                    "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80",
                                    "bad \xFF byte",
                                    "cut \xE2\x82"};
  for (const auto& text : texts) {
    std::string out = "prefix";
    append_json_string(out, text);
    EXPECT_EQ(out, "prefix" + dump_json(Json(text))) << text;
  }
  const Json doc = Json::parse(R"({"a":[1,2.5,"x\n",null,true],"b":{"c":-3}})");
  std::string out = "[";
  append_json(out, doc);
  EXPECT_EQ(out, "[" + dump_json(doc));
}

}  // namespace
}  // namespace alith
