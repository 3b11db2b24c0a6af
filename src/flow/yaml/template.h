#pragma once

// Templates in workflow files: text with `{{expr}}` slots, each an expression of the condition language read
// against the state. A string value is inserted verbatim, anything else as compact JSON; text that is exactly
// one slot gives the value itself (value()). `{{` starts a slot and the first `}}` after it ends it; write a
// literal `{{` as `{{ '{{' }}`.

#include <optional>
#include <string>
#include <vector>

#include "alith/core/json.h"
#include "alith/flow/expression.h"
#include "flow/yaml/document.h"

namespace alith::flow::yaml {

class Template {
 public:
  // Parses a scalar's text; problems (an unclosed `{{`, an expression that does not parse) are reported at
  // their column inside the scalar. `what` names the field in messages ("prompt of node 'write'").
  static std::optional<Template> parse(Doc& doc, const YAML::Node& scalar, std::string_view what);

  // Errors of evaluation are InvalidArgumentError naming the template's place in the file.
  std::string render(const Json& state) const;
  Json value(const Json& state) const;

 private:
  struct Part {
    std::string text;                // literal text, or the slot's source
    std::optional<Expression> slot;  // set for a slot
  };
  Json evaluate(const Part& part, const Json& state) const;

  std::vector<Part> parts_;
  std::string where_;  // "file:line:col: <what>"
};

// A scalar's text as an expression (conditions, `set` values, map paths); a parse error is reported at its
// column inside the scalar as "invalid <what>: <reason>".
std::optional<Expression> parse_expression(Doc& doc, const YAML::Node& scalar, std::string_view what);

// A YAML value whose strings may hold templates (tool arguments, interrupt payloads).
class ValueTemplate {
 public:
  static std::optional<ValueTemplate> parse(Doc& doc, const YAML::Node& node, std::string_view what);
  Json render(const Json& state) const;
  // Without templates the value is known when the file loads (and can be checked then).
  bool fixed() const noexcept { return slots_.empty(); }
  const Json& shape() const noexcept { return shape_; }

 private:
  Json shape_;
  std::vector<std::pair<Json::json_pointer, Template>> slots_;
};

}  // namespace alith::flow::yaml
