#include "alith/llm/message.h"

#include <string>
#include <utility>

namespace alith::llm {

std::string_view to_string(Role role) noexcept {
  switch (role) {
    case Role::system:
      return "system";
    case Role::user:
      return "user";
    case Role::assistant:
      return "assistant";
    case Role::tool:
      return "tool";
  }
  return "user";
}

std::string_view to_string(FinishReason reason) noexcept {
  switch (reason) {
    case FinishReason::stop:
      return "stop";
    case FinishReason::length:
      return "length";
    case FinishReason::tool_calls:
      return "tool_calls";
    case FinishReason::content_filter:
      return "content_filter";
    case FinishReason::other:
      return "other";
  }
  return "other";
}

ContentPart ContentPart::make_text(std::string text) {
  ContentPart part;
  part.kind = Kind::text;
  part.text = std::move(text);
  return part;
}

ContentPart ContentPart::make_image_url(std::string url) {
  ContentPart part;
  part.kind = Kind::image_url;
  part.url = std::move(url);
  return part;
}

ContentPart ContentPart::make_image_base64(std::string media_type, std::string base64) {
  ContentPart part;
  part.kind = Kind::image_base64;
  part.media_type = std::move(media_type);
  part.data = std::move(base64);
  return part;
}

Message Message::system(std::string text) {
  Message m;
  m.role = Role::system;
  m.content.push_back(ContentPart::make_text(std::move(text)));
  return m;
}

Message Message::user(std::string text) {
  Message m;
  m.role = Role::user;
  m.content.push_back(ContentPart::make_text(std::move(text)));
  return m;
}

Message Message::assistant(std::string text, std::vector<ToolCall> calls) {
  Message m;
  m.role = Role::assistant;
  // A reply made only of tool calls has no text part, so providers can send `content: null` for it.
  if (!text.empty() || calls.empty()) m.content.push_back(ContentPart::make_text(std::move(text)));
  m.tool_calls = std::move(calls);
  return m;
}

Message Message::tool_result(std::string call_id, std::string tool_name, std::string content, bool is_error) {
  Message m;
  m.role = Role::tool;
  m.content.push_back(ContentPart::make_text(std::move(content)));
  m.tool_call_id = std::move(call_id);
  m.name = std::move(tool_name);
  m.is_error = is_error;
  return m;
}

std::string Message::text() const {
  std::string out;
  for (const auto& part : content) {
    if (part.kind == ContentPart::Kind::text) out += part.text;
  }
  return out;
}

Usage& Usage::operator+=(const Usage& other) {
  prompt_tokens += other.prompt_tokens;
  completion_tokens += other.completion_tokens;
  total_tokens += other.total_tokens;
  return *this;
}

// ---- alith's own serialization -------------------------------------------------------------------------

namespace {

Json part_to_json(const ContentPart& part) {
  switch (part.kind) {
    case ContentPart::Kind::text:
      return Json{{"type", "text"}, {"text", part.text}};
    case ContentPart::Kind::image_url:
      return Json{{"type", "image_url"}, {"url", part.url}};
    case ContentPart::Kind::image_base64:
      return Json{{"type", "image_base64"}, {"media_type", part.media_type}, {"data", part.data}};
  }
  return Json::object();
}

[[noreturn]] void shape_error(const std::string& what) {
  throw ParseError("message JSON: " + what);
}

std::string string_field(const Json& obj, const char* key, bool required = false) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (required) shape_error(std::string("missing \"") + key + "\"");
    return {};
  }
  if (!it->is_string()) shape_error(std::string("\"") + key + "\" must be a string");
  return it->get<std::string>();
}

Role role_from_string(const std::string& s) {
  if (s == "system") return Role::system;
  if (s == "user") return Role::user;
  if (s == "assistant") return Role::assistant;
  if (s == "tool") return Role::tool;
  shape_error("unknown role \"" + s + "\"");
}

ContentPart part_from_json(const Json& j) {
  if (j.is_string()) return ContentPart::make_text(j.get<std::string>());
  if (!j.is_object()) shape_error("a content part must be an object or a string");
  const std::string type = string_field(j, "type", true);
  if (type == "text") return ContentPart::make_text(string_field(j, "text"));
  if (type == "image_url") return ContentPart::make_image_url(string_field(j, "url", true));
  if (type == "image_base64") {
    return ContentPart::make_image_base64(string_field(j, "media_type", true), string_field(j, "data", true));
  }
  shape_error("unknown content part type \"" + type + "\"");
}

}  // namespace

Json to_json(const Message& message) {
  Json j = Json::object();
  j["role"] = std::string(to_string(message.role));
  Json content = Json::array();
  for (const auto& part : message.content) content.push_back(part_to_json(part));
  j["content"] = std::move(content);
  if (!message.tool_calls.empty()) {
    Json calls = Json::array();
    for (const auto& call : message.tool_calls) {
      Json c{{"id", call.id}, {"name", call.name}, {"arguments", call.arguments}};
      if (!call.raw_arguments.empty()) c["raw_arguments"] = call.raw_arguments;
      calls.push_back(std::move(c));
    }
    j["tool_calls"] = std::move(calls);
  }
  if (!message.tool_call_id.empty()) j["tool_call_id"] = message.tool_call_id;
  if (!message.name.empty()) j["name"] = message.name;
  if (message.is_error) j["is_error"] = true;
  return j;
}

Message message_from_json(const Json& json) {
  if (!json.is_object()) shape_error("a message must be an object");
  Message m;
  m.role = role_from_string(string_field(json, "role", true));

  if (auto it = json.find("content"); it != json.end() && !it->is_null()) {
    if (it->is_string()) {
      m.content.push_back(ContentPart::make_text(it->get<std::string>()));
    } else if (it->is_array()) {
      for (const auto& part : *it) m.content.push_back(part_from_json(part));
    } else {
      shape_error("\"content\" must be a string or an array");
    }
  }

  if (auto it = json.find("tool_calls"); it != json.end() && !it->is_null()) {
    if (!it->is_array()) shape_error("\"tool_calls\" must be an array");
    for (const auto& c : *it) {
      if (!c.is_object()) shape_error("a tool call must be an object");
      ToolCall call;
      call.id = string_field(c, "id");
      call.name = string_field(c, "name", true);
      auto args = c.find("arguments");
      call.arguments = args == c.end() ? Json::object() : *args;
      call.raw_arguments = string_field(c, "raw_arguments");
      m.tool_calls.push_back(std::move(call));
    }
  }

  m.tool_call_id = string_field(json, "tool_call_id");
  m.name = string_field(json, "name");
  if (auto it = json.find("is_error"); it != json.end() && !it->is_null()) {
    if (!it->is_boolean()) shape_error("\"is_error\" must be a boolean");
    m.is_error = it->get<bool>();
  }
  return m;
}

}  // namespace alith::llm
