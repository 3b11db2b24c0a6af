#include "markdown_sections.h"

#include <algorithm>
#include <optional>

namespace alith::knowledge::detail {
namespace {

struct Line {
  size_t begin = 0;
  size_t end = 0;  // excluding the newline
  std::string_view text;
};

std::vector<Line> lines_of(std::string_view text) {
  std::vector<Line> lines;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(begin, end - begin);
    if (line.ends_with('\r')) line.remove_suffix(1);
    lines.push_back({begin, end, line});
    begin = end + 1;
  }
  return lines;
}

size_t indent(std::string_view line) {
  size_t n = 0;
  while (n < line.size() && line[n] == ' ') ++n;
  return n;
}

std::string_view strip(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool blank(std::string_view line) {
  return strip(line).empty();
}

// "```" or "~~~" (three or more), indented at most three spaces: the fence's character and length.
std::optional<std::pair<char, size_t>> fence_of(std::string_view line) {
  const size_t i = indent(line);
  if (i > 3 || i >= line.size() || (line[i] != '`' && line[i] != '~')) return std::nullopt;
  const char c = line[i];
  size_t n = 0;
  while (i + n < line.size() && line[i + n] == c) ++n;
  if (n < 3) return std::nullopt;
  return std::pair{c, n};
}

// "## Title ##" -> level 2, "Title".
std::optional<std::pair<int, std::string>> atx_heading(std::string_view line) {
  const size_t i = indent(line);
  if (i > 3) return std::nullopt;
  size_t level = 0;
  while (i + level < line.size() && line[i + level] == '#') ++level;
  if (level == 0 || level > 6) return std::nullopt;
  std::string_view rest = line.substr(i + level);
  if (!rest.empty() && rest.front() != ' ' && rest.front() != '\t') return std::nullopt;
  rest = strip(rest);
  // A closing run of '#' preceded by a space is not part of the title.
  const size_t hashes = rest.find_last_not_of('#');
  if (hashes == std::string_view::npos) {
    rest = {};
  } else if (hashes + 1 < rest.size() && (rest[hashes] == ' ' || rest[hashes] == '\t')) {
    rest = strip(rest.substr(0, hashes));
  }
  return std::pair{static_cast<int>(level), std::string(rest)};
}

// "===" under a paragraph line is level 1, "---" level 2.
int setext_level(std::string_view line) {
  const std::string_view s = strip(line);
  if (s.empty() || indent(line) > 3) return 0;
  if (std::all_of(s.begin(), s.end(), [](char c) { return c == '='; })) return 1;
  if (s.size() >= 2 && std::all_of(s.begin(), s.end(), [](char c) { return c == '-'; })) return 2;
  return 0;
}

}  // namespace

Outline markdown_outline(std::string_view text) {
  Outline outline;
  const auto lines = lines_of(text);
  // Heading stack: (level, title).
  std::vector<std::pair<int, std::string>> stack;
  Section current{{0, 0}, {}};
  const auto start_section = [&](size_t at, int level, std::string title) {
    current.range.end = at;
    if (current.range.end > current.range.begin) outline.sections.push_back(current);
    while (!stack.empty() && stack.back().first >= level) stack.pop_back();
    stack.emplace_back(level, std::move(title));
    current = {{at, at}, {}};
    for (const auto& [l, t] : stack) current.headings.push_back(t);
  };

  // The open fence's character and length; length 0 when no fence is open. (Not std::optional: GCC 12
  // reports a false maybe-uninitialized on it.)
  std::pair<char, size_t> open_fence{0, 0};
  size_t fence_begin = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const Line& line = lines[i];
    if (const auto fence = fence_of(line.text)) {
      if (open_fence.second == 0) {
        open_fence = *fence;
        fence_begin = line.begin;
      } else if (fence->first == open_fence.first && fence->second >= open_fence.second &&
                 strip(line.text).find_first_not_of(fence->first) == std::string_view::npos) {
        outline.fences.push_back({fence_begin, std::min(text.size(), line.end + 1)});
        open_fence = {0, 0};
      }
      continue;
    }
    if (open_fence.second != 0) continue;
    if (auto h = atx_heading(line.text)) {
      start_section(line.begin, h->first, std::move(h->second));
      continue;
    }
    // Setext: this line is a paragraph line and the next one underlines it.
    if (i + 1 < lines.size() && !blank(line.text) && indent(line.text) <= 3 && !fence_of(lines[i + 1].text)) {
      if (const int level = setext_level(lines[i + 1].text)) {
        start_section(line.begin, level, std::string(strip(line.text)));
        ++i;
      }
    }
  }
  // An unclosed fence runs to the end of the text (CommonMark).
  if (open_fence.second != 0) outline.fences.push_back({fence_begin, text.size()});
  current.range.end = text.size();
  if (current.range.end > current.range.begin) outline.sections.push_back(current);
  return outline;
}

}  // namespace alith::knowledge::detail
