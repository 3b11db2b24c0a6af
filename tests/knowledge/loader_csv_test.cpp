// CSV and TSV: RFC 4180 quoting, column mapping, line spans, malformed input.

#include <gtest/gtest.h>

#include "alith/knowledge/loader.h"
#include "loader_test_util.h"

namespace alith::knowledge {
namespace {

using testing::TempDir;

std::vector<Document> csv(const std::string& text, const CsvOptions& csv_options = {}) {
  LoadOptions options;
  options.csv = csv_options;
  return load_bytes(text, "csv", "data.csv", options);
}

TEST(CsvLoader, OneDocumentPerRowWithEveryColumnAsText) {
  TempDir dir;
  const auto p = dir.write("people.csv", "name,age\nAda,36\nAlan,41\n");
  const auto docs = load_file(p);
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0].id, p.string() + "#1");
  EXPECT_EQ(docs[1].id, p.string() + "#2");
  EXPECT_EQ(docs[0].source, p.string());
  EXPECT_EQ(docs[0].text, "name: Ada\nage: 36");
  EXPECT_EQ(docs[1].metadata["format"], "csv");
  EXPECT_EQ(docs[1].metadata["row"], 2);
  EXPECT_EQ(docs[1].metadata["line"], 3);
  EXPECT_EQ(docs[1].metadata["line_end"], 3);
}

TEST(CsvLoader, QuotesEscapesEmbeddedNewlinesAndCrLf) {
  const auto docs =
      csv("id,body,score\r\n"
          "a1,\"Hello, \"\"world\"\"\",1.5\r\n"
          "a2,\"two\r\nline\nbody\",-2\r\n"
          "a3,,007\r\n");
  ASSERT_EQ(docs.size(), 3u);
  CsvOptions o;
  o.text_column = "body";
  o.metadata_columns = {"score", "id"};
  o.id_column = "id";
  const auto mapped =
      csv("id,body,score\r\n"
          "a1,\"Hello, \"\"world\"\"\",1.5\r\n"
          "a2,\"two\r\nline\nbody\",-2\r\n"
          "a3,,007\r\n",
          o);
  ASSERT_EQ(mapped.size(), 3u);
  EXPECT_EQ(mapped[0].text, "Hello, \"world\"");
  EXPECT_EQ(mapped[0].id, "data.csv#a1");
  EXPECT_EQ(mapped[0].metadata["score"], 1.5);
  EXPECT_EQ(mapped[0].metadata["id"], "a1");
  EXPECT_EQ(mapped[1].text, "two\r\nline\nbody");
  EXPECT_EQ(mapped[1].metadata["score"], -2);
  EXPECT_TRUE(mapped[1].metadata["score"].is_number_integer());
  EXPECT_EQ(mapped[1].metadata["line"], 3);
  EXPECT_EQ(mapped[1].metadata["line_end"], 5);
  EXPECT_EQ(mapped[2].text, "");
  EXPECT_EQ(mapped[2].metadata["score"], "007");  // a leading zero is not a JSON number
  EXPECT_EQ(mapped[2].metadata["line"], 6);
}

TEST(CsvLoader, NumbersInMetadata) {
  CsvOptions o;
  o.metadata_columns = {"v"};
  const auto docs = csv("v\n42\n-0\n1e3\n2.50\n1.\n.5\n+1\n0x10\n99999999999999999999\n1e999\n", o);
  ASSERT_EQ(docs.size(), 10u);
  EXPECT_EQ(docs[0].metadata["v"], 42);
  EXPECT_TRUE(docs[1].metadata["v"].is_number());
  EXPECT_EQ(docs[2].metadata["v"], 1000.0);
  EXPECT_EQ(docs[3].metadata["v"], 2.5);
  EXPECT_EQ(docs[4].metadata["v"], "1.");
  EXPECT_EQ(docs[5].metadata["v"], ".5");
  EXPECT_EQ(docs[6].metadata["v"], "+1");
  EXPECT_EQ(docs[7].metadata["v"], "0x10");
  EXPECT_TRUE(docs[8].metadata["v"].is_number_float());  // too big for an integer
  EXPECT_EQ(docs[9].metadata["v"], "1e999");
}

TEST(CsvLoader, NoHeaderNamesColumnsByNumber) {
  CsvOptions o;
  o.header = false;
  o.text_column = "2";
  const auto docs = csv("x,first\ny,second\n", o);
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0].text, "first");
  EXPECT_EQ(docs[0].metadata["line"], 1);
  EXPECT_EQ(docs[1].id, "data.csv#2");
}

TEST(CsvLoader, TsvByExtensionAndQuotesInsideFields) {
  TempDir dir;
  const auto docs = load_file(dir.write("t.tsv", "word\tnote\nsay\tHe said \"hi\", then left\n"));
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].text, "word: say\nnote: He said \"hi\", then left");
  CsvOptions o;
  o.delimiter = ';';
  EXPECT_EQ(csv("a;b\n1;2\n", o)[0].text, "a: 1\nb: 2");
}

TEST(CsvLoader, EmptyLinesAreSkippedAndEmptyInputHasNoRows) {
  EXPECT_EQ(csv("a,b\n\n1,2\n\r\n3,4").size(), 2u);
  EXPECT_TRUE(csv("").empty());
  EXPECT_TRUE(csv("only,header\n").empty());
  EXPECT_EQ(csv("a,b\n1,\n")[0].text, "a: 1\nb: ");  // a trailing delimiter is an empty last field
  // ... also at the very end of the input, where the row's line span must still be set (found by the fuzzer).
  const auto last = csv("a,b\n1,2\n\"x\ny\",");
  ASSERT_EQ(last.size(), 2u);
  EXPECT_EQ(last[1].metadata["line"], 3);
  EXPECT_EQ(last[1].metadata["line_end"], 4);
}

TEST(CsvLoader, UnterminatedQuoteNamesItsLine) {
  try {
    (void)csv("a,b\n1,2\n3,\"open\nstill open\n");
    FAIL() << "no error";
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("data.csv:3"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("unterminated"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)csv("a\n\"x\"y\n"), ParseError);  // text after a closing quote
}

TEST(CsvLoader, RaggedRowNamesItsLine) {
  try {
    (void)csv("a,b,c\n1,2,3\n4,5\n");
    FAIL() << "no error";
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("data.csv:3"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("2 fields, expected 3"), std::string::npos) << e.what();
  }
}

TEST(CsvLoader, UnknownColumnsAndDuplicateIds) {
  CsvOptions o;
  o.text_column = "missing";
  EXPECT_THROW((void)csv("a,b\n1,2\n", o), InvalidArgumentError);
  CsvOptions ids;
  ids.id_column = "a";
  EXPECT_THROW((void)csv("a,b\n1,2\n1,3\n", ids), ParseError);
  const auto fallback = csv("a,b\n,2\nk,3\n", ids);
  EXPECT_EQ(fallback[0].id, "data.csv#1");
  EXPECT_EQ(fallback[1].id, "data.csv#k");
}

}  // namespace
}  // namespace alith::knowledge
