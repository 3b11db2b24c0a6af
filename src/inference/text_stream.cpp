#include "text_stream.h"

#include <algorithm>

namespace alith::inference::detail {

size_t incomplete_utf8_tail(std::string_view text) noexcept {
  // Walk back over at most 3 continuation bytes to the lead byte and compare the sequence length it announces
  // with what is there.
  const size_t n = text.size();
  for (size_t back = 1; back <= std::min<size_t>(4, n); ++back) {
    const auto c = static_cast<unsigned char>(text[n - back]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    size_t need = 1;
    if ((c & 0xE0) == 0xC0)
      need = 2;
    else if ((c & 0xF0) == 0xE0)
      need = 3;
    else if ((c & 0xF8) == 0xF0)
      need = 4;
    return need > back ? back : 0;
  }
  return 0;  // only continuation bytes: malformed, not incomplete; emit as is
}

TextStream::TextStream(std::vector<std::string> stop) : stop_(std::move(stop)) {
  std::erase_if(stop_, [](const std::string& s) { return s.empty(); });
}

std::string TextStream::push(std::string_view piece) {
  if (stopped_) return {};
  held_.append(piece);
  // A complete stop string: emit what precedes the earliest one and stop.
  size_t first = std::string::npos;
  for (const auto& s : stop_) first = std::min(first, held_.find(s));
  if (first != std::string::npos) {
    std::string out = held_.substr(0, first);
    emitted_ += out;
    held_.clear();
    stopped_ = true;
    return out;
  }
  // Hold back the longest suffix that is a prefix of some stop string, and an unfinished character.
  size_t keep = 0;
  for (const auto& s : stop_) {
    for (size_t len = std::min(s.size() - 1, held_.size()); len > keep; --len) {
      if (std::string_view(held_).substr(held_.size() - len) == std::string_view(s).substr(0, len)) {
        keep = len;
        break;
      }
    }
  }
  size_t safe = held_.size() - keep;
  safe -= incomplete_utf8_tail(std::string_view(held_).substr(0, safe));
  std::string out = held_.substr(0, safe);
  held_.erase(0, safe);
  emitted_ += out;
  return out;
}

std::string TextStream::finish() {
  if (stopped_) return {};
  std::string out = std::move(held_);
  held_.clear();
  out.resize(out.size() - incomplete_utf8_tail(out));
  emitted_ += out;
  return out;
}

}  // namespace alith::inference::detail
