#include "alith/flow/expression.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <compare>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace alith::flow {
namespace {

// ---------------------------------------------------------------------------------------------------------
// Tokens

enum class Tok {
  // error: the lexer stopped there, and the token's message says why
  end,
  error,
  number,
  string,
  ident,
  kw_and,
  kw_or,
  kw_not,
  kw_in,
  kw_true,
  kw_false,
  kw_null,
  lparen,
  rparen,
  lbracket,
  rbracket,
  comma,
  dot,
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
  plus,
  minus,
  star,
  slash,
  percent,
  bang,
  and_and,
  or_or
};

struct Token {
  Tok kind = Tok::end;
  size_t offset = 0;
  std::string_view text;  // the token's bytes
  Json value;             // number and string literals
  std::string message;    // error tokens
};

constexpr std::pair<std::string_view, Tok> keywords[] = {
    {"and", Tok::kw_and},   {"or", Tok::kw_or},       {"not", Tok::kw_not},  {"in", Tok::kw_in},
    {"true", Tok::kw_true}, {"false", Tok::kw_false}, {"null", Tok::kw_null}};

constexpr std::pair<char, Tok> single_char_tokens[] = {
    {'(', Tok::lparen}, {')', Tok::rparen}, {'[', Tok::lbracket}, {']', Tok::rbracket},
    {',', Tok::comma},  {'.', Tok::dot},    {'+', Tok::plus},     {'-', Tok::minus},
    {'*', Tok::star},   {'/', Tok::slash},  {'%', Tok::percent}};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_ident_char(char c) {
  return is_ident_start(c) || is_digit(c);
}

std::string byte_text(unsigned char c) {
  static constexpr char hex[] = "0123456789ABCDEF";
  if (c >= 0x21 && c < 0x7F) return std::string("'") + static_cast<char>(c) + "'";
  return std::string("byte 0x") + hex[c >> 4] + hex[c & 15];
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Length of the well-formed UTF-8 sequence at s[i] (a lead byte >= 0x80), or 0: no overlongs, no surrogates,
// nothing above U+10FFFF, so literals can always be dumped as JSON later.
size_t utf8_sequence(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
  const unsigned c = b(0);
  const auto cont = [&](size_t k) { return (b(k) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    const unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    return b(1) >= lo && b(1) <= hi && cont(2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    const unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    return b(1) >= lo && b(1) <= hi && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : s_(text) {}

  // Every token up to the end or the first error, which is then the last token: the parser reports it only
  // if it gets that far, so the error a user sees is always the leftmost one.
  std::vector<Token> tokens() {
    std::vector<Token> out;
    for (;;) {
      out.push_back(next());
      if (out.back().kind == Tok::end || out.back().kind == Tok::error) return out;
    }
  }

 private:
  Token make(Tok kind, size_t start, size_t length) {
    Token t;
    t.kind = kind;
    t.offset = start;
    t.text = s_.substr(start, length);
    pos_ = start + length;
    return t;
  }

  Token error(size_t at, std::string message) {
    Token t;
    t.kind = Tok::error;
    t.offset = at;
    t.message = std::move(message);
    return t;
  }

  char at(size_t i) const { return i < s_.size() ? s_[i] : '\0'; }

  Token next() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
    const size_t p = pos_;
    if (p >= s_.size()) return make(Tok::end, s_.size(), 0);
    const char c = s_[p];
    if (is_digit(c)) return number();
    if (is_ident_start(c)) return word();
    if (c == '"' || c == '\'') return string();
    const char d = at(p + 1);
    for (const auto& [ch, kind] : single_char_tokens)
      if (c == ch) return make(kind, p, 1);
    switch (c) {
      case '<':
        return d == '=' ? make(Tok::le, p, 2) : make(Tok::lt, p, 1);
      case '>':
        return d == '=' ? make(Tok::ge, p, 2) : make(Tok::gt, p, 1);
      case '!':
        return d == '=' ? make(Tok::ne, p, 2) : make(Tok::bang, p, 1);
      case '=':
        if (d == '=') return make(Tok::eq, p, 2);
        return error(p, "unexpected '=' (equality is '==')");
      case '&':
        if (d == '&') return make(Tok::and_and, p, 2);
        return error(p, "unexpected '&' (use '&&' or 'and')");
      case '|':
        if (d == '|') return make(Tok::or_or, p, 2);
        return error(p, "unexpected '|' (use '||' or 'or')");
      default:
        return error(p, "unexpected " + byte_text(static_cast<unsigned char>(c)));
    }
  }

  Token word() {
    const size_t start = pos_;
    size_t end = start;
    while (end < s_.size() && is_ident_char(s_[end])) ++end;
    const std::string_view w = s_.substr(start, end - start);
    Tok kind = Tok::ident;
    for (const auto& [keyword, keyword_kind] : keywords)
      if (w == keyword) kind = keyword_kind;
    return make(kind, start, end - start);
  }

  Token number() {
    const size_t start = pos_;
    size_t i = start;
    if (s_[i] == '0' && is_digit(at(i + 1))) return error(start, "a number cannot start with 0");
    while (is_digit(at(i))) ++i;
    bool is_float = false;
    if (at(i) == '.') {
      if (!is_digit(at(i + 1))) return error(i + 1, "expected a digit after '.'");
      ++i;
      while (is_digit(at(i))) ++i;
      is_float = true;
    }
    if (at(i) == 'e' || at(i) == 'E') {
      ++i;
      if (at(i) == '+' || at(i) == '-') ++i;
      if (!is_digit(at(i))) return error(i, "expected a digit in the exponent");
      while (is_digit(at(i))) ++i;
      is_float = true;
    }
    if (is_ident_char(at(i)))
      return error(i, "unexpected " + byte_text(static_cast<unsigned char>(at(i))) + " in a number");
    const char* first = s_.data() + start;
    const char* last = s_.data() + i;
    Token t = make(Tok::number, start, i - start);
    if (!is_float) {
      int64_t v = 0;
      const auto [ptr, ec] = std::from_chars(first, last, v);
      if (ec == std::errc() && ptr == last) {
        t.value = v;
        return t;
      }
      // Too big for int64: a float, as JSON readers do.
    }
    double d = 0;
    const auto [ptr, ec] = std::from_chars(first, last, d);
    if (ec != std::errc() || ptr != last || !std::isfinite(d)) return error(start, "number out of range");
    t.value = d;
    return t;
  }

  Token string() {
    const size_t start = pos_;
    const char quote = s_[start];
    std::string out;
    size_t i = start + 1;
    for (;;) {
      if (i >= s_.size()) return error(start, "unterminated string");
      const auto c = static_cast<unsigned char>(s_[i]);
      if (c == static_cast<unsigned char>(quote)) break;
      if (c >= 0x80) {
        const size_t n = utf8_sequence(s_, i);
        if (n == 0) return error(i, "invalid UTF-8 in a string");
        out.append(s_.substr(i, n));
        i += n;
        continue;
      }
      if (c != '\\') {
        out += static_cast<char>(c);
        ++i;
        continue;
      }
      const size_t escape = i;
      const char e = at(i + 1);
      i += 2;
      switch (e) {
        case '\\':
          out += '\\';
          break;
        case '\'':
          out += '\'';
          break;
        case '"':
          out += '"';
          break;
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'u': {
          auto cp = hex4(i);
          if (!cp) return error(escape, "expected 4 hex digits after \\u");
          i += 4;
          if (*cp >= 0xDC00 && *cp <= 0xDFFF) return error(escape, "unpaired surrogate in \\u escape");
          if (*cp >= 0xD800 && *cp <= 0xDBFF) {
            const auto low = at(i) == '\\' && at(i + 1) == 'u' ? hex4(i + 2) : std::nullopt;
            if (!low || *low < 0xDC00 || *low > 0xDFFF)
              return error(escape, "unpaired surrogate in \\u escape");
            i += 6;
            *cp = 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00);
          }
          append_utf8(out, *cp);
          break;
        }
        default:
          if (escape + 1 >= s_.size()) return error(start, "unterminated string");
          return error(escape, "unknown escape '\\" + std::string(1, e) + "'");
      }
    }
    Token t = make(Tok::string, start, i + 1 - start);
    t.value = std::move(out);
    return t;
  }

  std::optional<uint32_t> hex4(size_t i) const {
    uint32_t v = 0;
    for (size_t k = 0; k < 4; ++k) {
      const char c = at(i + k);
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f')
        v |= static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        v |= static_cast<uint32_t>(c - 'A' + 10);
      else
        return std::nullopt;
    }
    return v;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

// ---------------------------------------------------------------------------------------------------------
// The tree

enum class Kind {
  literal,
  array,
  variable,
  field,
  index,
  negate,
  logical_not,
  logical_and,
  logical_or,
  binary,
  call
};
enum class Op { eq, ne, lt, le, gt, ge, in, not_in, add, sub, mul, div, mod };
enum class Fn { len, lower, upper, contains, startswith, endswith, exists, to_int, to_float, to_str };

struct Node {
  Kind kind = Kind::literal;
  size_t offset = 0;  // the operator, name or literal the node stands for: where evaluation errors point
  Op op = Op::eq;
  Fn fn = Fn::len;
  Json value;        // literal
  std::string name;  // variable, field
  std::vector<std::unique_ptr<const Node>> kids;
};
using NodePtr = std::unique_ptr<const Node>;

struct FunctionSpec {
  std::string_view name;
  Fn fn;
  size_t arity;
};
constexpr FunctionSpec functions[] = {
    {"len", Fn::len, 1},
    {"lower", Fn::lower, 1},
    {"upper", Fn::upper, 1},
    {"contains", Fn::contains, 2},
    {"startswith", Fn::startswith, 2},
    {"endswith", Fn::endswith, 2},
    {"exists", Fn::exists, 1},
    {"int", Fn::to_int, 1},
    {"float", Fn::to_float, 1},
    {"str", Fn::to_str, 1},
};

std::string_view function_name(Fn fn) {
  for (const auto& f : functions)
    if (f.fn == fn) return f.name;
  return "?";
}

bool is_path(const Node& n) {
  if (n.kind == Kind::variable) return true;
  return (n.kind == Kind::field || n.kind == Kind::index) && is_path(*n.kids[0]);
}

// ---------------------------------------------------------------------------------------------------------
// Parser: recursive descent, one function per precedence level (the grammar is in the header).

class Parser {
 public:
  explicit Parser(std::string_view text) : tokens_(Lexer(text).tokens()) {}

  Result<NodePtr> run() {
    NodePtr root = parse_or();
    if (root && peek().kind != Tok::end) {
      const Token& t = peek();
      if (t.kind == Tok::error)
        fail(t.offset, t.message);
      else
        fail(t.offset, "unexpected " + describe(t) + " after the expression");
    }
    if (error_) return std::move(*error_);
    if (!root) return make_error(ErrorCode::parse, "invalid expression", 0);
    return Result<NodePtr>(std::move(root));
  }

 private:
  // Counts one level of nesting for as long as it lives; the parser recurses only through these.
  class Nest {
   public:
    Nest(Parser& p, size_t offset) : p_(p) {
      if (++p_.depth_ > Expression::max_depth)
        p_.fail(offset, "nesting deeper than " + std::to_string(Expression::max_depth));
    }
    ~Nest() { --p_.depth_; }
    Nest(const Nest&) = delete;
    Nest& operator=(const Nest&) = delete;
    bool ok() const { return !p_.error_; }

   private:
    Parser& p_;
  };

  const Token& peek(size_t ahead = 0) const { return tokens_[std::min(at_ + ahead, tokens_.size() - 1)]; }
  const Token& advance() {
    const Token& t = peek();
    if (at_ + 1 < tokens_.size()) ++at_;
    return t;
  }

  std::nullptr_t fail(size_t offset, const std::string& message) {
    if (!error_)
      error_ = make_error(ErrorCode::parse,
                          "invalid expression at byte " + std::to_string(offset) + ": " + message, offset);
    return nullptr;
  }

  static std::string describe(const Token& t) {
    switch (t.kind) {
      case Tok::end:
        return "the end";
      case Tok::string:
        return "a string";
      default: {
        std::string text(t.text.substr(0, 32));
        return "'" + text + (t.text.size() > 32 ? "...'" : "'");
      }
    }
  }

  std::nullptr_t unexpected(const Token& t, const std::string& wanted) {
    if (t.kind == Tok::error) return fail(t.offset, t.message);
    return fail(t.offset, "expected " + wanted + ", found " + describe(t));
  }

  bool expect(Tok kind, const std::string& wanted) {
    if (peek().kind == kind) {
      advance();
      return true;
    }
    unexpected(peek(), wanted);
    return false;
  }

  std::unique_ptr<Node> make(Kind kind, size_t offset) {
    if (++nodes_ > Expression::max_nodes) {
      fail(offset, "more than " + std::to_string(Expression::max_nodes) + " nodes");
      return nullptr;
    }
    auto n = std::make_unique<Node>();
    n->kind = kind;
    n->offset = offset;
    return n;
  }

  NodePtr combine(Kind kind, size_t offset, NodePtr lhs, NodePtr rhs, Op op = Op::eq) {
    auto n = make(kind, offset);
    if (!n) return nullptr;
    n->op = op;
    n->kids.push_back(std::move(lhs));
    n->kids.push_back(std::move(rhs));
    return n;
  }

  NodePtr parse_or() {
    NodePtr lhs = parse_and();
    while (lhs && (peek().kind == Tok::kw_or || peek().kind == Tok::or_or)) {
      const size_t offset = advance().offset;
      NodePtr rhs = parse_and();
      if (!rhs) return nullptr;
      lhs = combine(Kind::logical_or, offset, std::move(lhs), std::move(rhs));
    }
    return lhs;
  }

  NodePtr parse_and() {
    NodePtr lhs = parse_not();
    while (lhs && (peek().kind == Tok::kw_and || peek().kind == Tok::and_and)) {
      const size_t offset = advance().offset;
      NodePtr rhs = parse_not();
      if (!rhs) return nullptr;
      lhs = combine(Kind::logical_and, offset, std::move(lhs), std::move(rhs));
    }
    return lhs;
  }

  NodePtr parse_not() {
    if (peek().kind != Tok::kw_not && peek().kind != Tok::bang) return parse_compare();
    const size_t offset = advance().offset;
    Nest nest(*this, offset);
    if (!nest.ok()) return nullptr;
    NodePtr operand = parse_not();
    if (!operand) return nullptr;
    auto n = make(Kind::logical_not, offset);
    if (!n) return nullptr;
    n->kids.push_back(std::move(operand));
    return n;
  }

  // The comparison operator at the cursor (two tokens for `not in`) and how many tokens it spans.
  std::optional<std::pair<Op, size_t>> compare_op() const {
    switch (peek().kind) {
      case Tok::eq:
        return std::pair{Op::eq, size_t{1}};
      case Tok::ne:
        return std::pair{Op::ne, size_t{1}};
      case Tok::lt:
        return std::pair{Op::lt, size_t{1}};
      case Tok::le:
        return std::pair{Op::le, size_t{1}};
      case Tok::gt:
        return std::pair{Op::gt, size_t{1}};
      case Tok::ge:
        return std::pair{Op::ge, size_t{1}};
      case Tok::kw_in:
        return std::pair{Op::in, size_t{1}};
      case Tok::kw_not:
        if (peek(1).kind == Tok::kw_in) return std::pair{Op::not_in, size_t{2}};
        return std::nullopt;
      default:
        return std::nullopt;
    }
  }

  NodePtr parse_compare() {
    NodePtr lhs = parse_sum();
    if (!lhs) return nullptr;
    const auto op = compare_op();
    if (!op) return lhs;
    const size_t offset = peek().offset;
    for (size_t i = 0; i < op->second; ++i) advance();
    NodePtr rhs = parse_sum();
    if (!rhs) return nullptr;
    if (compare_op())
      return fail(peek().offset, "comparisons do not chain; combine them with 'and' or use parentheses");
    return combine(Kind::binary, offset, std::move(lhs), std::move(rhs), op->first);
  }

  NodePtr parse_sum() {
    NodePtr lhs = parse_product();
    while (lhs && (peek().kind == Tok::plus || peek().kind == Tok::minus)) {
      const Op op = peek().kind == Tok::plus ? Op::add : Op::sub;
      const size_t offset = advance().offset;
      NodePtr rhs = parse_product();
      if (!rhs) return nullptr;
      lhs = combine(Kind::binary, offset, std::move(lhs), std::move(rhs), op);
    }
    return lhs;
  }

  NodePtr parse_product() {
    NodePtr lhs = parse_unary();
    while (lhs && (peek().kind == Tok::star || peek().kind == Tok::slash || peek().kind == Tok::percent)) {
      const Op op = peek().kind == Tok::star ? Op::mul : peek().kind == Tok::slash ? Op::div : Op::mod;
      const size_t offset = advance().offset;
      NodePtr rhs = parse_unary();
      if (!rhs) return nullptr;
      lhs = combine(Kind::binary, offset, std::move(lhs), std::move(rhs), op);
    }
    return lhs;
  }

  NodePtr parse_unary() {
    if (peek().kind != Tok::minus) return parse_postfix();
    const size_t offset = advance().offset;
    Nest nest(*this, offset);
    if (!nest.ok()) return nullptr;
    NodePtr operand = parse_unary();
    if (!operand) return nullptr;
    auto n = make(Kind::negate, offset);
    if (!n) return nullptr;
    n->kids.push_back(std::move(operand));
    return n;
  }

  NodePtr parse_postfix() {
    NodePtr base = parse_primary();
    while (base) {
      if (peek().kind == Tok::dot) {
        const size_t offset = advance().offset;
        const Token& name = peek();
        if (name.kind != Tok::ident) {
          if (name.text.size() > 0 && is_ident_start(name.text[0]))
            return fail(name.offset, "'" + std::string(name.text) + "' is a keyword; write [\"" +
                                         std::string(name.text) + "\"] to read that key");
          return unexpected(name, "a field name after '.'");
        }
        advance();
        auto n = make(Kind::field, offset);
        if (!n) return nullptr;
        n->name = std::string(name.text);
        n->kids.push_back(std::move(base));
        base = std::move(n);
      } else if (peek().kind == Tok::lbracket) {
        const size_t offset = advance().offset;
        Nest nest(*this, offset);
        if (!nest.ok()) return nullptr;
        NodePtr index = parse_or();
        if (!index || !expect(Tok::rbracket, "']'")) return nullptr;
        base = combine(Kind::index, offset, std::move(base), std::move(index));
      } else {
        break;
      }
    }
    return base;
  }

  NodePtr parse_primary() {
    const Token& t = peek();
    switch (t.kind) {
      case Tok::number:
      case Tok::string:
      case Tok::kw_true:
      case Tok::kw_false:
      case Tok::kw_null: {
        auto n = make(Kind::literal, t.offset);
        if (!n) return nullptr;
        if (t.kind == Tok::kw_true)
          n->value = true;
        else if (t.kind == Tok::kw_false)
          n->value = false;
        else if (t.kind != Tok::kw_null)
          n->value = t.value;
        advance();
        return n;
      }
      case Tok::lparen: {
        Nest nest(*this, t.offset);
        if (!nest.ok()) return nullptr;
        advance();
        NodePtr inner = parse_or();
        if (!inner || !expect(Tok::rparen, "')'")) return nullptr;
        return inner;
      }
      case Tok::lbracket:
        return parse_array();
      case Tok::ident:
        if (peek(1).kind == Tok::lparen) return parse_call();
        {
          auto n = make(Kind::variable, t.offset);
          if (!n) return nullptr;
          n->name = std::string(t.text);
          advance();
          return n;
        }
      default:
        return unexpected(t, "a value");
    }
  }

  // Comma-separated expressions up to `close` (the opening token already consumed); the offset of each.
  bool parse_list(Tok close, const std::string& close_text, std::vector<NodePtr>& items,
                  std::vector<size_t>& offsets) {
    if (peek().kind == close) {
      advance();
      return true;
    }
    for (;;) {
      offsets.push_back(peek().offset);
      NodePtr item = parse_or();
      if (!item) return false;
      items.push_back(std::move(item));
      if (peek().kind == Tok::comma) {
        advance();
        continue;
      }
      return expect(close, "',' or " + close_text);
    }
  }

  NodePtr parse_array() {
    const size_t offset = peek().offset;
    Nest nest(*this, offset);
    if (!nest.ok()) return nullptr;
    advance();
    auto n = make(Kind::array, offset);
    if (!n) return nullptr;
    std::vector<size_t> offsets;
    if (!parse_list(Tok::rbracket, "']'", n->kids, offsets)) return nullptr;
    // A list of constants (the usual `x in ["a", "b"]`) is built once here rather than on every evaluation.
    bool constant = true;
    for (const auto& kid : n->kids) constant = constant && kid->kind == Kind::literal;
    if (constant) {
      n->kind = Kind::literal;
      n->value = Json::array();
      for (const auto& kid : n->kids) n->value.push_back(kid->value);
      n->kids.clear();
    }
    return n;
  }

  NodePtr parse_call() {
    const Token& name = advance();
    const FunctionSpec* spec = nullptr;
    for (const auto& f : functions)
      if (f.name == name.text) spec = &f;
    if (!spec) return fail(name.offset, "unknown function '" + std::string(name.text) + "'");
    Nest nest(*this, name.offset);
    if (!nest.ok()) return nullptr;
    advance();  // (
    auto n = make(Kind::call, name.offset);
    if (!n) return nullptr;
    n->fn = spec->fn;
    std::vector<size_t> offsets;
    if (!parse_list(Tok::rparen, "')'", n->kids, offsets)) return nullptr;
    if (n->kids.size() != spec->arity) {
      return fail(name.offset, std::string(spec->name) + "() takes " + std::to_string(spec->arity) +
                                   (spec->arity == 1 ? " argument" : " arguments") + ", got " +
                                   std::to_string(n->kids.size()));
    }
    if (spec->fn == Fn::exists && !is_path(*n->kids[0]))
      return fail(offsets[0], "exists() takes a path such as exists(a.b[0])");
    return n;
  }

  std::vector<Token> tokens_;
  size_t at_ = 0;
  size_t depth_ = 0;
  size_t nodes_ = 0;
  std::optional<ErrorInfo> error_;
};

// ---------------------------------------------------------------------------------------------------------
// Values

const Json& null_json() {
  static const Json null;
  return null;
}

// An evaluation result that borrows from the state or the tree when it can, so that `len(messages) > 10` does
// not copy the messages.
class Val {
 public:
  static Val ref(const Json* j) {
    Val v;
    v.ref_ = j ? j : &null_json();
    return v;
  }
  static Val own(Json j) {
    Val v;
    v.own_ = std::move(j);
    return v;
  }
  const Json& get() const { return ref_ ? *ref_ : own_; }
  bool borrowed() const { return ref_ != nullptr; }
  Json take() && { return ref_ ? *ref_ : std::move(own_); }

 private:
  const Json* ref_ = nullptr;
  Json own_;
};

std::string type_name(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return "an integer";
    case Json::value_t::number_float:
      return "a float";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::object:
      return "an object";
    default:
      return "a binary value";
  }
}

// JSON numbers as arithmetic sees them: int64, or double for floats and integers beyond int64.
struct Num {
  bool integral = false;
  int64_t i = 0;
  double d = 0;
  double as_double() const { return integral ? static_cast<double>(i) : d; }
};

std::optional<Num> to_num(const Json& j) {
  if (j.is_number_unsigned()) {
    const auto u = j.get<uint64_t>();
    if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      return Num{true, static_cast<int64_t>(u), 0};
    return Num{false, 0, static_cast<double>(u)};
  }
  if (j.is_number_integer()) return Num{true, j.get<int64_t>(), 0};
  if (j.is_number_float()) return Num{false, 0, j.get<double>()};
  return std::nullopt;
}

// Exact comparisons across int64, uint64 and double (1 == 1.0, but 2^53 + 1 != 2^53 as a double).
std::partial_ordering compare_int_double(int64_t i, double d) {
  if (std::isnan(d)) return std::partial_ordering::unordered;
  if (d >= 0x1p63) return std::partial_ordering::less;
  if (d < -0x1p63) return std::partial_ordering::greater;
  const double floor = std::floor(d);
  const auto fi = static_cast<int64_t>(floor);
  if (i != fi) return i <=> fi;
  return floor < d ? std::partial_ordering::less : std::partial_ordering::equivalent;
}

std::partial_ordering compare_uint_double(uint64_t u, double d) {
  if (std::isnan(d)) return std::partial_ordering::unordered;
  if (d >= 0x1p64) return std::partial_ordering::less;
  if (d < 0) return std::partial_ordering::greater;
  const double floor = std::floor(d);
  const auto fu = static_cast<uint64_t>(floor);
  if (u != fu) return u <=> fu;
  return floor < d ? std::partial_ordering::less : std::partial_ordering::equivalent;
}

std::partial_ordering compare_numbers(const Json& a, const Json& b) {
  enum { I, U, D };
  const auto kind = [](const Json& j) { return j.is_number_unsigned() ? U : j.is_number_integer() ? I : D; };
  const int ka = kind(a), kb = kind(b);
  if (ka == I && kb == I) return a.get<int64_t>() <=> b.get<int64_t>();
  if (ka == U && kb == U) return a.get<uint64_t>() <=> b.get<uint64_t>();
  if (ka == D && kb == D) return a.get<double>() <=> b.get<double>();
  if (ka == I && kb == U) {
    const auto i = a.get<int64_t>();
    return i < 0 ? std::partial_ordering::less : static_cast<uint64_t>(i) <=> b.get<uint64_t>();
  }
  if (ka == U && kb == I) return 0 <=> compare_numbers(b, a);
  if (ka == I) return compare_int_double(a.get<int64_t>(), b.get<double>());
  if (ka == U) return compare_uint_double(a.get<uint64_t>(), b.get<double>());
  return 0 <=> compare_numbers(b, a);
}

bool deep_equal(const Json& a, const Json& b) {
  if (a.is_number() && b.is_number()) return compare_numbers(a, b) == 0;
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case Json::value_t::null:
      return true;
    case Json::value_t::array: {
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i)
        if (!deep_equal(a[i], b[i])) return false;
      return true;
    }
    case Json::value_t::object: {
      if (a.size() != b.size()) return false;
      for (auto it = a.begin(); it != a.end(); ++it) {
        const auto other = b.find(it.key());
        if (other == b.end() || !deep_equal(*it, *other)) return false;
      }
      return true;
    }
    case Json::value_t::discarded:
      return false;
    default:
      return a == b;
  }
}

const Json* member(const Json& j, const std::string& key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

const Json* element(const Json& array, const Json& index) {
  if (!array.is_array()) return nullptr;
  const uint64_t size = array.size();
  if (index.is_number_unsigned()) {
    const auto u = index.get<uint64_t>();
    return u < size ? &array[static_cast<size_t>(u)] : nullptr;
  }
  const auto i = index.get<int64_t>();
  if (i >= 0) return static_cast<uint64_t>(i) < size ? &array[static_cast<size_t>(i)] : nullptr;
  const uint64_t back = static_cast<uint64_t>(-(i + 1)) + 1;  // no overflow for INT64_MIN
  return back <= size ? &array[static_cast<size_t>(size - back)] : nullptr;
}

size_t code_points(const std::string& s) {
  size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// A short rendering of a value for error messages.
std::string show(const Json& j) {
  std::string s = dump_json(j);
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

// "expression \"...\"" for error messages, cut to a readable length on a UTF-8 boundary.
std::string name_expression(const std::string& text) {
  if (text.size() <= 200) return "expression \"" + text + "\"";
  size_t cut = 197;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return "expression \"" + text.substr(0, cut) + "...\"";
}

void check_state(const std::string& text, const Json& state) {
  if (!state.is_object() && !state.is_null())
    throw InvalidArgumentError(name_expression(text) + ": the state must be an object, not " +
                               type_name(state));
}

// ---------------------------------------------------------------------------------------------------------
// Evaluator: a walk over the tree; recursion depth is bounded by the node cap.

class Evaluator {
 public:
  Evaluator(const std::string& text, const Json& state) : text_(text), state_(state) {}

  Val eval(const Node& n) const {
    switch (n.kind) {
      case Kind::literal:
        return Val::ref(&n.value);
      case Kind::array: {
        Json out = Json::array();
        for (const auto& kid : n.kids) out.push_back(eval(*kid).take());
        return Val::own(std::move(out));
      }
      case Kind::variable:
        return Val::ref(member(state_, n.name));
      case Kind::field: {
        const Val base = eval(*n.kids[0]);
        return step(base, member(base.get(), n.name));
      }
      case Kind::index: {
        const Val base = eval(*n.kids[0]);
        const Val index = eval(*n.kids[1]);
        return step(base, lookup(n, base.get(), index.get()));
      }
      case Kind::negate:
        return Val::own(negate(n, eval(*n.kids[0]).get()));
      case Kind::logical_not:
        return Val::own(!Expression::truthy(eval(*n.kids[0]).get()));
      case Kind::logical_and:
        return Val::own(Expression::truthy(eval(*n.kids[0]).get()) &&
                        Expression::truthy(eval(*n.kids[1]).get()));
      case Kind::logical_or:
        return Val::own(Expression::truthy(eval(*n.kids[0]).get()) ||
                        Expression::truthy(eval(*n.kids[1]).get()));
      case Kind::binary:
        return binary(n);
      case Kind::call:
        return call(n);
    }
    return Val::ref(nullptr);
  }

 private:
  [[noreturn]] void type_error(const Node& n, const std::string& message) const {
    throw InvalidArgumentError(name_expression(text_) + ": " + message + " (at byte " +
                               std::to_string(n.offset) + ")");
  }

  // The value a path step found inside base: borrowed when base is, copied out of it otherwise.
  static Val step(const Val& base, const Json* found) {
    if (!found) return Val::ref(nullptr);
    if (base.borrowed()) return Val::ref(found);
    return Val::own(*found);
  }

  const Json* lookup(const Node& n, const Json& base, const Json& index) const {
    if (index.is_number_integer()) return element(base, index);
    if (index.is_string()) return member(base, index.get_ref<const std::string&>());
    type_error(n, "an index must be an integer or a string, not " + type_name(index));
  }

  // Where a path points in the state, or nullptr when it does not resolve (for exists()).
  const Json* locate(const Node& n) const {
    switch (n.kind) {
      case Kind::variable:
        return member(state_, n.name);
      case Kind::field: {
        const Json* base = locate(*n.kids[0]);
        return base ? member(*base, n.name) : nullptr;
      }
      case Kind::index: {
        const Json* base = locate(*n.kids[0]);
        const Val index = eval(*n.kids[1]);
        if (!index.get().is_number_integer() && !index.get().is_string())
          type_error(n, "an index must be an integer or a string, not " + type_name(index.get()));
        return base ? lookup(n, *base, index.get()) : nullptr;
      }
      default:
        return nullptr;  // the parser admits only paths
    }
  }

  Json finite(const Node& n, double d) const {
    if (!std::isfinite(d)) type_error(n, "the result is not a finite number");
    return d;
  }

  Json negate(const Node& n, const Json& v) const {
    const auto x = to_num(v);
    if (!x) type_error(n, "cannot negate " + type_name(v));
    if (x->integral && x->i != std::numeric_limits<int64_t>::min()) return -x->i;
    return finite(n, -x->as_double());
  }

  Val binary(const Node& n) const {
    const Val lv = eval(*n.kids[0]);
    const Val rv = eval(*n.kids[1]);
    const Json& a = lv.get();
    const Json& b = rv.get();
    switch (n.op) {
      case Op::eq:
        return Val::own(deep_equal(a, b));
      case Op::ne:
        return Val::own(!deep_equal(a, b));
      case Op::lt:
      case Op::le:
      case Op::gt:
      case Op::ge:
        return Val::own(order(n, a, b));
      case Op::in:
        return Val::own(member_of(n, "'in'", a, b));
      case Op::not_in:
        return Val::own(!member_of(n, "'not in'", a, b));
      default:
        return Val::own(arithmetic(n, a, b));
    }
  }

  bool order(const Node& n, const Json& a, const Json& b) const {
    std::partial_ordering c = std::partial_ordering::unordered;
    if (a.is_number() && b.is_number()) {
      c = compare_numbers(a, b);
    } else if (a.is_string() && b.is_string()) {
      c = a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>()) <=> 0;
    } else {
      type_error(n, "cannot order " + type_name(a) + " and " + type_name(b));
    }
    switch (n.op) {
      case Op::lt:
        return c < 0;
      case Op::le:
        return c <= 0;
      case Op::gt:
        return c > 0;
      default:
        return c >= 0;
    }
  }

  bool member_of(const Node& n, const std::string& what, const Json& needle, const Json& haystack) const {
    if (haystack.is_array()) {
      for (const auto& e : haystack)
        if (deep_equal(needle, e)) return true;
      return false;
    }
    if (haystack.is_string() && needle.is_string())
      return haystack.get_ref<const std::string&>().find(needle.get_ref<const std::string&>()) !=
             std::string::npos;
    if (haystack.is_object() && needle.is_string())
      return haystack.contains(needle.get_ref<const std::string&>());
    if (haystack.is_string() || haystack.is_object())
      type_error(
          n, what + " needs a string to look for in " + type_name(haystack) + ", not " + type_name(needle));
    type_error(n, what + " needs an array, a string or an object to look in, not " + type_name(haystack));
  }

  Json arithmetic(const Node& n, const Json& a, const Json& b) const {
    static constexpr const char* names[] = {"add", "subtract", "multiply", "divide", "take the remainder of"};
    const auto x = to_num(a), y = to_num(b);
    if (n.op == Op::add && !(x && y)) {
      if (a.is_string() && b.is_string())
        return a.get_ref<const std::string&>() + b.get_ref<const std::string&>();
      if (a.is_array() && b.is_array()) {
        Json out = a;
        for (const auto& e : b) out.push_back(e);
        return out;
      }
    }
    if (!x || !y) {
      const std::string verb = names[static_cast<int>(n.op) - static_cast<int>(Op::add)];
      type_error(n, "cannot " + verb + " " + type_name(a) + " and " + type_name(b));
    }
    int64_t r = 0;
    switch (n.op) {
      case Op::add:
        if (x->integral && y->integral && !__builtin_add_overflow(x->i, y->i, &r)) return r;
        return finite(n, x->as_double() + y->as_double());
      case Op::sub:
        if (x->integral && y->integral && !__builtin_sub_overflow(x->i, y->i, &r)) return r;
        return finite(n, x->as_double() - y->as_double());
      case Op::mul:
        if (x->integral && y->integral && !__builtin_mul_overflow(x->i, y->i, &r)) return r;
        return finite(n, x->as_double() * y->as_double());
      case Op::div:
        if (y->as_double() == 0) type_error(n, "division by zero");
        if (x->integral && y->integral && !(x->i == std::numeric_limits<int64_t>::min() && y->i == -1) &&
            x->i % y->i == 0)
          return x->i / y->i;
        return finite(n, x->as_double() / y->as_double());
      default:
        if (!x->integral || !y->integral)
          type_error(n, "'%' needs two integers, not " + type_name(a) + " and " + type_name(b));
        if (y->i == 0) type_error(n, "modulo by zero");
        if (y->i == -1) return 0;  // INT64_MIN % -1 overflows in C++
        return x->i % y->i;
    }
  }

  const std::string& need_string(const Node& n, const Json& v, size_t arg) const {
    if (!v.is_string())
      type_error(n, std::string(function_name(n.fn)) + "() needs a string as argument " +
                        std::to_string(arg) + ", not " + type_name(v));
    return v.get_ref<const std::string&>();
  }

  Val call(const Node& n) const {
    const std::string name(function_name(n.fn));
    if (n.fn == Fn::exists) return Val::own(locate(*n.kids[0]) != nullptr);
    std::vector<Val> args;
    for (const auto& kid : n.kids) args.push_back(eval(*kid));
    const Json& a = args[0].get();
    switch (n.fn) {
      case Fn::len:
        if (a.is_string())
          return Val::own(static_cast<int64_t>(code_points(a.get_ref<const std::string&>())));
        if (a.is_array() || a.is_object()) return Val::own(static_cast<int64_t>(a.size()));
        type_error(n, "len() needs a string, an array or an object, not " + type_name(a));
      case Fn::lower:
      case Fn::upper: {
        std::string s = need_string(n, a, 1);
        for (char& c : s) {
          if (n.fn == Fn::lower && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
          if (n.fn == Fn::upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        }
        return Val::own(std::move(s));
      }
      case Fn::contains:
        return Val::own(member_of(n, "contains()", args[1].get(), a));
      case Fn::startswith:
      case Fn::endswith: {
        const std::string_view s = need_string(n, a, 1);
        const std::string_view p = need_string(n, args[1].get(), 2);
        return Val::own(n.fn == Fn::startswith ? s.starts_with(p) : s.ends_with(p));
      }
      case Fn::to_int:
        return Val::own(to_int(n, a));
      case Fn::to_float:
        return Val::own(to_float(n, a));
      case Fn::to_str:
        if (a.is_string()) return std::move(args[0]);
        return Val::own(dump_json(a));
      case Fn::exists:
        break;
    }
    return Val::ref(nullptr);
  }

  Json to_int(const Node& n, const Json& v) const {
    if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
    if (v.is_number()) {
      const auto x = to_num(v);
      if (x->integral) return x->i;
      const double t = std::trunc(x->d);
      if (!(t >= -0x1p63 && t < 0x1p63)) type_error(n, "int(): " + show(v) + " is out of range");
      return static_cast<int64_t>(t);
    }
    if (v.is_string()) {
      std::string_view s = trim(v.get_ref<const std::string&>());
      if (s.size() > 1 && s[0] == '+' && is_digit(s[1])) s.remove_prefix(1);
      int64_t i = 0;
      const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
      if (s.empty() || ec != std::errc() || ptr != s.data() + s.size())
        type_error(n, "int(): " + show(v) + " is not an integer");
      return i;
    }
    type_error(n, "int() needs a number, a boolean or a numeric string, not " + type_name(v));
  }

  Json to_float(const Node& n, const Json& v) const {
    if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;
    if (v.is_number()) return finite(n, to_num(v)->as_double());
    if (v.is_string()) {
      std::string_view s = trim(v.get_ref<const std::string&>());
      if (s.size() > 1 && s[0] == '+' && (is_digit(s[1]) || s[1] == '.')) s.remove_prefix(1);
      double d = 0;
      const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
      if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(d))
        type_error(n, "float(): " + show(v) + " is not a finite number");
      return d;
    }
    type_error(n, "float() needs a number, a boolean or a numeric string, not " + type_name(v));
  }

  const std::string& text_;
  const Json& state_;
};

}  // namespace

struct Expression::Impl {
  std::string text;
  NodePtr root;
};

Result<Expression> Expression::parse(std::string_view text) {
  if (text.size() > max_text_bytes) {
    return make_error(ErrorCode::parse,
                      "invalid expression at byte " + std::to_string(max_text_bytes) + ": longer than " +
                          std::to_string(max_text_bytes) + " bytes",
                      max_text_bytes);
  }
  auto root = Parser(text).run();
  if (!root) return root.error();
  auto impl = std::make_shared<Impl>();
  impl->text = std::string(text);
  impl->root = std::move(*root);
  return Expression(std::move(impl));
}

Json Expression::evaluate(const Json& state) const {
  check_state(impl_->text, state);
  return Evaluator(impl_->text, state).eval(*impl_->root).take();
}

bool Expression::test(const Json& state) const {
  check_state(impl_->text, state);
  // Truthiness of the value as evaluated, often borrowed from the state: no copy of the result.
  return truthy(Evaluator(impl_->text, state).eval(*impl_->root).get());
}

const std::string& Expression::text() const noexcept {
  return impl_->text;
}

bool Expression::truthy(const Json& value) noexcept {
  switch (value.type()) {
    case Json::value_t::null:
      return false;
    case Json::value_t::boolean:
      return value.get<bool>();
    case Json::value_t::number_integer:
      return value.get<int64_t>() != 0;
    case Json::value_t::number_unsigned:
      return value.get<uint64_t>() != 0;
    case Json::value_t::number_float:
      return value.get<double>() != 0.0;
    case Json::value_t::string:
      return !value.get_ref<const std::string&>().empty();
    case Json::value_t::array:
    case Json::value_t::object:
      return !value.empty();
    case Json::value_t::binary:
      return !value.get_binary().empty();
    default:
      return false;
  }
}

}  // namespace alith::flow
