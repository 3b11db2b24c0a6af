#pragma once

// The small recursive-descent reader shared by Type::parse and the human-readable fragment parser.
// Internal to src/web3/abi.

#include <string>
#include <string_view>
#include <vector>

#include "alith/web3/abi.h"

namespace alith::web3::abi::detail {

class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  void skip_space() noexcept {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
  }
  bool at_end() noexcept {
    skip_space();
    return pos_ == text_.size();
  }
  char peek() noexcept {
    skip_space();
    return pos_ < text_.size() ? text_[pos_] : '\0';
  }
  // Consumes c (after spaces) when it is next.
  bool eat(char c) noexcept {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  // [A-Za-z_$][A-Za-z0-9_$]* after spaces, or empty (nothing consumed).
  std::string_view identifier() noexcept;
  // Like identifier() but leaves the cursor where it was.
  std::string_view peek_identifier() noexcept {
    size_t at = pos_;
    std::string_view id = identifier();
    pos_ = at;
    return id;
  }
  size_t offset() const noexcept { return pos_; }
  void set_offset(size_t at) noexcept { pos_ = at; }
  std::string_view text() const noexcept { return text_; }

  ErrorInfo error(const std::string& what) const;

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

// A type with its array suffixes; tuple components may carry names (and a data location, ignored).
Result<Type> parse_type(Cursor& in, int depth);
// "(" param, ... ")": each a type, then "indexed" (when allowed), a data location, and a name, all optional.
Result<std::vector<Param>> parse_params(Cursor& in, bool allow_indexed);

// Builds a tuple without throwing; an error when it breaks a limit of Type.
Result<Type> make_tuple(std::vector<Type> components, std::vector<std::string> names);
Result<Type> make_array(Type element, std::uint64_t fixed_size /* 0: dynamic */);

// One human-readable fragment, whichever kind it is.
struct Fragment {
  enum class Kind { function, event, error, constructor, fallback, receive };
  Kind kind = Kind::function;
  Function function;
  Event event;
  ErrorDef error;
  Constructor constructor;
};
Result<Fragment> parse_fragment(std::string_view text);

std::string join_canonical(const std::vector<Param>& params);
std::string join_full(const std::vector<Param>& params, bool with_indexed);

}  // namespace alith::web3::abi::detail
