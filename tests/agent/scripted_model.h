#pragma once

// An in-process ChatModel for agent tests: replies come from a queue (fixed responses or functions of the
// request), every request is recorded, and stream() replays a reply as events (text in small pieces, tool
// calls as start + argument deltas, usage last). Thread-safe.

#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "alith/core/error.h"
#include "alith/llm/chat_model.h"

namespace alith::agent::testing {

inline llm::ToolCall make_call(std::string id, std::string name, Json arguments) {
  llm::ToolCall call;
  call.id = std::move(id);
  call.name = std::move(name);
  call.raw_arguments = dump_json(arguments);
  call.arguments = std::move(arguments);
  return call;
}

// A call whose arguments did not parse, as a provider reports it.
inline llm::ToolCall malformed_call(std::string id, std::string name, std::string raw) {
  llm::ToolCall call;
  call.id = std::move(id);
  call.name = std::move(name);
  call.arguments = nullptr;
  call.raw_arguments = std::move(raw);
  return call;
}

inline llm::ChatResponse text_reply(std::string text, llm::Usage usage = {3, 2, 5}) {
  llm::ChatResponse r;
  r.message = llm::Message::assistant(std::move(text));
  r.finish_reason = llm::FinishReason::stop;
  r.usage = usage;
  return r;
}

inline llm::ChatResponse tool_reply(std::vector<llm::ToolCall> calls, std::string text = {},
                                    llm::Usage usage = {3, 2, 5}) {
  llm::ChatResponse r;
  r.message = llm::Message::assistant(std::move(text), std::move(calls));
  r.finish_reason = llm::FinishReason::tool_calls;
  r.usage = usage;
  return r;
}

class ScriptedModel : public llm::ChatModel {
 public:
  using Reply = std::function<llm::ChatResponse(const llm::ChatRequest&, const llm::CallOptions&)>;

  void push(llm::ChatResponse response) {
    std::lock_guard lock(mu_);
    replies_.push_back([response](const llm::ChatRequest&, const llm::CallOptions&) { return response; });
  }
  void push(Reply reply) {
    std::lock_guard lock(mu_);
    replies_.push_back(std::move(reply));
  }

  llm::ChatResponse complete(const llm::ChatRequest& request, const llm::CallOptions& options) override {
    return next(request, options);
  }

  llm::ChatResponse stream(const llm::ChatRequest& request, const llm::StreamHandler& on_event,
                           const llm::CallOptions& options) override {
    {
      std::lock_guard lock(mu_);
      ++stream_calls_;
    }
    llm::ChatResponse r = next(request, options);
    const std::string text = r.message.text();
    for (size_t i = 0; i < text.size(); i += 3) {
      llm::StreamEvent e;
      e.kind = llm::StreamEvent::Kind::text_delta;
      e.text = text.substr(i, 3);
      on_event(e);
    }
    for (size_t i = 0; i < r.message.tool_calls.size(); ++i) {
      const auto& call = r.message.tool_calls[i];
      llm::StreamEvent start;
      start.kind = llm::StreamEvent::Kind::tool_call_start;
      start.index = static_cast<int>(i);
      start.id = call.id;
      start.name = call.name;
      on_event(start);
      llm::StreamEvent delta;
      delta.kind = llm::StreamEvent::Kind::tool_call_delta;
      delta.index = static_cast<int>(i);
      delta.text = call.raw_arguments;
      on_event(delta);
    }
    llm::StreamEvent usage;
    usage.kind = llm::StreamEvent::Kind::usage;
    usage.usage = r.usage;
    on_event(usage);
    return r;
  }

  llm::Capabilities capabilities() const override { return caps; }
  std::string id() const override { return "scripted:test"; }

  std::vector<llm::ChatRequest> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }
  size_t stream_calls() const {
    std::lock_guard lock(mu_);
    return stream_calls_;
  }
  size_t pending() const {
    std::lock_guard lock(mu_);
    return replies_.size();
  }

  llm::Capabilities caps;

 private:
  llm::ChatResponse next(const llm::ChatRequest& request, const llm::CallOptions& options) {
    Reply reply;
    {
      std::lock_guard lock(mu_);
      requests_.push_back(request);
      if (replies_.empty()) throw ProviderError("scripted model: no reply queued", 500, "");
      reply = std::move(replies_.front());
      replies_.pop_front();
    }
    return reply(request, options);
  }

  mutable std::mutex mu_;
  std::deque<Reply> replies_;
  std::vector<llm::ChatRequest> requests_;
  size_t stream_calls_ = 0;
};

}  // namespace alith::agent::testing
