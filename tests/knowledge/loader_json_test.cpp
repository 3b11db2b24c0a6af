// JSON and JSON Lines: record selection, field mapping, ids and malformed input.

#include <gtest/gtest.h>

#include "alith/knowledge/loader.h"
#include "loader_test_util.h"

namespace alith::knowledge {
namespace {

using testing::TempDir;

std::vector<Document> json(const std::string& text, const JsonOptions& json_options = {},
                           const std::string& format = "json") {
  LoadOptions options;
  options.json = json_options;
  return load_bytes(text, format, "d.json", options);
}

TEST(JsonLoader, TopLevelArrayIsRecords) {
  TempDir dir;
  const auto p = dir.write("items.json", R"(["plain string", {"a": 1}])");
  const auto docs = load_file(p);
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0].text, "plain string");
  EXPECT_EQ(docs[0].id, p.string() + "#0");
  EXPECT_EQ(docs[1].text, R"({"a":1})");
  EXPECT_EQ(docs[1].metadata["format"], "json");
  EXPECT_EQ(docs[1].metadata["index"], 1);
}

TEST(JsonLoader, AnObjectIsOneRecord) {
  const auto docs = json(R"({"title": "x", "n": 2})");
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].id, "d.json");
  EXPECT_EQ(docs[0].text, R"({"n":2,"title":"x"})");
  EXPECT_FALSE(docs[0].metadata.contains("index"));
}

TEST(JsonLoader, RecordsTextMetadataAndIdByPointer) {
  JsonOptions o;
  o.records = "/data/items";
  o.text_field = "/body/text";
  o.metadata_fields = {"author", "/meta/year", "absent"};
  o.id_field = "/meta/slug";
  const auto docs = json(R"({"data": {"items": [
      {"body": {"text": "first body"}, "author": "Ada", "meta": {"year": 1843, "slug": "notes"}},
      {"body": {"text": {"nested": true}}, "meta": {"year": 1950}},
      {"body": {"text": null}, "meta": {"slug": 7}}]}})",
                         o);
  ASSERT_EQ(docs.size(), 3u);
  EXPECT_EQ(docs[0].text, "first body");
  EXPECT_EQ(docs[0].id, "d.json#notes");
  EXPECT_EQ(docs[0].metadata["author"], "Ada");
  EXPECT_EQ(docs[0].metadata["meta/year"], 1843);
  EXPECT_FALSE(docs[0].metadata.contains("absent"));
  EXPECT_EQ(docs[1].text, R"({"nested":true})");
  EXPECT_EQ(docs[1].id, "d.json#1");  // no slug: its index
  EXPECT_FALSE(docs[1].metadata.contains("author"));
  EXPECT_EQ(docs[2].text, "");
  EXPECT_EQ(docs[2].id, "d.json#7");
}

TEST(JsonLoader, MissingOrMisplacedRecordsAndFields) {
  JsonOptions o;
  o.records = "/nope";
  EXPECT_THROW((void)json(R"({"a": []})", o), ParseError);
  o.records = "/a";
  EXPECT_THROW((void)json(R"({"a": {}})", o), ParseError);
  JsonOptions t;
  t.text_field = "body";
  try {
    (void)json(R"([{"body": "ok"}, {"other": 1}])", t);
    FAIL() << "no error";
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("record 1"), std::string::npos) << e.what();
  }
  JsonOptions bad;
  bad.text_field = "/a~2";  // "~2" is not a valid escape
  EXPECT_THROW((void)json("[]", bad), InvalidArgumentError);
  JsonOptions dup;
  dup.id_field = "id";
  EXPECT_THROW((void)json(R"([{"id": 1}, {"id": 1}])", dup), ParseError);
}

TEST(JsonLoader, TruncatedJsonNamesTheLine) {
  try {
    (void)json("[\n  {\"a\": 1},\n  {\"b\": ");
    FAIL() << "no error";
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("d.json:3"), std::string::npos) << e.what();
    EXPECT_TRUE(e.offset().has_value());
  }
}

TEST(JsonLoader, DeepNestingIsAParseError) {
  EXPECT_THROW((void)json(std::string(100000, '[') + std::string(100000, ']')), ParseError);
}

TEST(JsonlLoader, OneRecordPerLineWithLineNumbers) {
  TempDir dir;
  JsonOptions o;
  o.text_field = "text";
  o.metadata_fields = {"lang"};
  LoadOptions options;
  options.json = o;
  const auto p =
      dir.write("rows.ndjson", "{\"text\": \"one\", \"lang\": \"en\"}\r\n\n  \n{\"text\": \"three\"}\n");
  const auto docs = load_file(p, options);
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0].text, "one");
  EXPECT_EQ(docs[0].id, p.string() + "#1");
  EXPECT_EQ(docs[0].metadata["line"], 1);
  EXPECT_EQ(docs[0].metadata["lang"], "en");
  EXPECT_EQ(docs[0].metadata["format"], "jsonl");
  EXPECT_EQ(docs[1].text, "three");
  EXPECT_EQ(docs[1].id, p.string() + "#4");
  EXPECT_EQ(docs[1].metadata["line"], 4);
  EXPECT_EQ(load_file(dir.write("x.jsonl", "1\n\"s\"\n")).size(), 2u);
}

TEST(JsonlLoader, ABadLineIsAParseErrorNamingIt) {
  try {
    (void)json("{\"a\": 1}\n{\"a\": 2}\n{\"a\": \n{\"a\": 4}\n", {}, "jsonl");
    FAIL() << "no error";
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("d.json:3"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)json("{} {}\n", {}, "jsonl"), ParseError);  // two values on one line
}

}  // namespace
}  // namespace alith::knowledge
