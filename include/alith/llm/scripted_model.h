#pragma once

// A ChatModel that answers from a script instead of weights or a network: for testing programs built on alith
// (an agent's tool loop can be driven call by call) and for measuring alith's own overhead with a model that
// costs nothing. The registry's `echo:` reference is a ScriptedModel with an empty script.
//
//   auto model = std::make_shared<alith::llm::ScriptedModel>();
//   model->push(alith::llm::ScriptedModel::tool_call("add", {{"a", 1}, {"b", 2}}));
//   model->push(alith::llm::ScriptedModel::text("3"));
//
// Replies are served in the order pushed; once the script is used up every call echoes the text of the last
// user message. stream() replays a reply as events (text in pieces, each tool call as a start and one
// argument delta, usage last). Thread-safe.

#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "alith/llm/chat_model.h"

namespace alith::llm {

class ScriptedModel : public ChatModel {
 public:
  ScriptedModel() = default;
  explicit ScriptedModel(std::vector<ChatResponse> script);

  void push(ChatResponse reply);

  ChatResponse complete(const ChatRequest& request, const CallOptions& options = {}) override;
  ChatResponse stream(const ChatRequest& request, const StreamHandler& on_event,
                      const CallOptions& options = {}) override;
  std::string id() const override { return "echo:scripted"; }

  size_t calls() const;      // model calls answered so far
  size_t remaining() const;  // scripted replies not yet served

  // A final text answer.
  static ChatResponse text(std::string text);
  // A turn that calls one tool; the call id is "call_<n>" with n counting this model's calls.
  static ChatResponse tool_call(std::string name, Json arguments);
  // A turn that calls several tools at once.
  static ChatResponse tool_calls(std::vector<ToolCall> calls);

 private:
  ChatResponse next(const ChatRequest& request, const CallOptions& options);

  mutable std::mutex mu_;
  std::deque<ChatResponse> script_;
  size_t calls_ = 0;
};

}  // namespace alith::llm
