// Tool plumbing: the dynamic tool behind every factory, and run_tool (validate, invoke, convert, contain).

#include "alith/agent/tool.h"

#include <exception>
#include <string>
#include <utility>

namespace alith::agent {
namespace {

class FunctionTool final : public Tool {
 public:
  FunctionTool(llm::ToolSpec spec, ToolFunction fn) : spec_(std::move(spec)), fn_(std::move(fn)) {}
  const llm::ToolSpec& spec() const override { return spec_; }
  Json invoke(const Json& args, const ToolContext& context) override { return fn_(args, context); }

 private:
  llm::ToolSpec spec_;
  ToolFunction fn_;
};

std::string in_quotes(const std::string& name) {
  return "\"" + name + "\"";
}

}  // namespace

bool is_valid_tool_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::shared_ptr<Tool> make_tool(std::string name, std::string description, Json schema, ToolFunction fn) {
  if (!is_valid_tool_name(name)) {
    throw InvalidArgumentError("invalid tool name " + in_quotes(name) +
                               ": use 1-64 characters of [A-Za-z0-9_-]");
  }
  if (!schema.is_object()) {
    throw InvalidArgumentError("tool " + in_quotes(name) + ": the parameters schema must be a JSON object");
  }
  if (!fn) throw InvalidArgumentError("tool " + in_quotes(name) + ": no function given");
  llm::ToolSpec spec;
  spec.name = std::move(name);
  spec.description = std::move(description);
  spec.parameters = std::move(schema);
  return std::make_shared<FunctionTool>(std::move(spec), std::move(fn));
}

ToolOutcome run_tool(Tool& tool, const Json& args, const ToolContext& context) {
  const auto& spec = tool.spec();
  try {
    if (auto valid = validate(args, spec.parameters); !valid) {
      return {"Error: invalid arguments for tool " + in_quotes(spec.name) + ": " + valid.error().message +
                  ". Call it again with arguments that match its parameters.",
              true};
    }
    Json result = tool.invoke(args, context);
    if (result.is_string()) return {std::move(result.get_ref<std::string&>()), false};
    // Common scalars skip the serializer (it allocates its output adapter).
    if (result.is_number_integer() && !result.is_number_unsigned()) {
      return {std::to_string(result.get<int64_t>()), false};
    }
    if (result.is_boolean()) return {result.get<bool>() ? "true" : "false", false};
    return {dump_json(result), false};
  } catch (const CancelledError&) {
    throw;
  } catch (const std::exception& e) {
    return {"Error: tool " + in_quotes(spec.name) + " failed: " + e.what(), true};
  } catch (...) {
    return {"Error: tool " + in_quotes(spec.name) + " failed with an unknown exception", true};
  }
}

namespace detail {

void check_function_params(size_t expected, const std::vector<std::string>& names,
                           const std::vector<std::string>& descriptions) {
  if (names.size() != expected) {
    throw InvalidArgumentError("make_function_tool: the function takes " + std::to_string(expected) +
                               " parameters but " + std::to_string(names.size()) + " names were given");
  }
  if (!descriptions.empty() && descriptions.size() != expected) {
    throw InvalidArgumentError("make_function_tool: give one description per parameter, or none");
  }
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty()) throw InvalidArgumentError("make_function_tool: a parameter name is empty");
    for (size_t j = 0; j < i; ++j) {
      if (names[i] == names[j])
        throw InvalidArgumentError("make_function_tool: duplicate parameter " + names[i]);
    }
  }
}

Json function_schema(const std::vector<std::string>& names, const std::vector<std::string>& descriptions,
                     std::vector<Json> param_schemas, const std::vector<bool>& optional) {
  Json properties = Json::object();
  Json required = Json::array();
  for (size_t i = 0; i < names.size(); ++i) {
    Json s = std::move(param_schemas[i]);
    if (i < descriptions.size() && !descriptions[i].empty() && s.is_object())
      s["description"] = descriptions[i];
    properties[names[i]] = std::move(s);
    if (!optional[i]) required.push_back(names[i]);
  }
  return Json{{"type", "object"},
              {"properties", std::move(properties)},
              {"required", std::move(required)},
              {"additionalProperties", false}};
}

}  // namespace detail
}  // namespace alith::agent
