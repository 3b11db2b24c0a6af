// The OpenAI chat-completions wire format: request bodies, replies and streamed chunks.

#include <string>
#include <utility>

#include "alith/core/error.h"
#include "alith/llm/openai.h"
#include "provider_http.h"
#include "wire_util.h"

namespace alith::llm::openai {

namespace {

using detail::field;
using detail::str;

constexpr size_t kMaxToolCalls =
    1024;  // a chunk naming a larger index is malformed, not a reason to allocate

bool only_text(const Message& m) {
  for (const auto& part : m.content) {
    if (part.kind != ContentPart::Kind::text) return false;
  }
  return true;
}

Json content_part(const ContentPart& part) {
  switch (part.kind) {
    case ContentPart::Kind::text:
      return Json{{"type", "text"}, {"text", part.text}};
    case ContentPart::Kind::image_url:
      return Json{{"type", "image_url"}, {"image_url", {{"url", part.url}}}};
    case ContentPart::Kind::image_base64:
      return Json{{"type", "image_url"},
                  {"image_url", {{"url", "data:" + part.media_type + ";base64," + part.data}}}};
  }
  return Json::object();
}

// Plain text goes as a string (every compatible server accepts that); images need the array form.
Json user_content(const Message& m) {
  if (only_text(m) && m.content.size() <= 1) return m.text();
  Json parts = Json::array();
  for (const auto& part : m.content) parts.push_back(content_part(part));
  return parts;
}

Json tool_call_json(const ToolCall& call) {
  // Arguments that were not valid JSON go back as "{}": several compatible servers (llama-server among them)
  // reject the whole request otherwise. The model still learns what went wrong from the tool's error result.
  std::string arguments = call.arguments.is_null() ? std::string("{}") : dump_json(call.arguments);
  return Json{{"id", call.id},
              {"type", "function"},
              {"function", {{"name", call.name}, {"arguments", std::move(arguments)}}}};
}

Json message_json(const Message& m) {
  Json j{{"role", std::string(to_string(m.role))}};
  switch (m.role) {
    case Role::system:
      j["content"] = m.text();
      break;
    case Role::user:
      j["content"] = user_content(m);
      break;
    case Role::assistant: {
      const std::string text = m.text();
      if (text.empty() && !m.tool_calls.empty()) {
        j["content"] = nullptr;
      } else {
        j["content"] = text;
      }
      if (!m.tool_calls.empty()) {
        Json calls = Json::array();
        for (const auto& call : m.tool_calls) calls.push_back(tool_call_json(call));
        j["tool_calls"] = std::move(calls);
      }
      break;
    }
    case Role::tool:
      // The API has no error flag for tool results; the agent puts the failure into the text itself.
      j["tool_call_id"] = m.tool_call_id;
      j["content"] = m.text();
      break;
  }
  return j;
}

Json tool_choice_json(const ToolChoice& choice) {
  switch (choice.mode) {
    case ToolChoice::Mode::automatic:
      return "auto";
    case ToolChoice::Mode::none:
      return "none";
    case ToolChoice::Mode::required:
      return "required";
    case ToolChoice::Mode::named:
      return Json{{"type", "function"}, {"function", {{"name", choice.name}}}};
  }
  return "auto";
}

FinishReason map_finish(const std::string& raw) {
  if (raw == "stop" || raw == "eos" || raw == "end_turn") return FinishReason::stop;
  if (raw == "length" || raw == "max_tokens") return FinishReason::length;
  if (raw == "tool_calls" || raw == "function_call") return FinishReason::tool_calls;
  if (raw == "content_filter") return FinishReason::content_filter;
  return FinishReason::other;
}

// Some servers say "stop" (or nothing) even when the reply is tool calls; the calls are what the caller must
// act on. A reply that ended normally without a reason counts as a stop.
FinishReason finish_for(const std::string& raw, const Message& message) {
  FinishReason reason = raw.empty() ? FinishReason::stop : map_finish(raw);
  if (!message.tool_calls.empty() && reason == FinishReason::stop) reason = FinishReason::tool_calls;
  return reason;
}

Usage parse_usage(const Json& usage) {
  Usage u;
  u.prompt_tokens = detail::int_or(usage, "prompt_tokens", 0);
  u.completion_tokens = detail::int_or(usage, "completion_tokens", 0);
  u.total_tokens = detail::int_or(usage, "total_tokens", u.prompt_tokens + u.completion_tokens);
  return u;
}

// `content` as a string, or an array of {type: text, text} parts (some compatible servers).
std::string content_text(const Json* content) {
  if (!content) return {};
  if (content->is_string()) return content->get<std::string>();
  std::string out;
  if (content->is_array()) {
    for (const auto& part : *content) {
      if (part.is_string()) {
        out += part.get<std::string>();
      } else if (str(part, "type") == "text" || part.contains("text")) {
        out += str(part, "text");
      }
    }
  }
  return out;
}

ToolCall parse_tool_call(const Json& call) {
  ToolCall out;
  out.id = str(call, "id");
  const Json* function = field(call, "function");
  if (!function || !function->is_object()) throw ParseError("tool call without a function object");
  out.name = str(*function, "name");
  const Json* arguments = field(*function, "arguments");
  if (arguments && arguments->is_string()) {
    out.raw_arguments = arguments->get<std::string>();
    out.arguments = detail::parse_arguments(out.raw_arguments);
  } else if (arguments && arguments->is_object()) {
    // Ollama and a few others send the object itself.
    out.arguments = *arguments;
    out.raw_arguments = dump_json(*arguments);
  } else {
    out.arguments = Json::object();
  }
  return out;
}

void check_error(const Json& body) {
  if (field(body, "error")) detail::throw_error_object("openai", body, 0);
}

}  // namespace

Json request_body(const ChatRequest& request, const std::string& default_model, bool stream) {
  Json body = Json::object();
  const std::string& model = request.model.empty() ? default_model : request.model;
  // Local servers (llama-server) serve one model and accept a request that names none.
  if (!model.empty()) body["model"] = model;

  Json messages = Json::array();
  for (const auto& m : request.messages) messages.push_back(message_json(m));
  body["messages"] = std::move(messages);

  if (!request.tools.empty()) {
    Json tools = Json::array();
    for (const auto& tool : request.tools) {
      Json function{{"name", tool.name}, {"parameters", tool.parameters}};
      if (!tool.description.empty()) function["description"] = tool.description;
      tools.push_back(Json{{"type", "function"}, {"function", std::move(function)}});
    }
    body["tools"] = std::move(tools);
    body["tool_choice"] = tool_choice_json(request.tool_choice);
    if (!request.parallel_tool_calls) body["parallel_tool_calls"] = false;
  }

  switch (request.response_format.kind) {
    case ResponseFormat::Kind::text:
      break;
    case ResponseFormat::Kind::json_object:
      body["response_format"] = Json{{"type", "json_object"}};
      break;
    case ResponseFormat::Kind::json_schema:
      body["response_format"] = Json{{"type", "json_schema"},
                                     {"json_schema",
                                      {{"name", request.response_format.name},
                                       {"schema", request.response_format.schema},
                                       {"strict", request.response_format.strict}}}};
      break;
  }

  const Sampling& s = request.sampling;
  if (s.temperature) body["temperature"] = *s.temperature;
  if (s.top_p) body["top_p"] = *s.top_p;
  if (s.seed) body["seed"] = *s.seed;
  if (s.presence_penalty) body["presence_penalty"] = *s.presence_penalty;
  if (s.frequency_penalty) body["frequency_penalty"] = *s.frequency_penalty;
  // Not in OpenAI's API: extension fields that llama-server and vLLM accept (OpenAI itself rejects
  // unknown fields, so they are only sent when the caller set them).
  if (s.top_k) body["top_k"] = *s.top_k;
  if (s.min_p) body["min_p"] = *s.min_p;
  if (s.repeat_penalty) body["repeat_penalty"] = *s.repeat_penalty;
  if (!request.stop.empty()) body["stop"] = request.stop;
  if (request.max_tokens) body["max_tokens"] = *request.max_tokens;

  if (stream) {
    body["stream"] = true;
    body["stream_options"] = Json{{"include_usage", true}};
  }

  // Last, so the caller can override anything; JSON merge patch semantics (a null removes a field).
  if (!request.extra.is_null()) {
    if (!request.extra.is_object()) throw InvalidArgumentError("ChatRequest::extra must be a JSON object");
    body.merge_patch(request.extra);
  }
  return body;
}

ChatResponse parse_response(const Json& body) {
  if (!body.is_object()) throw ParseError("chat completion reply is not a JSON object");
  check_error(body);
  const Json* choices = field(body, "choices");
  if (!choices || !choices->is_array() || choices->empty() || !(*choices)[0].is_object()) {
    throw ParseError("chat completion reply has no choices");
  }
  const Json& choice = (*choices)[0];
  const Json* message = field(choice, "message");
  if (!message || !message->is_object()) throw ParseError("chat completion choice has no message");

  ChatResponse out;
  std::string text = content_text(field(*message, "content"));
  // A refusal replaces the content; surface it rather than returning an empty answer.
  if (text.empty()) text = str(*message, "refusal");

  std::vector<ToolCall> calls;
  if (const Json* tool_calls = field(*message, "tool_calls")) {
    if (!tool_calls->is_array()) throw ParseError("tool_calls is not an array");
    for (const auto& call : *tool_calls) calls.push_back(parse_tool_call(call));
  }
  out.message = Message::assistant(std::move(text), std::move(calls));
  out.raw_finish_reason = str(choice, "finish_reason");
  out.finish_reason = finish_for(out.raw_finish_reason, out.message);
  if (const Json* usage = field(body, "usage")) out.usage = parse_usage(*usage);
  out.model = str(body, "model");
  out.id = str(body, "id");
  return out;
}

void StreamAssembler::on_data(std::string_view data, const StreamHandler& on_event) {
  std::string_view trimmed = data;
  while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\n')) trimmed.remove_prefix(1);
  while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '\n')) trimmed.remove_suffix(1);
  if (trimmed == "[DONE]") {
    done_ = true;
    return;
  }
  if (trimmed.empty() || done_) return;

  auto parsed = parse_json(trimmed);
  if (!parsed.ok()) throw ParseError("malformed stream chunk: " + parsed.error().message);
  const Json& chunk = *parsed;
  if (!chunk.is_object()) throw ParseError("stream chunk is not a JSON object");
  check_error(chunk);

  if (auto id = str(chunk, "id"); !id.empty()) response_.id = std::move(id);
  if (auto model = str(chunk, "model"); !model.empty()) response_.model = std::move(model);

  if (const Json* choices = field(chunk, "choices"); choices && choices->is_array()) {
    for (const auto& choice : *choices) {
      // Only the first choice is assembled (alith never asks for n > 1).
      if (detail::int_or(choice, "index", 0) != 0) continue;
      if (const Json* delta = field(choice, "delta"); delta && delta->is_object()) {
        std::string piece = content_text(field(*delta, "content"));
        if (!piece.empty()) {
          text_ += piece;
          StreamEvent event;
          event.kind = StreamEvent::Kind::text_delta;
          event.text = std::move(piece);
          on_event(event);
        }
        if (const Json* tool_calls = field(*delta, "tool_calls"); tool_calls && tool_calls->is_array()) {
          for (const auto& call : *tool_calls) {
            int64_t index = detail::int_or(call, "index", -1);
            const std::string id = str(call, "id");
            if (index < 0) {
              // No index (some servers): a new id starts a new call, otherwise the last one continues.
              const bool fresh = calls_.empty() || (!id.empty() && id != calls_.back().id);
              index = static_cast<int64_t>(fresh ? calls_.size() : calls_.size() - 1);
            }
            if (static_cast<uint64_t>(index) >= kMaxToolCalls)
              throw ParseError("tool call index out of range");
            if (static_cast<size_t>(index) >= calls_.size()) calls_.resize(static_cast<size_t>(index) + 1);
            PartialCall& partial = calls_[static_cast<size_t>(index)];
            if (partial.id.empty()) partial.id = id;
            std::string fragment;
            if (const Json* function = field(call, "function"); function && function->is_object()) {
              // The name comes whole in one chunk; servers that repeat it in later chunks must not double it.
              if (partial.name.empty()) partial.name = str(*function, "name");
              if (const Json* args = field(*function, "arguments")) {
                fragment = args->is_string() ? args->get<std::string>() : dump_json(*args);
              }
            }
            if (!partial.started && (!partial.name.empty() || !fragment.empty())) {
              partial.started = true;
              StreamEvent event;
              event.kind = StreamEvent::Kind::tool_call_start;
              event.index = static_cast<int>(index);
              event.id = partial.id;
              event.name = partial.name;
              on_event(event);
            }
            if (!fragment.empty()) {
              partial.args += fragment;
              StreamEvent event;
              event.kind = StreamEvent::Kind::tool_call_delta;
              event.index = static_cast<int>(index);
              event.text = std::move(fragment);
              on_event(event);
            }
          }
        }
      }
      if (auto reason = str(choice, "finish_reason"); !reason.empty()) response_.raw_finish_reason = reason;
    }
  }

  if (const Json* usage = field(chunk, "usage"); usage && usage->is_object()) {
    response_.usage = parse_usage(*usage);
    StreamEvent event;
    event.kind = StreamEvent::Kind::usage;
    event.usage = response_.usage;
    on_event(event);
  }
}

ChatResponse StreamAssembler::finish() {
  if (finished_) return response_;
  // Servers that omit [DONE] still end with a finish_reason; with neither, the reply was cut off.
  if (!done_ && response_.raw_finish_reason.empty()) {
    throw ParseError("stream truncated: it ended without [DONE] or a finish_reason");
  }
  std::vector<ToolCall> calls;
  calls.reserve(calls_.size());
  for (auto& partial : calls_) {
    // A gap in the indices (index 1 without 0) leaves an empty slot; it is not a call.
    if (!partial.started && partial.id.empty()) continue;
    ToolCall call;
    call.id = std::move(partial.id);
    call.name = std::move(partial.name);
    call.raw_arguments = std::move(partial.args);
    call.arguments = detail::parse_arguments(call.raw_arguments);
    calls.push_back(std::move(call));
  }
  response_.message = Message::assistant(std::move(text_), std::move(calls));
  response_.finish_reason = finish_for(response_.raw_finish_reason, response_.message);
  finished_ = true;
  return response_;
}

}  // namespace alith::llm::openai
