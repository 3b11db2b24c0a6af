// The calculator's evaluator: a recursive-descent parser over a fixed grammar, evaluating as it parses.
//
//   expr    := term (('+' | '-') term)*
//   term    := unary (('*' | '/' | '%') unary)*
//   unary   := ('-' | '+') unary | power           -2^2 = -(2^2), as in mathematics
//   power   := primary (('^' | '**') unary)?       right-associative: 2^3^2 = 2^(3^2)
//   primary := number | name | name '(' expr (',' expr)* ')' | '(' expr ')'
//
// Every recursion passes through unary(), which counts depth, so nesting is bounded; input length is capped.

#include <charconv>
#include <cmath>
#include <numbers>
#include <string>
#include <string_view>
#include <vector>

#include "alith/agent/builtin_tools.h"

namespace alith::agent {
namespace {

constexpr size_t kMaxLength = 1000;
constexpr int kMaxDepth = 64;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

class Evaluator {
 public:
  explicit Evaluator(std::string_view text) : s_(text) {}

  Result<double> run() {
    if (s_.size() > kMaxLength) {
      return make_error(ErrorCode::invalid_argument, "expression too long (" + std::to_string(s_.size()) +
                                                         " characters; the limit is " +
                                                         std::to_string(kMaxLength) + ")");
    }
    double v = 0;
    if (!expr(v)) return make_error(ErrorCode::invalid_argument, std::move(error_));
    skip_space();
    if (pos_ < s_.size()) {
      unexpected();
      return make_error(ErrorCode::invalid_argument, std::move(error_));
    }
    if (!std::isfinite(v))
      return make_error(ErrorCode::invalid_argument, "the result is not a finite number");
    return v;
  }

 private:
  bool fail(std::string message) {
    error_ = std::move(message);
    return false;
  }
  bool unexpected() {
    if (pos_ >= s_.size()) return fail("unexpected end of expression");
    return fail("unexpected '" + std::string(1, s_[pos_]) + "' at position " + std::to_string(pos_ + 1));
  }

  void skip_space() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool accept(char c) {
    skip_space();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool accept_power() {
    skip_space();
    if (pos_ < s_.size() && s_[pos_] == '^') {
      ++pos_;
      return true;
    }
    if (pos_ + 1 < s_.size() && s_[pos_] == '*' && s_[pos_ + 1] == '*') {
      pos_ += 2;
      return true;
    }
    return false;
  }
  bool peek_power_star() const { return pos_ + 1 < s_.size() && s_[pos_] == '*' && s_[pos_ + 1] == '*'; }

  bool expr(double& out) {
    if (!term(out)) return false;
    while (true) {
      double rhs = 0;
      if (accept('+')) {
        if (!term(rhs)) return false;
        out += rhs;
      } else if (accept('-')) {
        if (!term(rhs)) return false;
        out -= rhs;
      } else {
        return true;
      }
    }
  }

  bool term(double& out) {
    if (!unary(out)) return false;
    while (true) {
      skip_space();
      if (pos_ >= s_.size() || peek_power_star()) return true;
      const char op = s_[pos_];
      if (op != '*' && op != '/' && op != '%') return true;
      ++pos_;
      double rhs = 0;
      if (!unary(rhs)) return false;
      if (op == '*') {
        out *= rhs;
        if (!std::isfinite(out)) return fail("the result overflowed");
      } else if (rhs == 0) {
        return fail(op == '/' ? "division by zero" : "modulo by zero");
      } else if (op == '/') {
        out /= rhs;
        if (!std::isfinite(out)) return fail("the result overflowed");
      } else {
        out = std::fmod(out, rhs);
      }
    }
  }

  bool unary(double& out) {
    if (++depth_ > kMaxDepth) return fail("expression nested too deeply (the limit is 64 levels)");
    bool ok;
    if (accept('-')) {
      ok = unary(out);
      out = -out;
    } else if (accept('+')) {
      ok = unary(out);
    } else {
      ok = power(out);
    }
    --depth_;
    return ok;
  }

  bool power(double& out) {
    if (!primary(out)) return false;
    if (!accept_power()) return true;
    double exponent = 0;
    if (!unary(exponent)) return false;
    if (out == 0 && exponent < 0) return fail("division by zero (0 raised to a negative power)");
    out = std::pow(out, exponent);
    if (std::isnan(out)) return fail("a negative number raised to a fractional power");
    if (!std::isfinite(out)) return fail("the result overflowed");
    return true;
  }

  bool number(double& out) {
    const size_t start = pos_;
    while (pos_ < s_.size() && is_digit(s_[pos_])) ++pos_;
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      while (pos_ < s_.size() && is_digit(s_[pos_])) ++pos_;
    }
    if (pos_ - start == 1 && s_[start] == '.') {
      pos_ = start;
      return unexpected();
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      size_t p = pos_ + 1;
      if (p < s_.size() && (s_[p] == '+' || s_[p] == '-')) ++p;
      if (p < s_.size() && is_digit(s_[p])) {
        while (p < s_.size() && is_digit(s_[p])) ++p;
        pos_ = p;
      }
    }
    auto [end, ec] = std::from_chars(s_.data() + start, s_.data() + pos_, out);
    if (ec == std::errc::result_out_of_range)
      return fail("number out of range at position " + std::to_string(start + 1));
    if (ec != std::errc() || end != s_.data() + pos_) {
      return fail("malformed number at position " + std::to_string(start + 1));
    }
    return true;
  }

  bool call(const std::string& name, size_t at, double& out) {
    std::vector<double> args;
    if (!accept(')')) {
      do {
        double v = 0;
        if (!expr(v)) return false;
        args.push_back(v);
      } while (accept(','));
      if (!accept(')')) return pos_ < s_.size() ? unexpected() : fail("missing ')'");
    }
    const bool variadic = name == "min" || name == "max";
    if (variadic ? args.empty() : args.size() != 1) {
      return fail(name + " takes " + (variadic ? "at least one argument" : "one argument") + " (position " +
                  std::to_string(at + 1) + ")");
    }
    const double x = args[0];
    if (variadic) {
      out = x;
      for (double a : args) out = name == "min" ? std::fmin(out, a) : std::fmax(out, a);
    } else if (name == "sqrt") {
      if (x < 0) return fail("sqrt of a negative number");
      out = std::sqrt(x);
    } else if (name == "ln" || name == "log") {
      if (x <= 0) return fail("logarithm of a number that is not positive");
      out = name == "ln" ? std::log(x) : std::log10(x);
    } else if (name == "abs") {
      out = std::fabs(x);
    } else if (name == "exp") {
      out = std::exp(x);
    } else if (name == "sin") {
      out = std::sin(x);
    } else if (name == "cos") {
      out = std::cos(x);
    } else if (name == "tan") {
      out = std::tan(x);
    } else if (name == "floor") {
      out = std::floor(x);
    } else if (name == "ceil") {
      out = std::ceil(x);
    } else if (name == "round") {
      out = std::round(x);
    } else {
      return fail("unknown function '" + name + "' at position " + std::to_string(at + 1));
    }
    if (!std::isfinite(out)) return fail(name + " overflowed");
    return true;
  }

  bool primary(double& out) {
    skip_space();
    if (pos_ >= s_.size()) return unexpected();
    const char c = s_[pos_];
    if (is_digit(c) || c == '.') return number(out);
    if (c == '(') {
      ++pos_;
      if (!expr(out)) return false;
      if (!accept(')')) return pos_ < s_.size() ? unexpected() : fail("missing ')'");
      return true;
    }
    if (is_alpha(c)) {
      const size_t start = pos_;
      while (pos_ < s_.size() && (is_alpha(s_[pos_]) || is_digit(s_[pos_]))) ++pos_;
      std::string name(s_.substr(start, pos_ - start));
      if (accept('(')) return call(name, start, out);
      if (name == "pi") {
        out = std::numbers::pi;
        return true;
      }
      if (name == "e") {
        out = std::numbers::e;
        return true;
      }
      return fail("unknown name '" + name + "' at position " + std::to_string(start + 1));
    }
    return unexpected();
  }

  std::string_view s_;
  size_t pos_ = 0;
  int depth_ = 0;
  std::string error_;
};

}  // namespace

Result<double> evaluate_arithmetic(std::string_view expression) {
  return Evaluator(expression).run();
}

std::string format_number(double value) {
  if (std::isfinite(value) && std::trunc(value) == value && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<long long>(value));
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::general, 15);
  if (ec != std::errc()) return std::to_string(value);
  return std::string(buf, end);
}

}  // namespace alith::agent
