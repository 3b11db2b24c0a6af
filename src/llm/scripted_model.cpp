#include "alith/llm/scripted_model.h"

#include <utility>

#include "alith/core/error.h"

namespace alith::llm {

namespace {

Usage usage_of(const ChatRequest& request, const std::string& reply) {
  // Characters stand in for tokens: enough for code that sums usage to see something plausible.
  Usage usage;
  for (const auto& message : request.messages)
    usage.prompt_tokens += static_cast<int64_t>(message.text().size());
  usage.completion_tokens = static_cast<int64_t>(reply.size());
  usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
  return usage;
}

std::string last_user_text(const ChatRequest& request) {
  for (auto it = request.messages.rbegin(); it != request.messages.rend(); ++it) {
    if (it->role == Role::user) return it->text();
  }
  return {};
}

}  // namespace

ScriptedModel::ScriptedModel(std::vector<ChatResponse> script)
    : script_(std::make_move_iterator(script.begin()), std::make_move_iterator(script.end())) {}

void ScriptedModel::push(ChatResponse reply) {
  std::lock_guard lock(mu_);
  script_.push_back(std::move(reply));
}

size_t ScriptedModel::calls() const {
  std::lock_guard lock(mu_);
  return calls_;
}

size_t ScriptedModel::remaining() const {
  std::lock_guard lock(mu_);
  return script_.size();
}

ChatResponse ScriptedModel::text(std::string text) {
  ChatResponse r;
  r.message = Message::assistant(std::move(text));
  r.finish_reason = FinishReason::stop;
  r.raw_finish_reason = "stop";
  r.model = "echo:scripted";
  return r;
}

ChatResponse ScriptedModel::tool_call(std::string name, Json arguments) {
  ToolCall call;
  call.name = std::move(name);
  call.raw_arguments = dump_json(arguments);
  call.arguments = std::move(arguments);
  return tool_calls({std::move(call)});
}

ChatResponse ScriptedModel::tool_calls(std::vector<ToolCall> calls) {
  ChatResponse r;
  for (auto& call : calls) {
    if (call.raw_arguments.empty()) call.raw_arguments = dump_json(call.arguments);
  }
  r.message = Message::assistant({}, std::move(calls));
  r.finish_reason = FinishReason::tool_calls;
  r.raw_finish_reason = "tool_calls";
  r.model = "echo:scripted";
  return r;
}

ChatResponse ScriptedModel::next(const ChatRequest& request, const CallOptions& options) {
  if (options.cancel.cancelled()) throw CancelledError("the call was cancelled");
  ChatResponse reply;
  size_t n = 0;
  bool scripted = false;
  {
    std::lock_guard lock(mu_);
    n = calls_++;
    if (!script_.empty()) {
      reply = std::move(script_.front());
      script_.pop_front();
      scripted = true;
    }
  }
  if (!scripted) reply = text(last_user_text(request));
  for (size_t i = 0; i < reply.message.tool_calls.size(); ++i) {
    auto& call = reply.message.tool_calls[i];
    if (call.id.empty()) call.id = "call_" + std::to_string(n) + (i ? "_" + std::to_string(i) : "");
  }
  if (reply.usage.total_tokens == 0) reply.usage = usage_of(request, reply.message.text());
  return reply;
}

ChatResponse ScriptedModel::complete(const ChatRequest& request, const CallOptions& options) {
  return next(request, options);
}

ChatResponse ScriptedModel::stream(const ChatRequest& request, const StreamHandler& on_event,
                                   const CallOptions& options) {
  ChatResponse reply = next(request, options);
  const std::string text = reply.message.text();
  constexpr size_t piece = 4;
  for (size_t i = 0; i < text.size(); i += piece) {
    if (options.cancel.cancelled()) throw CancelledError("the call was cancelled");
    StreamEvent event;
    event.kind = StreamEvent::Kind::text_delta;
    event.text = text.substr(i, piece);
    on_event(event);
  }
  for (size_t i = 0; i < reply.message.tool_calls.size(); ++i) {
    const auto& call = reply.message.tool_calls[i];
    StreamEvent start;
    start.kind = StreamEvent::Kind::tool_call_start;
    start.index = static_cast<int>(i);
    start.id = call.id;
    start.name = call.name;
    on_event(start);
    StreamEvent delta;
    delta.kind = StreamEvent::Kind::tool_call_delta;
    delta.index = static_cast<int>(i);
    delta.text = call.raw_arguments;
    on_event(delta);
  }
  StreamEvent usage;
  usage.kind = StreamEvent::Kind::usage;
  usage.usage = reply.usage;
  on_event(usage);
  return reply;
}

}  // namespace alith::llm
