#include "messages.h"

#include <string>

#include "alith/core/error.h"

namespace alith_node {
namespace {

const alith::Json* Member(const alith::Json& json, const char* camel, const char* snake) {
  auto it = json.find(camel);
  if (it != json.end() && !it->is_null()) return &*it;
  it = json.find(snake);
  if (it != json.end() && !it->is_null()) return &*it;
  return nullptr;
}

}  // namespace

alith::Json ToolCallToJson(const alith::llm::ToolCall& call) {
  alith::Json j{{"id", call.id}, {"name", call.name}, {"arguments", call.arguments}};
  if (call.arguments.is_null()) j["rawArguments"] = call.raw_arguments;
  return j;
}

alith::Json MessageToJson(const alith::llm::Message& message) {
  alith::Json j{{"role", std::string(alith::llm::to_string(message.role))}};
  bool text_only = true;
  for (const auto& part : message.content)
    text_only = text_only && part.kind == alith::llm::ContentPart::Kind::text;
  if (text_only) {
    j["content"] = message.text();
  } else {
    j["content"] = alith::llm::to_json(message)["content"];
  }
  if (!message.tool_calls.empty()) {
    alith::Json calls = alith::Json::array();
    for (const auto& call : message.tool_calls) calls.push_back(ToolCallToJson(call));
    j["toolCalls"] = std::move(calls);
  }
  if (!message.tool_call_id.empty()) j["toolCallId"] = message.tool_call_id;
  if (!message.name.empty()) j["name"] = message.name;
  if (message.is_error) j["isError"] = true;
  return j;
}

alith::llm::Message MessageFromJson(const alith::Json& json) {
  if (!json.is_object()) throw alith::InvalidArgumentError("a message must be an object {role, content}");
  alith::Json normal = json;
  if (const auto* calls = Member(json, "toolCalls", "tool_calls")) {
    alith::Json list = alith::Json::array();
    for (const auto& call : *calls) {
      alith::Json c = call;
      if (const auto* raw = Member(call, "rawArguments", "raw_arguments")) c["raw_arguments"] = *raw;
      c.erase("rawArguments");
      list.push_back(std::move(c));
    }
    normal["tool_calls"] = std::move(list);
    normal.erase("toolCalls");
  }
  if (const auto* id = Member(json, "toolCallId", "tool_call_id")) normal["tool_call_id"] = *id;
  if (const auto* error = Member(json, "isError", "is_error")) normal["is_error"] = *error;
  normal.erase("toolCallId");
  normal.erase("isError");
  return alith::llm::message_from_json(normal);
}

std::vector<alith::llm::Message> MessagesFromJson(const alith::Json& json) {
  if (json.is_string()) return {alith::llm::Message::user(json.get<std::string>())};
  if (!json.is_array()) throw alith::InvalidArgumentError("messages must be an array of {role, content}");
  std::vector<alith::llm::Message> out;
  out.reserve(json.size());
  for (const auto& m : json) out.push_back(MessageFromJson(m));
  return out;
}

alith::Json UsageToJson(const alith::llm::Usage& usage) {
  return {{"promptTokens", usage.prompt_tokens},
          {"completionTokens", usage.completion_tokens},
          {"totalTokens", usage.total_tokens}};
}

alith::Json ResponseToJson(const alith::llm::ChatResponse& response) {
  return {{"message", MessageToJson(response.message)},
          {"finishReason", std::string(alith::llm::to_string(response.finish_reason))},
          {"usage", UsageToJson(response.usage)},
          {"model", response.model},
          {"id", response.id}};
}

alith::llm::ToolChoice ToolChoiceFromJson(const alith::Json& json) {
  using alith::llm::ToolChoice;
  if (json.is_null()) return ToolChoice::automatic_choice();
  if (json.is_object()) {
    if (const auto* name = Member(json, "name", "name"); name && name->is_string()) {
      return ToolChoice::named(name->get<std::string>());
    }
    throw alith::InvalidArgumentError("toolChoice object needs a name");
  }
  if (!json.is_string())
    throw alith::InvalidArgumentError("toolChoice must be 'auto', 'none', 'required' or a tool name");
  const auto& s = json.get_ref<const std::string&>();
  if (s == "auto") return ToolChoice::automatic_choice();
  if (s == "none") return ToolChoice::none_choice();
  if (s == "required" || s == "any") return ToolChoice::required_choice();
  return ToolChoice::named(s);
}

alith::llm::ChatRequest RequestFromJson(const alith::Json& json) {
  alith::llm::ChatRequest request;
  if (json.is_array() || json.is_string()) {
    request.messages = MessagesFromJson(json);
    return request;
  }
  if (!json.is_object())
    throw alith::InvalidArgumentError("a request must be {messages, ...} or an array of messages");
  if (const auto* messages = Member(json, "messages", "messages"))
    request.messages = MessagesFromJson(*messages);
  if (const auto* tools = Member(json, "tools", "tools")) {
    for (const auto& t : *tools) {
      alith::llm::ToolSpec spec;
      spec.name = t.value("name", "");
      spec.description = t.value("description", "");
      if (auto it = t.find("parameters"); it != t.end() && it->is_object()) spec.parameters = *it;
      request.tools.push_back(std::move(spec));
    }
  }
  if (const auto* choice = Member(json, "toolChoice", "tool_choice"))
    request.tool_choice = ToolChoiceFromJson(*choice);
  if (const auto* v = Member(json, "temperature", "temperature"))
    request.sampling.temperature = v->get<double>();
  if (const auto* v = Member(json, "topP", "top_p")) request.sampling.top_p = v->get<double>();
  if (const auto* v = Member(json, "topK", "top_k")) request.sampling.top_k = v->get<int>();
  if (const auto* v = Member(json, "seed", "seed")) request.sampling.seed = v->get<int64_t>();
  if (const auto* v = Member(json, "maxTokens", "max_tokens")) request.max_tokens = v->get<int>();
  if (const auto* v = Member(json, "stop", "stop")) {
    if (v->is_string()) {
      request.stop.push_back(v->get<std::string>());
    } else {
      for (const auto& s : *v) request.stop.push_back(s.get<std::string>());
    }
  }
  if (const auto* v = Member(json, "model", "model"); v && v->is_string())
    request.model = v->get<std::string>();
  if (const auto* format = Member(json, "responseFormat", "response_format")) {
    std::string type = format->value("type", "text");
    if (type == "json_object") {
      request.response_format.kind = alith::llm::ResponseFormat::Kind::json_object;
    } else if (type == "json_schema") {
      request.response_format.kind = alith::llm::ResponseFormat::Kind::json_schema;
      request.response_format.schema = format->value("schema", alith::Json::object());
      request.response_format.name = format->value("name", "response");
      request.response_format.strict = format->value("strict", true);
    }
  }
  return request;
}

}  // namespace alith_node
