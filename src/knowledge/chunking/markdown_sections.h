#pragma once

// The heading outline of a Markdown text: sections between headings, each with the path of headings it sits
// under, and the fenced code blocks (which hide '#' lines and should not be cut).

#include <string>
#include <string_view>
#include <vector>

#include "recursive_splitter.h"

namespace alith::knowledge::detail {

struct Section {
  Range range;                        // from the heading line (or the text's start) to the next heading
  std::vector<std::string> headings;  // outermost first; the section's own heading last
};

struct Outline {
  std::vector<Section> sections;
  Protected fences;
};

Outline markdown_outline(std::string_view text);

}  // namespace alith::knowledge::detail
