#include "alith/knowledge/document.h"

#include <algorithm>

namespace alith::knowledge {

Span Document::span(size_t begin, size_t end) const {
  begin = std::min(begin, text.size());
  end = std::clamp(end, begin, text.size());
  Span s{.begin = begin, .end = end};
  const auto lines_before = [&](size_t offset) {
    return static_cast<size_t>(
        std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
  };
  s.line_begin = lines_before(begin) + 1;
  // The last byte of the span decides its last line, so a span ending in '\n' does not spill onto the next.
  s.line_end = end > begin ? lines_before(end - 1) + 1 : s.line_begin;
  if (!page_starts.empty()) {
    const auto page_of = [&](size_t offset) {
      return static_cast<int>(std::upper_bound(page_starts.begin(), page_starts.end(), offset) -
                              page_starts.begin());
    };
    s.page_begin = std::max(1, page_of(begin));
    s.page_end = std::max(s.page_begin, page_of(end > begin ? end - 1 : begin));
  }
  return s;
}

}  // namespace alith::knowledge
