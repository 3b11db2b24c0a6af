#pragma once

// Turns detokenized pieces into text that is safe to show: never half a UTF-8 character (a token may end
// inside one), never any part of a stop string (text that might still grow into one is held back until it
// cannot).

#include <string>
#include <string_view>
#include <vector>

namespace alith::inference::detail {

// Bytes at the end of text that begin a UTF-8 sequence not yet complete (0 to 3).
size_t incomplete_utf8_tail(std::string_view text) noexcept;

class TextStream {
 public:
  explicit TextStream(std::vector<std::string> stop = {});

  // Adds a piece; returns the text that became safe to emit (possibly empty). After a stop string is seen,
  // stopped() is true and the rest is discarded.
  std::string push(std::string_view piece);
  // At the end of generation: whatever is held that is whole characters.
  std::string finish();
  bool stopped() const noexcept { return stopped_; }
  const std::string& emitted() const noexcept { return emitted_; }

 private:
  std::vector<std::string> stop_;
  std::string held_;
  std::string emitted_;
  bool stopped_ = false;
};

}  // namespace alith::inference::detail
