// Structured extraction with one repair loop (alith/agent/extractor.h).

#include "alith/agent/extractor.h"

#include <string_view>

#include "alith/agent/tool.h"

namespace alith::agent {
namespace {

using Mode = ExtractOptions::Mode;

bool has_object_root(const Json& schema) {
  auto type = schema.find("type");
  if (type == schema.end()) return schema.contains("properties");
  return type->is_string() && type->get_ref<const std::string&>() == "object";
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\r' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

// Models sometimes fence JSON in ```json ... ``` even when asked not to.
std::string_view strip_fences(std::string_view s) {
  s = trim(s);
  if (s.size() >= 6 && s.substr(0, 3) == "```" && s.substr(s.size() - 3) == "```") {
    s.remove_suffix(3);
    const size_t newline = s.find('\n');
    s.remove_prefix(newline == std::string_view::npos ? s.size() : newline + 1);
  }
  return trim(s);
}

}  // namespace

Extractor::Extractor(std::shared_ptr<llm::ChatModel> model, Json schema, ExtractOptions options)
    : model_(std::move(model)), schema_(std::move(schema)), options_(std::move(options)) {
  if (!model_) throw InvalidArgumentError("Extractor: no model");
  if (!schema_.is_object()) throw InvalidArgumentError("Extractor: the schema must be a JSON object");
  if (!is_valid_tool_name(options_.name)) {
    throw InvalidArgumentError("Extractor: invalid name \"" + options_.name + "\" (1-64 of [A-Za-z0-9_-])");
  }
  if (options_.repair_attempts < 0) throw InvalidArgumentError("Extractor: repair_attempts must be >= 0");
  wrapped_ = !has_object_root(schema_);
  if (!wrapped_) {
    model_schema_ = schema_;
    return;
  }
  model_schema_ = Json{{"type", "object"},
                       {"properties", {{"value", schema_}}},
                       {"required", {"value"}},
                       {"additionalProperties", false}};
  // Local $refs point at the root, which is now the wrapper: give it the definitions too.
  for (const char* defs : {"$defs", "definitions"}) {
    if (schema_.contains(defs)) model_schema_[defs] = schema_[defs];
  }
}

Json Extractor::extract(const std::string& input, const CancelToken& cancel) const {
  std::vector<llm::Message> messages;
  messages.push_back(llm::Message::user(input));
  return extract_messages(std::move(messages), cancel).value;
}

Extraction Extractor::extract_messages(std::vector<llm::Message> messages, const CancelToken& cancel) const {
  const llm::Capabilities caps = model_->capabilities();
  Mode mode = options_.mode;
  if (mode == Mode::automatic)
    mode = caps.json_schema ? Mode::response_format : caps.tools ? Mode::tool_call : Mode::prompt;

  llm::ChatRequest request;
  request.sampling = options_.sampling;
  request.max_tokens = options_.max_tokens;
  std::string system = options_.instructions;
  if (system.empty()) {
    system = mode == Mode::tool_call
                 ? "Extract the requested information from the user's input and record it by calling the \"" +
                       options_.name + "\" tool."
                 : "Extract the requested information from the user's input. Reply with JSON only.";
  }
  if (mode == Mode::response_format) {
    request.response_format.kind = llm::ResponseFormat::Kind::json_schema;
    request.response_format.name = options_.name;
    request.response_format.schema = model_schema_;
    request.response_format.strict = options_.strict;
  } else if (mode == Mode::tool_call) {
    request.tools.push_back(llm::ToolSpec{options_.name, options_.description, model_schema_});
    request.tool_choice = llm::ToolChoice::named(options_.name);
    request.parallel_tool_calls = false;
  } else {
    system += "\nReply with a single JSON value that validates against this JSON Schema:\n" +
              dump_json(model_schema_);
    if (caps.json_object) request.response_format.kind = llm::ResponseFormat::Kind::json_object;
  }
  request.messages.reserve(messages.size() + 1 + 2 * (options_.repair_attempts + 1));
  request.messages.push_back(llm::Message::system(std::move(system)));
  for (auto& m : messages) request.messages.push_back(std::move(m));

  Extraction result;
  std::string error;
  for (int attempt = 0; attempt <= options_.repair_attempts; ++attempt) {
    cancel.check();
    llm::ChatResponse response = model_->complete(request, llm::CallOptions{cancel, std::nullopt});
    result.usage += response.usage;
    ++result.attempts;
    auto& reply = response.message;
    reply.role = llm::Role::assistant;

    std::optional<Json> value;
    if (mode == Mode::tool_call) {
      const llm::ToolCall* call = nullptr;
      for (const auto& c : reply.tool_calls) {
        if (c.name == options_.name) {
          call = &c;
          break;
        }
      }
      if (!call) {
        error = "the reply did not call the \"" + options_.name + "\" tool";
      } else if (!call->arguments.is_null()) {
        value = call->arguments;
      } else if (auto parsed = parse_json(call->raw_arguments)) {
        value = std::move(*parsed);
      } else {
        error = "the tool arguments are not valid JSON (" + parsed.error().message + ")";
      }
    } else if (auto parsed = parse_json(strip_fences(reply.text()))) {
      value = std::move(*parsed);
    } else {
      error = "the reply is not valid JSON (" + parsed.error().message + ")";
    }

    if (value) {
      auto valid = validate(*value, model_schema_);
      if (valid) {
        result.value = wrapped_ ? std::move((*value)["value"]) : std::move(*value);
        return result;
      }
      error = valid.error().message;
    }
    if (attempt == options_.repair_attempts) break;

    // Show the model its mistake and ask again.
    const std::string fix = "Error: " + error + ". ";
    if (mode == Mode::tool_call && !reply.tool_calls.empty()) {
      for (size_t i = 0; i < reply.tool_calls.size(); ++i) {
        if (reply.tool_calls[i].id.empty())
          reply.tool_calls[i].id = "call_" + std::to_string(attempt) + "_" + std::to_string(i);
      }
      std::vector<llm::ToolCall> calls = reply.tool_calls;
      request.messages.push_back(std::move(reply));
      for (const auto& c : calls) {
        request.messages.push_back(llm::Message::tool_result(
            c.id, c.name, fix + "Call \"" + options_.name + "\" again with corrected arguments.", true));
      }
    } else {
      request.messages.push_back(std::move(reply));
      request.messages.push_back(llm::Message::user(
          fix + (mode == Mode::tool_call ? "Call the \"" + options_.name + "\" tool with the extracted data."
                                         : std::string("Reply again with only the corrected JSON."))));
    }
  }
  throw SchemaError("extraction failed after " + std::to_string(result.attempts) +
                    (result.attempts == 1 ? " attempt: " : " attempts: ") + error);
}

}  // namespace alith::agent
