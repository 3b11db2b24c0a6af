#pragma once

// The provider-neutral conversation model: messages, tool specs and calls, requests and responses.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "alith/core/json.h"

namespace alith::llm {

enum class Role { system, user, assistant, tool };
std::string_view to_string(Role role) noexcept;

struct ContentPart {
  enum class Kind { text, image_url, image_base64 };
  Kind kind = Kind::text;
  std::string text;        // Kind::text
  std::string url;         // Kind::image_url (http(s) or data: URL)
  std::string media_type;  // Kind::image_base64, e.g. "image/png"
  std::string data;        // Kind::image_base64, base64 without the data: prefix

  static ContentPart make_text(std::string text);
  static ContentPart make_image_url(std::string url);
  static ContentPart make_image_base64(std::string media_type, std::string base64);
};

struct ToolCall {
  std::string id;
  std::string name;
  Json arguments = Json::object();  // parsed arguments
  std::string raw_arguments;        // as the model produced them (may be malformed; then arguments is null)
};

struct Message {
  Role role = Role::user;
  std::vector<ContentPart> content;
  std::vector<ToolCall> tool_calls;  // assistant only
  std::string tool_call_id;          // tool only: the call this answers
  std::string name;                  // tool only: the tool's name
  bool is_error = false;             // tool only: the result reports a failure

  static Message system(std::string text);
  static Message user(std::string text);
  static Message assistant(std::string text, std::vector<ToolCall> calls = {});
  static Message tool_result(std::string call_id, std::string tool_name, std::string content, bool is_error = false);

  // All text parts joined.
  std::string text() const;
};

struct ToolSpec {
  std::string name;
  std::string description;
  Json parameters = Json{{"type", "object"}, {"properties", Json::object()}};  // JSON Schema
};

struct ToolChoice {
  enum class Mode { automatic, none, required, named };
  Mode mode = Mode::automatic;
  std::string name;  // Mode::named

  static ToolChoice automatic_choice() { return {}; }
  static ToolChoice none_choice() { return {Mode::none, {}}; }
  static ToolChoice required_choice() { return {Mode::required, {}}; }
  static ToolChoice named(std::string tool) { return {Mode::named, std::move(tool)}; }
};

struct ResponseFormat {
  enum class Kind { text, json_object, json_schema };
  Kind kind = Kind::text;
  std::string name = "response";  // json_schema
  Json schema;                    // json_schema
  bool strict = true;
};

struct Sampling {
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<int> top_k;
  std::optional<double> min_p;
  std::optional<double> presence_penalty;
  std::optional<double> frequency_penalty;
  std::optional<double> repeat_penalty;
  std::optional<int64_t> seed;
};

struct ChatRequest {
  std::string model;  // empty: the model's own default id
  std::vector<Message> messages;
  std::vector<ToolSpec> tools;
  ToolChoice tool_choice;
  bool parallel_tool_calls = true;
  ResponseFormat response_format;
  Sampling sampling;
  std::vector<std::string> stop;
  std::optional<int> max_tokens;
  Json extra = Json::object();  // merged into the provider's request body as given
};

struct Usage {
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int64_t total_tokens = 0;
  Usage& operator+=(const Usage& other);
};

enum class FinishReason { stop, length, tool_calls, content_filter, other };
std::string_view to_string(FinishReason reason) noexcept;

struct ChatResponse {
  Message message;  // role assistant
  FinishReason finish_reason = FinishReason::stop;
  std::string raw_finish_reason;  // as the provider said it
  Usage usage;
  std::string model;  // as the provider reported it
  std::string id;
};

// Conversions to and from the JSON shapes used by alith's own serialization (transcripts, checkpoints).
Json to_json(const Message& message);
Message message_from_json(const Json& json);  // throws ParseError on a wrong shape

}  // namespace alith::llm
