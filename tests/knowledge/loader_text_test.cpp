// Plain text and Markdown files: encoding, binary detection, front matter and titles.

#include <gtest/gtest.h>

#include "alith/knowledge/loader.h"
#include "loader_test_util.h"

namespace alith::knowledge {
namespace {

using testing::TempDir;

TEST(TextLoader, LoadsAFileAsItIs) {
  TempDir dir;
  const auto p = dir.write("notes.txt", "first line\nsecond line\n");
  const auto docs = load_file(p);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].id, p.string());
  EXPECT_EQ(docs[0].source, p.string());
  EXPECT_EQ(docs[0].text, "first line\nsecond line\n");
  EXPECT_EQ(docs[0].metadata["format"], "text");
  EXPECT_TRUE(docs[0].page_starts.empty());
  EXPECT_EQ(docs[0].span(11, 17).line_begin, 2u);
}

TEST(TextLoader, ExtensionsAreCaseInsensitiveAndLogIsText) {
  TempDir dir;
  EXPECT_EQ(load_file(dir.write("A.TXT", "x"))[0].metadata["format"], "text");
  EXPECT_EQ(load_file(dir.write("server.log", "x"))[0].metadata["format"], "text");
  EXPECT_EQ(load_file(dir.write("b.text", "x"))[0].metadata["format"], "text");
}

TEST(TextLoader, StripsTheByteOrderMark) {
  EXPECT_EQ(load_bytes("\xEF\xBB\xBFhello", "text", "s")[0].text, "hello");
}

TEST(TextLoader, ReplacesInvalidUtf8) {
  // Latin-1 "café", a lone continuation byte, an overlong '/', a surrogate and a truncated sequence.
  std::string prose;
  for (int i = 0; i < 8; ++i) prose += "ordinary text ";
  const auto docs = load_bytes(prose + "caf\xE9 \x80 \xC0\xAF \xED\xA0\x80 end\xE2\x82", "text", "s");
  EXPECT_EQ(docs[0].text,
            prose +
                "caf\xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD "
                "end\xEF\xBF\xBD\xEF\xBF\xBD");
  // Valid multi-byte text passes unchanged.
  EXPECT_EQ(load_bytes("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", "text", "s")[0].text,
            "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
}

TEST(TextLoader, BinaryContentIsAParseError) {
  try {
    (void)load_bytes(std::string("PK\x03\x04\0\0binary", 12), "text", "archive.txt");
    FAIL() << "no error";
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("archive.txt"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("binary"), std::string::npos);
  }
  std::string controls(64, '\x01');
  EXPECT_THROW((void)load_bytes(controls + "text", "text", "s"), ParseError);
}

TEST(TextLoader, MissingFileIsAnIoErrorAndUnknownExtensionUnsupported) {
  TempDir dir;
  EXPECT_THROW((void)load_file(dir / "absent.txt"), IoError);
  EXPECT_THROW((void)load_file(dir.write("image.png", "x")), UnsupportedError);
  EXPECT_THROW((void)load_file(dir.path()), UnsupportedError);  // a directory has no extension
  EXPECT_THROW((void)load_bytes("x", "docx", "s"), UnsupportedError);
}

TEST(TextLoader, ExplicitFormatOverridesTheExtension) {
  TempDir dir;
  LoadOptions options;
  options.format = "md";
  const auto docs = load_file(dir.write("README", "# Read me\n"), options);
  EXPECT_EQ(docs[0].metadata["format"], "markdown");
  EXPECT_EQ(docs[0].metadata["title"], "Read me");
}

TEST(TextLoader, MaxBytesIsEnforced) {
  TempDir dir;
  LoadOptions options;
  options.max_bytes = 10;
  EXPECT_THROW((void)load_file(dir.write("big.txt", std::string(11, 'a')), options), TooLargeError);
  EXPECT_NO_THROW((void)load_file(dir.write("ok.txt", std::string(10, 'a')), options));
  EXPECT_THROW((void)load_bytes(std::string(11, 'a'), "text", "s", options), TooLargeError);
}

TEST(MarkdownLoader, TitleFromTheFirstLevelOneHeading) {
  const auto docs = load_bytes("Intro text\n\n## Not this\n\n# The Title #\n\n# Later\n", "markdown", "a.md");
  EXPECT_EQ(docs[0].metadata["format"], "markdown");
  EXPECT_EQ(docs[0].metadata["title"], "The Title");
}

TEST(MarkdownLoader, SetextHeadingAndCodeFences) {
  EXPECT_EQ(load_bytes("```\n# comment in code\n```\nReal Title\n==========\n", "markdown", "a")[0]
                .metadata["title"],
            "Real Title");
  EXPECT_FALSE(load_bytes("no heading here\n#hashtag\n", "markdown", "a")[0].metadata.contains("title"));
}

TEST(MarkdownLoader, FrontMatterBecomesMetadataAndKeepsLineNumbers) {
  const std::string md =
      "---\n"
      "title: \"Front Title\"\n"
      "tags: [a, b]\n"
      "weight: 3\n"
      "ratio: 0.5\n"
      "draft: false\n"
      "code: '007'\n"
      "date: 2024-01-05\n"
      "empty:\n"
      "---\n"
      "# Heading Title\n"
      "Body line.\n";
  const auto docs = load_bytes(md, "markdown", "post.md");
  const auto& m = docs[0].metadata;
  EXPECT_EQ(m["title"], "Front Title");  // front matter wins over the heading
  EXPECT_EQ(m["tags"], Json::array({"a", "b"}));
  EXPECT_EQ(m["weight"], 3);
  EXPECT_EQ(m["ratio"], 0.5);
  EXPECT_EQ(m["draft"], false);
  EXPECT_EQ(m["code"], "007");
  EXPECT_EQ(m["date"], "2024-01-05");
  EXPECT_TRUE(m["empty"].is_null());
  EXPECT_EQ(m["format"], "markdown");
  const std::string& text = docs[0].text;
  EXPECT_EQ(text.find("tags"), std::string::npos);
  EXPECT_EQ(text, std::string(10, '\n') + "# Heading Title\nBody line.\n");
  // "Body line." is line 12 of the file, and of the text.
  const size_t at = text.find("Body");
  EXPECT_EQ(docs[0].span(at, at + 4).line_begin, 12u);
}

TEST(MarkdownLoader, FrontMatterClosingAtTheEndOfTheFileKeepsTheLineCount) {
  // Found by markdown_loader_fuzz: the closing line has no newline of its own.
  const auto docs = load_bytes("---\nk: v\n---", "markdown", "end.md");
  EXPECT_EQ(docs[0].text, "\n\n");
  EXPECT_EQ(docs[0].metadata["k"], "v");
}

TEST(MarkdownLoader, HeadingTitleWhenFrontMatterHasNone) {
  const auto docs = load_bytes("---\nauthor: me\n...\n# From Heading\n", "markdown", "a");
  EXPECT_EQ(docs[0].metadata["author"], "me");
  EXPECT_EQ(docs[0].metadata["title"], "From Heading");
}

TEST(MarkdownLoader, AnUnclosedDashLineIsNotFrontMatter) {
  const auto docs = load_bytes("---\nnot: closed\n\ntext\n", "markdown", "a");
  EXPECT_FALSE(docs[0].metadata.contains("not"));
  EXPECT_EQ(docs[0].text, "---\nnot: closed\n\ntext\n");
}

TEST(MarkdownLoader, MalformedFrontMatterIsAParseErrorWithTheLine) {
  try {
    (void)load_bytes("---\ntitle: ok\nlist: [unclosed\n---\nbody\n", "markdown", "bad.md");
    FAIL() << "no error";
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.md:"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)load_bytes("---\n- a list\n---\n", "markdown", "a"), ParseError);
}

TEST(MarkdownLoader, AliasBombsAreRefused) {
  std::string yaml = "---\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 9; ++i) {
    yaml += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) yaml += std::string(k ? ", " : "") + "*a" + std::to_string(i - 1);
    yaml += "]\n";
  }
  yaml += "---\nbody\n";
  EXPECT_THROW((void)load_bytes(yaml, "markdown", "bomb.md"), ParseError);
}

}  // namespace
}  // namespace alith::knowledge
