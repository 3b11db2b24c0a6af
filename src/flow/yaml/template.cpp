// Templates: `{{expr}}` slots in prompts, payloads and tool arguments, checked when the file loads.

#include "flow/yaml/template.h"

namespace alith::flow::yaml {
namespace {

// Expression errors read "invalid expression at byte N: reason"; the position is said by file:line:col.
std::string expression_message(const std::string& message) {
  constexpr std::string_view prefix = "invalid expression at byte ";
  if (message.rfind(prefix, 0) != 0) return message;
  const size_t colon = message.find(": ", prefix.size());
  return colon == std::string::npos ? message : message.substr(colon + 2);
}

}  // namespace

std::optional<Expression> parse_expression(Doc& doc, const YAML::Node& scalar, std::string_view what) {
  auto parsed = Expression::parse(scalar.Scalar());
  if (parsed) return std::move(parsed.value());
  doc.report_inside(scalar, parsed.error().offset.value_or(0),
                    "invalid " + std::string(what) + ": " + expression_message(parsed.error().message));
  return std::nullopt;
}

std::optional<Template> Template::parse(Doc& doc, const YAML::Node& scalar, std::string_view what) {
  Template t;
  t.where_ = doc.where(scalar) + ": " + std::string(what);
  const std::string& text = scalar.Scalar();
  bool ok = true;
  size_t at = 0;
  while (at < text.size()) {
    const size_t open = text.find("{{", at);
    if (open == std::string::npos) {
      t.parts_.push_back({text.substr(at), std::nullopt});
      break;
    }
    if (open > at) t.parts_.push_back({text.substr(at, open - at), std::nullopt});
    const size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) {
      doc.report_inside(scalar, open, "unclosed '{{' in " + std::string(what));
      return std::nullopt;
    }
    const std::string source = text.substr(open + 2, close - open - 2);
    auto parsed = Expression::parse(source);
    if (!parsed) {
      const size_t offset = parsed.error().offset.value_or(0);
      doc.report_inside(
          scalar, open + 2 + offset,
          "invalid template in " + std::string(what) + ": " + expression_message(parsed.error().message));
      ok = false;
    } else {
      t.parts_.push_back({source, std::move(parsed.value())});
    }
    at = close + 2;
  }
  if (!ok) return std::nullopt;
  return t;
}

Json Template::evaluate(const Part& part, const Json& state) const {
  try {
    return part.slot->evaluate(state);
  } catch (const InvalidArgumentError& e) {
    throw InvalidArgumentError(where_ + ": " + e.what());
  }
}

std::string Template::render(const Json& state) const {
  std::string out;
  for (const auto& part : parts_) {
    if (!part.slot) {
      out += part.text;
      continue;
    }
    const Json value = evaluate(part, state);
    out += value.is_string() ? value.get<std::string>() : dump_json(value);
  }
  return out;
}

Json Template::value(const Json& state) const {
  if (parts_.size() == 1 && parts_[0].slot) return evaluate(parts_[0], state);
  return render(state);
}

std::optional<ValueTemplate> ValueTemplate::parse(Doc& doc, const YAML::Node& node, std::string_view what) {
  ValueTemplate t;
  bool ok = true;
  auto shape = doc.json_of(node, [&](const YAML::Node& scalar, const Json::json_pointer& at) {
    if (scalar.Scalar().find("{{") == std::string::npos) return;
    if (auto slot = Template::parse(doc, scalar, what)) {
      t.slots_.emplace_back(at, std::move(*slot));
    } else {
      ok = false;
    }
  });
  if (!shape || !ok) return std::nullopt;
  t.shape_ = std::move(*shape);
  return t;
}

Json ValueTemplate::render(const Json& state) const {
  Json out = shape_;
  for (const auto& [at, slot] : slots_) out[at] = slot.value(state);
  return out;
}

}  // namespace alith::flow::yaml
