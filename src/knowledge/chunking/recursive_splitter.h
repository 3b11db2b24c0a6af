#pragma once

// The engine both chunkers share: cut a byte range of a text into token-bounded pieces at the coarsest
// boundary that works, then pack them greedily with overlap.

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

#include "alith/knowledge/chunker.h"

namespace alith::knowledge::detail {

struct Range {
  size_t begin = 0;
  size_t end = 0;
};

struct Piece {
  Range range;
  size_t tokens = 0;  // of text[range], trimmed
};

// Ranges (of text) that a paragraph-level cut must not fall inside, e.g. fenced code blocks.
using Protected = std::vector<Range>;

// Splits text[range] into pieces of at most options.max_tokens tokens, trimmed of surrounding whitespace,
// consecutive pieces overlapping by at most options.overlap_tokens. Blank ranges give nothing.
std::vector<Piece> split_range(std::string_view text, Range range, const ChunkOptions& options,
                               const Protected& keep_whole = {});

// Validates options and fills in the default token counter.
ChunkOptions resolve(const ChunkOptions& options);

}  // namespace alith::knowledge::detail
