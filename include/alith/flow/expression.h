#pragma once

// Condition expressions for workflow edges (`when: "approved == true and len(notes) >= 3"`). Workflow files
// come from users and sometimes from models, so the language is deliberately small and closed: no
// assignment, no loops, no user functions, only reads of the state. Parsing is bounded (text, nesting and
// node count are capped) and so is evaluation, which walks the tree once.
//
//   expr     := or
//   or       := and (('or' | '||') and)*              short-circuit, gives a boolean
//   and      := not (('and' | '&&') not)*             short-circuit, gives a boolean
//   not      := ('not' | '!') not | compare
//   compare  := sum (cmpop sum)?                      not associative: `a < b < c` is a parse error
//   cmpop    := '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not' 'in'
//   sum      := product (('+' | '-') product)*
//   product  := unary (('*' | '/' | '%') unary)*
//   unary    := '-' unary | postfix
//   postfix  := primary ('.' IDENT | '[' expr ']')*
//   primary  := NUMBER | STRING | 'true' | 'false' | 'null' | '[' (expr (',' expr)*)? ']'
//             | IDENT '(' (expr (',' expr)*)? ')' | IDENT | '(' expr ')'
//
// An identifier names a top-level key of the state. A path that does not resolve (missing key, index out of
// range, a field of a non-object) is null rather than an error, because workflow state fills in as a run goes
// and a condition is often asked before a key is written. `[i]` with a negative integer counts from the end;
// `[s]` with a string reads an object key.
//
// Types follow JSON. Integers stay int64 while they fit (overflow and inexact `/` give floats); `==` compares
// deeply with 1 == 1.0; ordering works on two numbers or two strings (UTF-8 bytes, i.e. code point order);
// `in` tests an array element, a substring or an object key; `+` adds numbers or concatenates strings or
// arrays; `%` takes integers and truncates like C. Anything else is a type error rather than a silent false,
// so a mistyped condition surfaces on its first evaluation instead of quietly routing a run.
//
// Functions (a fixed set; an unknown name is a parse error): len(x) (code points of a string, elements of an
// array or object), lower(s), upper(s) (ASCII letters only), contains(a, b) (b in a), startswith(s, p),
// endswith(s, p), exists(path) (the key or index is present, even if its value is null), int(x), float(x)
// (from numbers, booleans and numeric strings), str(x) (a string as is, anything else as compact JSON).
//
// Keywords (and or not in true false null) are reserved; read such a key with a string index: `x["in"]`.

#include <memory>
#include <string>
#include <string_view>

#include "alith/core/json.h"

namespace alith::flow {

class Expression {
 public:
  // Longest accepted text, deepest nesting of brackets and prefix operators, and largest tree: caps that keep
  // a hostile workflow file from costing more than a few microseconds or any real stack.
  static constexpr size_t max_text_bytes = 4096;
  static constexpr size_t max_depth = 64;
  static constexpr size_t max_nodes = 1024;

  // Errors are a ParseError (ErrorCode::parse) whose message says what is wrong and whose offset is the byte
  // where it went wrong (also for invalid UTF-8 and the caps above). Never throws on any input.
  static Result<Expression> parse(std::string_view text);

  // Evaluates against the state, a JSON object (null counts as empty). Throws InvalidArgumentError naming
  // the expression on a type error, including a state that is not an object. Thread-safe: an Expression
  // never changes after parse.
  Json evaluate(const Json& state) const;

  // evaluate() then truthiness: null, false, 0, "", [] and {} are false, everything else true.
  bool test(const Json& state) const;

  const std::string& text() const noexcept;

  // Truthiness on its own, for callers that evaluate once and branch on the value.
  static bool truthy(const Json& value) noexcept;

 private:
  struct Impl;
  explicit Expression(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  // Shared and immutable, so copies are a reference count and evaluate() needs no lock.
  std::shared_ptr<const Impl> impl_;
};

}  // namespace alith::flow
