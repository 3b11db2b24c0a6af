// Glob patterns (walk.h), matched by dynamic programming over pattern tokens and path positions, so that no
// pattern backtracks exponentially.

#include <cstdint>
#include <string>
#include <vector>

#include "alith/knowledge/walk.h"

namespace alith::knowledge {

namespace {

enum class Kind : uint8_t {
  literal,     // one byte
  any,         // ?: one code point, not '/'
  set,         // [...]: one code point in (or not in) the ranges, not '/'
  star,        // *: any run of non-'/' bytes
  segments,    // "**/": zero or more whole components, each with its '/'
  rest,        // "**" as the whole pattern: anything
  slash_rest,  // "/**" at the end: nothing, or '/' and anything
};

struct Token {
  explicit Token(Kind k, char b = 0) : kind(k), byte(b) {}
  Kind kind;
  char byte;
  bool negated = false;
  std::vector<std::pair<uint32_t, uint32_t>> ranges;
};

// The code point at s[i] and its length; a byte that does not start valid UTF-8 stands for itself.
std::pair<uint32_t, size_t> code_point(std::string_view s, size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 1;
  if (i + n > s.size()) n = 1;
  for (size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) n = 1;
  if (n == 1) return {b, 1};
  uint32_t cp = b & (0x7Fu >> n);
  for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return {cp, n};
}

// Parses [...] starting at p[i] == '['; returns false (and leaves i) when it is not closed.
bool parse_set(std::string_view p, size_t& i, Token& token) {
  size_t j = i + 1;
  token = Token(Kind::set);
  if (j < p.size() && (p[j] == '!' || p[j] == '^')) {
    token.negated = true;
    ++j;
  }
  bool first = true;
  while (j < p.size() && (p[j] != ']' || first)) {
    first = false;
    if (p[j] == '\\' && j + 1 < p.size()) ++j;
    auto [lo, n] = code_point(p, j);
    j += n;
    uint32_t hi = lo;
    if (j + 1 < p.size() && p[j] == '-' && p[j + 1] != ']') {
      ++j;
      if (p[j] == '\\' && j + 1 < p.size()) ++j;
      auto [h, m] = code_point(p, j);
      hi = h;
      j += m;
    }
    token.ranges.emplace_back(lo, hi);
  }
  if (j >= p.size()) return false;
  i = j + 1;
  return true;
}

std::vector<Token> compile(std::string_view p) {
  std::vector<Token> tokens;
  for (size_t i = 0; i < p.size();) {
    const char c = p[i];
    if (c == '*') {
      size_t j = i;
      while (j < p.size() && p[j] == '*') ++j;
      const bool whole = j - i == 2 && (i == 0 || p[i - 1] == '/') && (j == p.size() || p[j] == '/');
      if (whole && j < p.size()) {
        tokens.emplace_back(Kind::segments);
        i = j + 1;  // the '/' belongs to the token
      } else if (whole && i == 0) {
        tokens.emplace_back(Kind::rest);
        i = j;
      } else if (whole) {  // "/**" at the end
        if (tokens.back().kind == Kind::literal) {
          tokens.back() = Token(Kind::slash_rest);  // it takes over the '/' before it
        } else {
          tokens.emplace_back(Kind::rest);  // "**/**": the '/' went to the segments token
        }
        i = j;
      } else {
        tokens.emplace_back(Kind::star);
        i = j;
      }
    } else if (c == '?') {
      tokens.emplace_back(Kind::any);
      ++i;
    } else if (c == '[') {
      Token set(Kind::set);
      if (parse_set(p, i, set)) {
        tokens.push_back(std::move(set));
      } else {
        tokens.emplace_back(Kind::literal, '[');
        ++i;
      }
    } else if (c == '\\' && i + 1 < p.size()) {
      tokens.emplace_back(Kind::literal, p[i + 1]);
      i += 2;
    } else {
      tokens.emplace_back(Kind::literal, c);
      ++i;
    }
  }
  return tokens;
}

bool in_set(const Token& t, uint32_t cp) {
  bool hit = false;
  for (const auto& [lo, hi] : t.ranges) hit = hit || (cp >= lo && cp <= hi);
  return hit != t.negated;
}

bool match_tokens(const std::vector<Token>& tokens, std::string_view s) {
  const size_t n = s.size();
  const size_t width = n + 1;
  // m[i * width + j]: tokens[i..] match s[j..].
  std::vector<uint8_t> m((tokens.size() + 1) * width, 0);
  m[tokens.size() * width + n] = 1;
  for (size_t i = tokens.size(); i-- > 0;) {
    const Token& t = tokens[i];
    const uint8_t* next = &m[(i + 1) * width];
    uint8_t* row = &m[i * width];
    for (size_t j = n + 1; j-- > 0;) {
      bool ok = false;
      switch (t.kind) {
        case Kind::literal:
          ok = j < n && s[j] == t.byte && next[j + 1];
          break;
        case Kind::any:
        case Kind::set:
          if (j < n && s[j] != '/') {
            const auto [cp, len] = code_point(s, j);
            ok = (t.kind == Kind::any || in_set(t, cp)) && next[j + len];
          }
          break;
        case Kind::star:
          ok = next[j] || (j < n && s[j] != '/' && row[j + 1]);
          break;
        case Kind::segments: {
          ok = next[j];
          if (!ok) {
            const size_t slash = s.find('/', j);
            ok = slash != std::string_view::npos && row[slash + 1];
          }
          break;
        }
        case Kind::rest:
          ok = true;
          break;
        case Kind::slash_rest:
          ok = j == n || s[j] == '/';
          break;
      }
      row[j] = ok ? 1 : 0;
    }
  }
  return m[0] != 0;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view relative_path) {
  while (pattern.size() > 1 && pattern.ends_with('/')) pattern.remove_suffix(1);
  const bool anchored = pattern.find('/') != std::string_view::npos;
  if (pattern.starts_with('/')) pattern.remove_prefix(1);
  while (relative_path.starts_with("./")) relative_path.remove_prefix(2);
  if (!anchored && pattern != "**") {
    const size_t slash = relative_path.rfind('/');
    if (slash != std::string_view::npos) relative_path.remove_prefix(slash + 1);
  }
  return match_tokens(compile(pattern), relative_path);
}

}  // namespace alith::knowledge
