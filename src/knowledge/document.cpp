#include "alith/knowledge/document.h"

#include <algorithm>

namespace alith::knowledge {

Span Document::span(size_t begin, size_t end) const {
  return SpanIndex(*this).span(begin, end);
}

SpanIndex::SpanIndex(const Document& document) : document_(document) {
  const std::string& text = document.text;
  for (size_t i = text.find('\n'); i != std::string::npos; i = text.find('\n', i + 1)) newlines_.push_back(i);
}

Span SpanIndex::span(size_t begin, size_t end) const {
  const std::string& text = document_.text;
  begin = std::min(begin, text.size());
  end = std::clamp(end, begin, text.size());
  Span s{.begin = begin, .end = end};
  const auto lines_before = [&](size_t offset) {
    return static_cast<size_t>(std::lower_bound(newlines_.begin(), newlines_.end(), offset) -
                               newlines_.begin());
  };
  s.line_begin = lines_before(begin) + 1;
  // The last byte of the span decides its last line, so a span ending in '\n' does not spill onto the next.
  s.line_end = end > begin ? lines_before(end - 1) + 1 : s.line_begin;
  const auto& pages = document_.page_starts;
  if (!pages.empty()) {
    const auto page_of = [&](size_t offset) {
      return static_cast<int>(std::upper_bound(pages.begin(), pages.end(), offset) - pages.begin());
    };
    s.page_begin = std::max(1, page_of(begin));
    s.page_end = std::max(s.page_begin, page_of(end > begin ? end - 1 : begin));
  }
  return s;
}

}  // namespace alith::knowledge
