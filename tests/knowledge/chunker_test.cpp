#include "alith/knowledge/chunker.h"

#include <gtest/gtest.h>

#include <random>

#include "alith/core/error.h"

namespace alith::knowledge {
namespace {

// One token per whitespace-separated word: easy to reason about in expectations.
size_t words(std::string_view text) {
  size_t n = 0;
  bool in_word = false;
  for (char c : text) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (!space && !in_word) ++n;
    in_word = !space;
  }
  return n;
}

Document doc(std::string text, std::string format = "text") {
  Document d;
  d.id = d.source = "mem.txt";
  d.text = std::move(text);
  d.metadata = {{"format", format}};
  return d;
}

ChunkOptions by_words(size_t max, size_t overlap) {
  return {max, overlap, words};
}

std::string sentence(size_t n_words, std::mt19937& rng) {
  static const char* vocabulary[] = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"};
  std::string s;
  for (size_t i = 0; i < n_words; ++i) {
    if (i) s += ' ';
    s += vocabulary[rng() % 8];
  }
  return s + ".";
}

void expect_spans_point_back(const Document& d, const std::vector<Chunk>& chunks) {
  for (const auto& c : chunks) {
    ASSERT_LE(c.span.end, d.text.size());
    EXPECT_EQ(c.text, d.text.substr(c.span.begin, c.span.end - c.span.begin));
    const auto line_of = [&](size_t offset) {
      return static_cast<size_t>(
                 std::count(d.text.begin(), d.text.begin() + static_cast<long>(offset), '\n')) +
             1;
    };
    EXPECT_EQ(c.span.line_begin, line_of(c.span.begin));
    EXPECT_EQ(c.span.line_end, line_of(c.span.end - 1));
  }
}

TEST(RecursiveSplitter, ShortTextIsOneTrimmedChunk) {
  const auto d = doc("\n\n  Hello world.  \n");
  const auto chunks = split_recursive(d, by_words(10, 2));
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].text, "Hello world.");
  EXPECT_EQ(chunks[0].id, "mem.txt:0");
  EXPECT_EQ(chunks[0].tokens, 2u);
  EXPECT_EQ(chunks[0].span.line_begin, 3u);
  EXPECT_EQ(chunks[0].metadata["format"], "text");
  expect_spans_point_back(d, chunks);
}

TEST(RecursiveSplitter, BlankTextGivesNoChunks) {
  EXPECT_TRUE(split_recursive(doc(""), by_words(10, 2)).empty());
  EXPECT_TRUE(split_recursive(doc(" \n\n\t "), by_words(10, 2)).empty());
}

TEST(RecursiveSplitter, PrefersParagraphBoundaries) {
  std::mt19937 rng(1);
  const std::string p1 = sentence(30, rng), p2 = sentence(30, rng), p3 = sentence(30, rng);
  const auto d = doc(p1 + "\n\n" + p2 + "\n\n" + p3 + "\n");
  const auto chunks = split_recursive(d, by_words(40, 0));
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].text, p1);
  EXPECT_EQ(chunks[1].text, p2);
  EXPECT_EQ(chunks[2].text, p3);
  EXPECT_EQ(chunks[1].span.line_begin, 3u);
  expect_spans_point_back(d, chunks);
}

TEST(RecursiveSplitter, PacksSmallParagraphsTogether) {
  const auto d = doc("one two.\n\nthree four.\n\nfive six.\n\nseven eight.");
  const auto chunks = split_recursive(d, by_words(4, 0));
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0].text, "one two.\n\nthree four.");
  EXPECT_EQ(chunks[1].text, "five six.\n\nseven eight.");
}

TEST(RecursiveSplitter, FallsBackToSentencesThenWords) {
  const auto d = doc("First sentence here now. Second sentence here now. Third one is here.");
  auto chunks = split_recursive(d, by_words(8, 0));
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0].text, "First sentence here now. Second sentence here now.");
  EXPECT_EQ(chunks[1].text, "Third one is here.");
  chunks = split_recursive(doc("a b c d e f g"), by_words(3, 0));
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[2].text, "g");
}

TEST(RecursiveSplitter, OverlapRepeatsTheTailOfThePreviousChunk) {
  const auto d = doc("w1 w2 w3 w4 w5 w6 w7 w8 w9 w10");
  const auto chunks = split_recursive(d, by_words(4, 2));
  ASSERT_GE(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].text, "w1 w2 w3 w4");
  EXPECT_EQ(chunks[1].text, "w3 w4 w5 w6");
  EXPECT_EQ(chunks.back().text.substr(chunks.back().text.size() - 3), "w10");
  for (size_t i = 1; i < chunks.size(); ++i) {
    EXPECT_LT(chunks[i].span.begin, chunks[i - 1].span.end);    // they overlap
    EXPECT_GT(chunks[i].span.begin, chunks[i - 1].span.begin);  // and progress
  }
}

TEST(RecursiveSplitter, NeverExceedsTheLimitAndCoversEveryWord) {
  for (unsigned seed = 0; seed < 40; ++seed) {
    std::mt19937 rng(seed);
    std::string text;
    const int paragraphs = 1 + static_cast<int>(rng() % 6);
    for (int p = 0; p < paragraphs; ++p) {
      const int sentences = 1 + static_cast<int>(rng() % 8);
      for (int s = 0; s < sentences; ++s)
        text += sentence(1 + rng() % 25, rng) + (rng() % 4 == 0 ? "\n" : " ");
      text += "\n\n";
    }
    const auto d = doc(text);
    const size_t max = 5 + rng() % 30;
    const size_t overlap = rng() % max;
    const auto chunks = split_recursive(d, by_words(max, overlap));
    ASSERT_FALSE(chunks.empty());
    std::vector<bool> covered(text.size(), false);
    for (const auto& c : chunks) {
      EXPECT_LE(c.tokens, max) << "seed " << seed;
      EXPECT_EQ(c.tokens, words(c.text));
      for (size_t i = c.span.begin; i < c.span.end; ++i) covered[i] = true;
    }
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] != ' ' && text[i] != '\n') {
        ASSERT_TRUE(covered[i]) << "seed " << seed << " offset " << i;
      }
    }
    expect_spans_point_back(d, chunks);
    // Deterministic.
    const auto again = split_recursive(d, by_words(max, overlap));
    ASSERT_EQ(again.size(), chunks.size());
    for (size_t i = 0; i < chunks.size(); ++i) EXPECT_EQ(again[i].span.begin, chunks[i].span.begin);
  }
}

TEST(RecursiveSplitter, SplitsAnOverlongWordOnCharacterBoundaries) {
  std::string word;
  for (int i = 0; i < 40; ++i) word += "\xC3\xA9";  // é, two bytes each
  const auto d = doc(word);
  ChunkOptions options{.max_tokens = 5, .overlap_tokens = 0, .count_tokens = [](std::string_view t) {
                         return (t.size() + 3) / 4;  // ~4 bytes per token
                       }};
  const auto chunks = split_recursive(d, options);
  ASSERT_GT(chunks.size(), 1u);
  std::string joined;
  for (const auto& c : chunks) {
    EXPECT_LE(c.tokens, 5u);
    EXPECT_EQ(c.text.size() % 2, 0u) << "a character was cut in half";
    joined += c.text;
  }
  EXPECT_EQ(joined, word);
}

TEST(RecursiveSplitter, InvalidUtf8IsCutEveryFourBytes) {
  // Found by chunker_fuzz: a run of continuation bytes has no character boundary, and one chunk took it all.
  const auto d = doc(std::string("\0", 1) + std::string(25, '\x81'));
  ChunkOptions options{
      .max_tokens = 1, .overlap_tokens = 0, .count_tokens = [](std::string_view t) { return t.size(); }};
  for (const auto& c : split_recursive(d, options)) EXPECT_LE(c.text.size(), 4u);
}

TEST(RecursiveSplitter, PagesComeFromPageStarts) {
  auto d = doc("page one text\n\fpage two text\n\fpage three text");
  d.page_starts = {0, d.text.find("page two"), d.text.find("page three")};
  const auto chunks = split_recursive(d, by_words(3, 0));
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].span.page_begin, 1);
  EXPECT_EQ(chunks[1].span.page_begin, 2);
  EXPECT_EQ(chunks[2].span.page_end, 3);
}

TEST(RecursiveSplitter, RejectsImpossibleOptions) {
  EXPECT_THROW(split_recursive(doc("x"), by_words(0, 0)), InvalidArgumentError);
  EXPECT_THROW(split_recursive(doc("x"), by_words(4, 4)), InvalidArgumentError);
}

TEST(MarkdownSplitter, ChunksCarryTheirHeadingPath) {
  const auto d =
      doc("Intro line.\n\n# Guide\n\nAbout the guide.\n\n## Install\n\nRun the setup.\n\n### Linux\n\nUse "
          "apt.\n\n"
          "## Use\n\nCall it.\n",
          "markdown");
  const auto chunks = split_markdown(d, by_words(50, 0));
  ASSERT_EQ(chunks.size(), 5u);
  EXPECT_TRUE(chunks[0].headings.empty());
  EXPECT_EQ(chunks[0].text, "Intro line.");
  EXPECT_EQ(chunks[1].headings, (std::vector<std::string>{"Guide"}));
  EXPECT_EQ(chunks[3].headings, (std::vector<std::string>{"Guide", "Install", "Linux"}));
  EXPECT_EQ(chunks[3].text, "### Linux\n\nUse apt.");
  EXPECT_EQ(chunks[4].headings, (std::vector<std::string>{"Guide", "Use"}));
  EXPECT_EQ(chunks[3].embedding_text(), "Guide > Install > Linux\n### Linux\n\nUse apt.");
  EXPECT_EQ(chunks[4].span.line_begin, 15u);
  expect_spans_point_back(d, chunks);
}

TEST(MarkdownSplitter, IgnoresHashesInCodeAndReadsSetextHeadings) {
  const auto d =
      doc("Title\n=====\n\nText.\n\n```sh\n# not a heading\necho hi\n```\n\nPart two\n--------\n\nMore ## "
          "text.\n",
          "markdown");
  const auto chunks = split_markdown(d, by_words(50, 0));
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0].headings, (std::vector<std::string>{"Title"}));
  EXPECT_NE(chunks[0].text.find("# not a heading"), std::string::npos);
  EXPECT_EQ(chunks[1].headings, (std::vector<std::string>{"Title", "Part two"}));
}

TEST(MarkdownSplitter, KeepsAFencedBlockWholeWhenItFits) {
  const auto d =
      doc("# Code\n\nBefore.\n\n```\nline one\n\nline two\n\nline three\n```\n\nAfter.\n", "markdown");
  const auto chunks = split_markdown(d, by_words(8, 0));
  bool whole = false;
  for (const auto& c : chunks)
    whole |= c.text.find("line one\n\nline two\n\nline three") != std::string::npos;
  EXPECT_TRUE(whole);
}

TEST(MarkdownSplitter, ClosingHashesAndDeepSectionsAreHandled) {
  const auto d = doc("## A ##\ntext a\n#### B\ntext b\n## C\ntext c", "markdown");
  const auto chunks = split_markdown(d, by_words(50, 0));
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].headings, (std::vector<std::string>{"A"}));
  EXPECT_EQ(chunks[1].headings, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(chunks[2].headings, (std::vector<std::string>{"C"}));
}

TEST(SplitDocument, DispatchesOnFormat) {
  const auto md = doc("# H\n\nbody", "markdown");
  EXPECT_EQ(split_document(md, by_words(50, 0))[0].headings.size(), 1u);
  const auto txt = doc("# H\n\nbody", "text");
  EXPECT_TRUE(split_document(txt, by_words(50, 0))[0].headings.empty());
}

TEST(TokenCounter, ApproximationIsAboutFourBytesPerToken) {
  const auto count = approximate_token_counter();
  EXPECT_EQ(count(""), 0u);
  EXPECT_EQ(count("abcd"), 1u);
  EXPECT_EQ(count("abcde"), 2u);
}

}  // namespace
}  // namespace alith::knowledge
