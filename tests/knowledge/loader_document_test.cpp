// Document::span: offsets to line and page numbers.

#include <gtest/gtest.h>

#include "alith/knowledge/document.h"

namespace alith::knowledge {
namespace {

Document text_doc(std::string text) {
  Document d;
  d.text = std::move(text);
  return d;
}

TEST(DocumentSpan, LinesOfASpanWithinOneLine) {
  const Document d = text_doc("alpha\nbeta\ngamma\n");
  const Span s = d.span(6, 10);  // "beta"
  EXPECT_EQ(s.begin, 6u);
  EXPECT_EQ(s.end, 10u);
  EXPECT_EQ(s.line_begin, 2u);
  EXPECT_EQ(s.line_end, 2u);
  EXPECT_EQ(s.page_begin, 0);
  EXPECT_EQ(s.page_end, 0);
}

TEST(DocumentSpan, ASpanEndingInANewlineDoesNotSpillOntoTheNextLine) {
  const Document d = text_doc("alpha\nbeta\ngamma\n");
  const Span s = d.span(0, 11);  // "alpha\nbeta\n"
  EXPECT_EQ(s.line_begin, 1u);
  EXPECT_EQ(s.line_end, 2u);
  EXPECT_EQ(d.span(0, 12).line_end, 3u);  // one byte into "gamma"
}

TEST(DocumentSpan, WholeTextAndCrLf) {
  const Document d = text_doc("a\r\nb\r\nc");
  const Span s = d.span(0, d.text.size());
  EXPECT_EQ(s.line_begin, 1u);
  EXPECT_EQ(s.line_end, 3u);
}

TEST(DocumentSpan, EmptySpansAndOutOfRangeOffsetsAreClamped) {
  const Document d = text_doc("one\ntwo");
  Span s = d.span(4, 4);
  EXPECT_EQ(s.line_begin, 2u);
  EXPECT_EQ(s.line_end, 2u);
  s = d.span(100, 200);
  EXPECT_EQ(s.begin, d.text.size());
  EXPECT_EQ(s.end, d.text.size());
  EXPECT_EQ(s.line_begin, 2u);
  s = d.span(5, 2);  // end before begin: an empty span at begin
  EXPECT_EQ(s.begin, 5u);
  EXPECT_EQ(s.end, 5u);
  const Document empty = text_doc("");
  s = empty.span(0, 10);
  EXPECT_EQ(s.begin, 0u);
  EXPECT_EQ(s.end, 0u);
  EXPECT_EQ(s.line_begin, 1u);
  EXPECT_EQ(s.line_end, 1u);
}

TEST(DocumentSpan, PagesFromPageStarts) {
  Document d = text_doc("page one\npage two\npage three\n");
  d.page_starts = {0, 9, 18};
  Span s = d.span(0, 4);
  EXPECT_EQ(s.page_begin, 1);
  EXPECT_EQ(s.page_end, 1);
  s = d.span(5, 13);  // "one\npage"
  EXPECT_EQ(s.page_begin, 1);
  EXPECT_EQ(s.page_end, 2);
  EXPECT_EQ(s.line_begin, 1u);
  EXPECT_EQ(s.line_end, 2u);
  s = d.span(9, 18);  // exactly page two, its newline included
  EXPECT_EQ(s.page_begin, 2);
  EXPECT_EQ(s.page_end, 2);
  s = d.span(18, d.text.size());
  EXPECT_EQ(s.page_begin, 3);
  EXPECT_EQ(s.page_end, 3);
  s = d.span(d.text.size(), d.text.size());  // the empty span at the very end is on the last page
  EXPECT_EQ(s.page_begin, 3);
  EXPECT_EQ(s.page_end, 3);
}

TEST(DocumentSpan, EmptyPagesAreSkippedOver) {
  Document d = text_doc("first\nthird\n");
  d.page_starts = {0, 6, 6};  // page two has no text
  const Span s = d.span(6, 11);
  EXPECT_EQ(s.page_begin, 3);
  EXPECT_EQ(s.page_end, 3);
  EXPECT_EQ(d.span(0, 6).page_end, 1);
}

}  // namespace
}  // namespace alith::knowledge
