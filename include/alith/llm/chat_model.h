#pragma once

// The two model interfaces every provider implements. Implementations are thread-safe: one instance may serve
// many concurrent calls.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alith/core/cancel.h"
#include "alith/llm/message.h"

namespace alith::llm {

struct CallOptions {
  CancelToken cancel;
  std::optional<std::chrono::milliseconds> timeout;  // per request; the provider's default otherwise
};

// One streamed piece of a reply.
struct StreamEvent {
  enum class Kind {
    text_delta,        // text: a piece of the answer
    tool_call_start,   // index, id, name: the model began a tool call
    tool_call_delta,   // index, text: a piece of that call's JSON arguments
    usage,             // usage: token counts (usually last)
  };
  Kind kind = Kind::text_delta;
  std::string text;
  int index = 0;
  std::string id;
  std::string name;
  Usage usage;
};
using StreamHandler = std::function<void(const StreamEvent& event)>;

struct Capabilities {
  bool tools = true;
  bool json_schema = true;  // response_format json_schema is honoured natively
  bool json_object = true;
  bool images = false;
  bool streaming = true;
};

class ChatModel {
 public:
  virtual ~ChatModel() = default;

  // The whole reply. Errors: ProviderError, RateLimitedError, TimeoutError, CancelledError, ParseError.
  virtual ChatResponse complete(const ChatRequest& request, const CallOptions& options = {}) = 0;

  // Streams the reply to on_event and returns it assembled (tool-call fragments joined and parsed).
  virtual ChatResponse stream(const ChatRequest& request, const StreamHandler& on_event,
                              const CallOptions& options = {}) = 0;

  virtual Capabilities capabilities() const { return {}; }
  // "provider:model", e.g. "openai:gpt-4o-mini".
  virtual std::string id() const = 0;
};

class EmbeddingModel {
 public:
  virtual ~EmbeddingModel() = default;
  // One vector per input, in order.
  virtual std::vector<std::vector<float>> embed(const std::vector<std::string>& inputs,
                                                const CallOptions& options = {}) = 0;
  virtual std::string id() const = 0;
  // Tokens of text in the model's own tokenizer, where the provider knows it (local models do; hosted APIs
  // do not say). Chunkers size their chunks with it.
  virtual std::optional<size_t> count_tokens(std::string_view /*text*/) const { return std::nullopt; }
  // The longest input embedded whole, in count_tokens tokens, where known.
  virtual std::optional<size_t> max_input_tokens() const { return std::nullopt; }
};

}  // namespace alith::llm
