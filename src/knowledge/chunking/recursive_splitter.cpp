#include "recursive_splitter.h"

#include <algorithm>

#include "alith/core/error.h"

namespace alith::knowledge::detail {
namespace {

enum class Level { paragraph, line, sentence, word, character };

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

Range trim(std::string_view text, Range r) {
  while (r.begin < r.end && is_space(text[r.begin])) ++r.begin;
  while (r.end > r.begin && is_space(text[r.end - 1])) --r.end;
  return r;
}

bool inside(const Protected& keep_whole, size_t offset) {
  return std::any_of(keep_whole.begin(), keep_whole.end(),
                     [&](const Range& r) { return offset > r.begin && offset < r.end; });
}

// Where text[r] may be cut at this level. Each cut lands after the separator, so pieces keep their
// trailing whitespace and concatenate back to the original range.
std::vector<size_t> cuts(std::string_view text, Range r, Level level, const Protected& keep_whole) {
  std::vector<size_t> out;
  size_t i = r.begin;
  const auto skip_blanks = [&](size_t j) {
    while (j < r.end && is_space(text[j])) ++j;
    return j;
  };
  while (i < r.end) {
    const char c = text[i];
    switch (level) {
      case Level::paragraph:
        if (c == '\n') {
          // A blank line: newline, optional spaces, newline.
          size_t j = i + 1;
          while (j < r.end && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r')) ++j;
          if (j < r.end && text[j] == '\n') {
            const size_t cut = skip_blanks(j);
            if (cut < r.end && !inside(keep_whole, cut)) out.push_back(cut);
            i = cut;
            continue;
          }
        }
        break;
      case Level::line:
        if (c == '\n' && i + 1 < r.end) out.push_back(i + 1);
        break;
      case Level::sentence:
        if (c == '.' || c == '!' || c == '?') {
          size_t j = i + 1;
          while (j < r.end && (text[j] == '"' || text[j] == '\'' || text[j] == ')' || text[j] == ']')) ++j;
          if (j < r.end && is_space(text[j])) {
            const size_t cut = skip_blanks(j);
            if (cut < r.end) out.push_back(cut);
            i = cut;
            continue;
          }
        }
        break;
      case Level::word:
        if (is_space(c)) {
          const size_t cut = skip_blanks(i);
          if (cut < r.end) out.push_back(cut);
          i = cut;
          continue;
        }
        break;
      case Level::character: {
        // UTF-8 boundaries: never inside a multi-byte character. Invalid input (a run of continuation bytes)
        // is cut every four bytes, the longest a character can be.
        const size_t previous = out.empty() ? r.begin : out.back();
        if (i > r.begin && ((static_cast<unsigned char>(c) & 0xC0) != 0x80 || i - previous >= 4))
          out.push_back(i);
        break;
      }
    }
    ++i;
  }
  return out;
}

class Splitter {
 public:
  Splitter(std::string_view text, const ChunkOptions& options, const Protected& keep_whole)
      : text_(text), options_(options), keep_whole_(keep_whole) {}

  size_t count(Range r) const {
    const Range t = trim(text_, r);
    return t.begin == t.end ? 0 : options_.count_tokens(text_.substr(t.begin, t.end - t.begin));
  }

  // Breaks r into atoms that each fit max_tokens, at the coarsest level that gets them there.
  void atomize(Range r, Level level, std::vector<Piece>& out) const {
    const size_t tokens = count(r);
    if (tokens == 0) {
      if (!out.empty()) out.back().range.end = r.end;  // whitespace joins the previous atom
      return;
    }
    if (tokens <= options_.max_tokens) {
      out.push_back({r, tokens});
      return;
    }
    if (level == Level::character) {
      pack_characters(r, out);
      return;
    }
    const auto next = static_cast<Level>(static_cast<int>(level) + 1);
    const auto points = cuts(text_, r, level, keep_whole_);
    if (points.empty()) {
      atomize(r, next, out);
      return;
    }
    size_t begin = r.begin;
    for (size_t cut : points) {
      atomize({begin, cut}, next, out);
      begin = cut;
    }
    atomize({begin, r.end}, next, out);
  }

  // A word longer than max_tokens: as many whole characters per atom as fit (a single character that does not
  // fit on its own is an atom anyway: nothing smaller exists).
  void pack_characters(Range r, std::vector<Piece>& out) const {
    auto points = cuts(text_, r, Level::character, keep_whole_);
    points.push_back(r.end);
    size_t begin = r.begin;
    size_t previous = r.begin;  // the last boundary passed
    for (size_t cut : points) {
      if (previous > begin && count({begin, cut}) > options_.max_tokens) {
        out.push_back({{begin, previous}, count({begin, previous})});
        begin = previous;
      }
      previous = cut;
    }
    if (begin < r.end) out.push_back({{begin, r.end}, count({begin, r.end})});
  }

  // Greedy packing. Atom counts are summed as an estimate (tokenizers are nearly additive at whitespace)
  // and the packed range is then counted for real and shrunk until it fits.
  std::vector<Piece> pack(const std::vector<Piece>& atoms) const {
    std::vector<Piece> chunks;
    size_t start = 0;
    while (start < atoms.size()) {
      size_t end = start;  // inclusive
      size_t estimate = atoms[start].tokens;
      while (end + 1 < atoms.size() && estimate + atoms[end + 1].tokens <= options_.max_tokens) {
        estimate += atoms[++end].tokens;
      }
      size_t tokens = count({atoms[start].range.begin, atoms[end].range.end});
      while (tokens > options_.max_tokens && end > start) {
        --end;
        tokens = count({atoms[start].range.begin, atoms[end].range.end});
      }
      chunks.push_back({trim(text_, {atoms[start].range.begin, atoms[end].range.end}), tokens});
      if (end + 1 >= atoms.size()) break;
      start = overlap_start(atoms, start, end);
    }
    return chunks;
  }

  // The first atom of the next chunk: as many trailing atoms of [start, end] as fit in overlap_tokens,
  // and never so many that the next atom would not fit beside them.
  size_t overlap_start(const std::vector<Piece>& atoms, size_t start, size_t end) const {
    const size_t next = end + 1;
    size_t k = next;
    while (k - 1 > start &&
           count({atoms[k - 1].range.begin, atoms[end].range.end}) <= options_.overlap_tokens) {
      --k;
    }
    while (k < next && count({atoms[k].range.begin, atoms[next].range.end}) > options_.max_tokens) ++k;
    return k;
  }

 private:
  std::string_view text_;
  const ChunkOptions& options_;
  const Protected& keep_whole_;
};

}  // namespace

ChunkOptions resolve(const ChunkOptions& options) {
  if (options.max_tokens == 0) throw InvalidArgumentError("ChunkOptions: max_tokens must be at least 1");
  if (options.overlap_tokens >= options.max_tokens)
    throw InvalidArgumentError("ChunkOptions: overlap_tokens must be smaller than max_tokens");
  ChunkOptions resolved = options;
  if (!resolved.count_tokens) resolved.count_tokens = approximate_token_counter();
  return resolved;
}

std::vector<Piece> split_range(std::string_view text, Range range, const ChunkOptions& options,
                               const Protected& keep_whole) {
  Splitter splitter(text, options, keep_whole);
  std::vector<Piece> atoms;
  splitter.atomize(range, Level::paragraph, atoms);
  return splitter.pack(atoms);
}

}  // namespace alith::knowledge::detail
