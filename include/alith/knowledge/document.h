#pragma once

// A loaded document and the spans that point back into it. Every loader produces Documents; chunkers cut them
// into Chunks that keep the span of the source they came from, so an answer can cite "guide.pdf, page 3,
// lines 12-18".

#include <cstddef>
#include <string>
#include <vector>

#include "alith/core/json.h"

namespace alith::knowledge {

// A range of a document's text. Offsets are bytes into Document::text, [begin, end). Lines are 1-based and
// inclusive, counted in Document::text (for plain text and Markdown that is the file itself; for HTML, PDF
// and JSON it is the extracted text). Pages are 1-based and 0 where the format has no pages.
struct Span {
  size_t begin = 0;
  size_t end = 0;
  size_t line_begin = 0;
  size_t line_end = 0;
  int page_begin = 0;
  int page_end = 0;
};

struct Document {
  // Stable across runs: the source, plus "#<n>" when one source yields several documents (CSV rows, JSONL
  // lines, JSON array items).
  std::string id;
  std::string source;  // path or URL
  std::string text;
  // Loader facts: "format" (text, markdown, html, pdf, csv, json, jsonl) always; "title" where known; CSV
  // columns and JSON fields as mapped by the loader's options.
  Json metadata = Json::object();
  // Byte offset in text where each page starts (PDF); empty for formats without pages.
  std::vector<size_t> page_starts;

  // The span of text[begin, end): line and page numbers filled in. Scans the text: for many spans of one
  // document, use a SpanIndex.
  Span span(size_t begin, size_t end) const;
};

// Line starts of a document, indexed once, so each span costs two binary searches instead of a scan. Refers
// to the document, which must outlive it unchanged.
class SpanIndex {
 public:
  explicit SpanIndex(const Document& document);
  Span span(size_t begin, size_t end) const;

 private:
  const Document& document_;
  std::vector<size_t> newlines_;  // offsets of every '\n'
};

}  // namespace alith::knowledge
