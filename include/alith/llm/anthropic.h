#pragma once

// The Anthropic Messages API provider (/v1/messages, plain and streamed): system prompt, text and image
// content, several tool_use blocks anywhere in a reply, tool_result blocks, stop reasons.

#include <memory>
#include <string>

#include "alith/core/http.h"
#include "alith/core/log.h"
#include "alith/llm/chat_model.h"
#include "alith/llm/retry.h"

namespace alith::llm {

struct AnthropicOptions {
  std::string base_url = "https://api.anthropic.com";  // /v1/messages is appended
  std::string api_key;
  std::string model;
  std::string api_version = "2023-06-01";
  int default_max_tokens = 4096;  // the API requires max_tokens
  http::Headers extra_headers;
  Capabilities capabilities{.tools = true, .json_schema = false, .json_object = false, .images = true,
                            .streaming = true};
  RetryPolicy retry;
  http::Options http;
  std::shared_ptr<log::Logger> logger;
};

class AnthropicChatModel final : public ChatModel {
 public:
  explicit AnthropicChatModel(AnthropicOptions options);
  ~AnthropicChatModel() override;

  ChatResponse complete(const ChatRequest& request, const CallOptions& options = {}) override;
  ChatResponse stream(const ChatRequest& request, const StreamHandler& on_event,
                      const CallOptions& options = {}) override;
  Capabilities capabilities() const override { return options_.capabilities; }
  std::string id() const override { return "anthropic:" + options_.model; }

 private:
  AnthropicOptions options_;
  std::unique_ptr<http::Client> client_;
};

namespace anthropic {
Json request_body(const ChatRequest& request, const AnthropicOptions& options, bool stream);
ChatResponse parse_response(const Json& body);

// Folds the streamed events (message_start, content_block_start/delta/stop, message_delta, message_stop,
// ping, error) into StreamEvents and the final response.
class StreamAssembler {
 public:
  void on_event(std::string_view type, std::string_view data, const StreamHandler& on_event);
  bool done() const noexcept { return done_; }
  ChatResponse finish();

 private:
  struct Block {
    std::string type;  // text | tool_use | other
    std::string text, id, name, json;
    int tool_index = -1;
    bool json_from_start = false;  // json holds content_block_start's input; deltas replace it
  };
  ChatResponse response_;
  std::vector<Block> blocks_;
  int tool_count_ = 0;
  bool done_ = false;
};
}  // namespace anthropic

}  // namespace alith::llm
