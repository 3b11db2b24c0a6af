// The Anthropic Messages API wire format: request bodies, replies and streamed events.

#include <string>
#include <utility>

#include "alith/core/error.h"
#include "alith/llm/anthropic.h"
#include "provider_http.h"
#include "wire_util.h"

namespace alith::llm::anthropic {

namespace {

using detail::field;
using detail::str;

constexpr std::string_view kProvider = "anthropic";
constexpr size_t kMaxBlocks = 4096;  // a larger block index is malformed, not a reason to allocate

Json image_block(const ContentPart& part) {
  if (part.kind == ContentPart::Kind::image_base64) {
    return Json{{"type", "image"},
                {"source", {{"type", "base64"}, {"media_type", part.media_type}, {"data", part.data}}}};
  }
  // A data: URL is sent as base64, which every API version accepts; other URLs as a url source.
  const std::string& url = part.url;
  if (url.starts_with("data:")) {
    const auto semicolon = url.find(";base64,");
    if (semicolon != std::string::npos) {
      return Json{{"type", "image"},
                  {"source",
                   {{"type", "base64"},
                    {"media_type", url.substr(5, semicolon - 5)},
                    {"data", url.substr(semicolon + 8)}}}};
    }
  }
  return Json{{"type", "image"}, {"source", {{"type", "url"}, {"url", url}}}};
}

// Text and image blocks of a message. Empty text is dropped: the API rejects empty text blocks.
Json content_blocks(const Message& m) {
  Json blocks = Json::array();
  for (const auto& part : m.content) {
    if (part.kind == ContentPart::Kind::text) {
      if (!part.text.empty()) blocks.push_back(Json{{"type", "text"}, {"text", part.text}});
    } else {
      blocks.push_back(image_block(part));
    }
  }
  return blocks;
}

Json tool_result_block(const Message& m) {
  Json block{{"type", "tool_result"}, {"tool_use_id", m.tool_call_id}};
  bool has_image = false;
  for (const auto& part : m.content) has_image = has_image || part.kind != ContentPart::Kind::text;
  if (has_image) {
    block["content"] = content_blocks(m);
  } else {
    block["content"] = m.text();
  }
  if (m.is_error) block["is_error"] = true;
  return block;
}

Json tool_use_block(const ToolCall& call) {
  // input must be an object; arguments that were not valid JSON (null) go back as {}.
  return Json{{"type", "tool_use"},
              {"id", call.id},
              {"name", call.name},
              {"input", call.arguments.is_object() ? call.arguments : Json::object()}};
}

Json tool_choice_json(const ChatRequest& request) {
  Json choice;
  switch (request.tool_choice.mode) {
    case ToolChoice::Mode::automatic:
      choice = Json{{"type", "auto"}};
      break;
    case ToolChoice::Mode::none:
      return Json{{"type", "none"}};
    case ToolChoice::Mode::required:
      choice = Json{{"type", "any"}};
      break;
    case ToolChoice::Mode::named:
      choice = Json{{"type", "tool"}, {"name", request.tool_choice.name}};
      break;
  }
  if (!request.parallel_tool_calls) choice["disable_parallel_tool_use"] = true;
  return choice;
}

FinishReason map_stop_reason(const std::string& raw) {
  if (raw == "end_turn" || raw == "stop_sequence") return FinishReason::stop;
  if (raw == "max_tokens" || raw == "model_context_window_exceeded") return FinishReason::length;
  if (raw == "tool_use") return FinishReason::tool_calls;
  if (raw == "refusal") return FinishReason::content_filter;
  return FinishReason::other;
}

// Cached prompt tokens are billed as input too; prompt_tokens counts all of them.
int64_t input_tokens(const Json& usage, int64_t fallback) {
  if (!field(usage, "input_tokens")) return fallback;
  return detail::int_or(usage, "input_tokens", 0) + detail::int_or(usage, "cache_creation_input_tokens", 0) +
         detail::int_or(usage, "cache_read_input_tokens", 0);
}

void check_error(const Json& body) {
  if (str(body, "type") == "error" || field(body, "error")) detail::throw_error_object(kProvider, body, 0);
}

}  // namespace

Json request_body(const ChatRequest& request, const AnthropicOptions& options, bool stream) {
  Json body = Json::object();
  body["model"] = request.model.empty() ? options.model : request.model;
  body["max_tokens"] = request.max_tokens.value_or(options.default_max_tokens);

  std::string system;
  Json messages = Json::array();
  for (const auto& m : request.messages) {
    if (m.role == Role::system) {
      if (!system.empty()) system += "\n\n";
      system += m.text();
      continue;
    }
    const char* role = m.role == Role::assistant ? "assistant" : "user";
    Json blocks;
    if (m.role == Role::tool) {
      blocks = Json::array({tool_result_block(m)});
    } else {
      blocks = content_blocks(m);
      if (m.role == Role::assistant) {
        for (const auto& call : m.tool_calls) blocks.push_back(tool_use_block(call));
      }
    }
    if (blocks.empty()) continue;
    // Turns alternate; consecutive same-role messages (several tool results, or results followed by a
    // user message) become one turn.
    if (!messages.empty() && messages.back()["role"] == role) {
      for (auto& block : blocks) messages.back()["content"].push_back(std::move(block));
    } else {
      messages.push_back(Json{{"role", role}, {"content", std::move(blocks)}});
    }
  }
  if (!system.empty()) body["system"] = system;
  body["messages"] = std::move(messages);

  if (!request.tools.empty()) {
    Json tools = Json::array();
    for (const auto& tool : request.tools) {
      Json spec{{"name", tool.name}, {"input_schema", tool.parameters}};
      if (!tool.description.empty()) spec["description"] = tool.description;
      tools.push_back(std::move(spec));
    }
    body["tools"] = std::move(tools);
    body["tool_choice"] = tool_choice_json(request);
  }

  // The Messages API has no seed, penalties or min_p; those settings are not sent.
  const Sampling& s = request.sampling;
  if (s.temperature) body["temperature"] = *s.temperature;
  if (s.top_p) body["top_p"] = *s.top_p;
  if (s.top_k) body["top_k"] = *s.top_k;
  if (!request.stop.empty()) body["stop_sequences"] = request.stop;
  if (stream) body["stream"] = true;

  if (!request.extra.is_null()) {
    if (!request.extra.is_object()) throw InvalidArgumentError("ChatRequest::extra must be a JSON object");
    body.merge_patch(request.extra);
  }
  return body;
}

ChatResponse parse_response(const Json& body) {
  if (!body.is_object()) throw ParseError("messages reply is not a JSON object");
  check_error(body);
  const Json* content = field(body, "content");
  if (!content || !content->is_array()) throw ParseError("messages reply has no content array");

  ChatResponse out;
  out.message.role = Role::assistant;
  for (const auto& block : *content) {
    const std::string type = str(block, "type");
    if (type == "text") {
      if (auto text = str(block, "text"); !text.empty()) {
        out.message.content.push_back(ContentPart::make_text(std::move(text)));
      }
    } else if (type == "tool_use") {
      ToolCall call;
      call.id = str(block, "id");
      call.name = str(block, "name");
      const Json* input = field(block, "input");
      call.arguments = input ? *input : Json::object();
      call.raw_arguments = dump_json(call.arguments);
      out.message.tool_calls.push_back(std::move(call));
    }
    // thinking, redacted_thinking and server-tool blocks carry nothing alith uses.
  }
  out.raw_finish_reason = str(body, "stop_reason");
  out.finish_reason = map_stop_reason(out.raw_finish_reason);
  if (const Json* usage = field(body, "usage")) {
    out.usage.prompt_tokens = input_tokens(*usage, 0);
    out.usage.completion_tokens = detail::int_or(*usage, "output_tokens", 0);
    out.usage.total_tokens = out.usage.prompt_tokens + out.usage.completion_tokens;
  }
  out.model = str(body, "model");
  out.id = str(body, "id");
  return out;
}

void StreamAssembler::on_event(std::string_view type, std::string_view data, const StreamHandler& on_event) {
  auto parsed = parse_json(data);
  if (!parsed.ok()) throw ParseError("malformed stream event: " + parsed.error().message);
  const Json& event = *parsed;
  if (!event.is_object()) throw ParseError("stream event is not a JSON object");
  // The SSE event name and the payload's `type` agree; the payload is used when the name is absent.
  const std::string kind = type.empty() || type == "message" ? str(event, "type") : std::string(type);

  if (kind == "error") detail::throw_error_object(kProvider, event, 0);
  if (kind == "ping" || done_) return;

  if (kind == "message_start") {
    const Json* message = field(event, "message");
    if (!message) return;
    if (auto id = str(*message, "id"); !id.empty()) response_.id = std::move(id);
    if (auto model = str(*message, "model"); !model.empty()) response_.model = std::move(model);
    if (const Json* usage = field(*message, "usage")) {
      response_.usage.prompt_tokens = input_tokens(*usage, 0);
      response_.usage.completion_tokens = detail::int_or(*usage, "output_tokens", 0);
    }
    return;
  }

  if (kind == "content_block_start") {
    const int64_t index = detail::int_or(event, "index", -1);
    if (index < 0 || static_cast<uint64_t>(index) >= kMaxBlocks)
      throw ParseError("content block index out of range");
    if (static_cast<size_t>(index) >= blocks_.size()) blocks_.resize(static_cast<size_t>(index) + 1);
    Block& block = blocks_[static_cast<size_t>(index)];
    const Json* content = field(event, "content_block");
    const std::string block_type = content ? str(*content, "type") : std::string();
    block = Block{};
    if (block_type == "text") {
      block.type = "text";
      if (auto text = str(*content, "text"); !text.empty()) {
        block.text = text;
        StreamEvent out;
        out.kind = StreamEvent::Kind::text_delta;
        out.text = std::move(text);
        on_event(out);
      }
    } else if (block_type == "tool_use") {
      block.type = "tool_use";
      block.id = str(*content, "id");
      block.name = str(*content, "name");
      block.tool_index = tool_count_++;
      if (const Json* input = field(*content, "input"); input && input->is_object() && !input->empty()) {
        block.json = dump_json(*input);
        block.json_from_start = true;
      }
      StreamEvent out;
      out.kind = StreamEvent::Kind::tool_call_start;
      out.index = block.tool_index;
      out.id = block.id;
      out.name = block.name;
      on_event(out);
    } else {
      block.type = "other";
    }
    return;
  }

  if (kind == "content_block_delta") {
    const int64_t index = detail::int_or(event, "index", -1);
    if (index < 0 || static_cast<size_t>(index) >= blocks_.size() ||
        blocks_[static_cast<size_t>(index)].type.empty()) {
      throw ParseError("content_block_delta for a block that was not started");
    }
    Block& block = blocks_[static_cast<size_t>(index)];
    const Json* delta = field(event, "delta");
    if (!delta) return;
    const std::string delta_type = str(*delta, "type");
    if (delta_type == "text_delta" && block.type == "text") {
      std::string text = str(*delta, "text");
      if (text.empty()) return;
      block.text += text;
      StreamEvent out;
      out.kind = StreamEvent::Kind::text_delta;
      out.text = std::move(text);
      on_event(out);
    } else if (delta_type == "input_json_delta" && block.type == "tool_use") {
      std::string fragment = str(*delta, "partial_json");
      if (fragment.empty()) return;
      if (block.json_from_start) {
        block.json.clear();
        block.json_from_start = false;
      }
      block.json += fragment;
      StreamEvent out;
      out.kind = StreamEvent::Kind::tool_call_delta;
      out.index = block.tool_index;
      out.text = std::move(fragment);
      on_event(out);
    }
    return;
  }

  if (kind == "message_delta") {
    if (const Json* delta = field(event, "delta")) {
      if (auto reason = str(*delta, "stop_reason"); !reason.empty()) response_.raw_finish_reason = reason;
    }
    if (const Json* usage = field(event, "usage")) {
      // output_tokens here is cumulative for the whole reply.
      response_.usage.completion_tokens =
          detail::int_or(*usage, "output_tokens", response_.usage.completion_tokens);
      response_.usage.prompt_tokens = input_tokens(*usage, response_.usage.prompt_tokens);
      response_.usage.total_tokens = response_.usage.prompt_tokens + response_.usage.completion_tokens;
      StreamEvent out;
      out.kind = StreamEvent::Kind::usage;
      out.usage = response_.usage;
      on_event(out);
    }
    return;
  }

  if (kind == "message_stop") done_ = true;
  // content_block_stop needs nothing; unknown event types are skipped (the API may add new ones).
}

ChatResponse StreamAssembler::finish() {
  if (!done_ && response_.raw_finish_reason.empty()) {
    throw ParseError("stream truncated: it ended before message_stop");
  }
  ChatResponse out = response_;
  out.message = Message{};
  out.message.role = Role::assistant;
  for (const auto& block : blocks_) {
    if (block.type == "text" && !block.text.empty()) {
      out.message.content.push_back(ContentPart::make_text(block.text));
    } else if (block.type == "tool_use") {
      ToolCall call;
      call.id = block.id;
      call.name = block.name;
      call.raw_arguments = block.json;
      call.arguments = detail::parse_arguments(block.json);
      out.message.tool_calls.push_back(std::move(call));
    }
  }
  out.finish_reason = map_stop_reason(out.raw_finish_reason);
  out.usage.total_tokens = out.usage.prompt_tokens + out.usage.completion_tokens;
  return out;
}

}  // namespace alith::llm::anthropic
