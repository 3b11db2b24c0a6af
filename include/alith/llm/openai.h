#pragma once

// The OpenAI-compatible provider: /chat/completions (plain and streamed) and /embeddings. Works with OpenAI,
// DeepSeek, Groq, vLLM, Ollama, llama-server and others that speak the same API. Model ids are passed
// through as given, never checked against a list. Sampling::top_k, min_p and repeat_penalty are not part of
// OpenAI's API: they are sent, only when set, as extension fields that llama-server and vLLM accept.

#include <memory>
#include <string>

#include "alith/core/http.h"
#include "alith/core/log.h"
#include "alith/llm/chat_model.h"
#include "alith/llm/retry.h"

namespace alith::llm {

struct OpenAIOptions {
  std::string base_url = "https://api.openai.com/v1";  // without the trailing /chat/completions
  std::string api_key;                                 // empty: no Authorization header (local servers)
  std::string model;                                   // default model id for requests that name none
  http::Headers extra_headers;
  std::string provider = "openai";  // the prefix of id()
  Capabilities capabilities;
  RetryPolicy retry;
  http::Options http;
  std::shared_ptr<log::Logger> logger;  // null: log::Logger::default_logger()
};

class OpenAIChatModel final : public ChatModel {
 public:
  explicit OpenAIChatModel(OpenAIOptions options);
  ~OpenAIChatModel() override;

  ChatResponse complete(const ChatRequest& request, const CallOptions& options = {}) override;
  ChatResponse stream(const ChatRequest& request, const StreamHandler& on_event,
                      const CallOptions& options = {}) override;
  Capabilities capabilities() const override { return options_.capabilities; }
  std::string id() const override { return options_.provider + ":" + options_.model; }

 private:
  OpenAIOptions options_;
  std::unique_ptr<http::Client> client_;
};

class OpenAIEmbeddingModel final : public EmbeddingModel {
 public:
  explicit OpenAIEmbeddingModel(OpenAIOptions options);
  ~OpenAIEmbeddingModel() override;
  std::vector<std::vector<float>> embed(const std::vector<std::string>& inputs,
                                        const CallOptions& options = {}) override;
  std::string id() const override { return options_.provider + ":" + options_.model; }

 private:
  OpenAIOptions options_;
  std::unique_ptr<http::Client> client_;
};

// Wire format, exposed for tests and for other providers that reuse it.
namespace openai {
Json request_body(const ChatRequest& request, const std::string& default_model, bool stream);
// Parses a /chat/completions reply. ParseError on a wrong shape (e.g. an HTML page with status 200).
ChatResponse parse_response(const Json& body);

// Folds streamed chunks into events and the final response.
class StreamAssembler {
 public:
  // Handles one `data:` payload (a JSON chunk or "[DONE]"). ParseError on malformed chunks.
  void on_data(std::string_view data, const StreamHandler& on_event);
  bool done() const noexcept { return done_; }
  // The assembled reply; tool-call arguments parsed (raw kept when they are not valid JSON).
  ChatResponse finish();

 private:
  struct PartialCall {
    std::string id, name, args;
    bool started = false;  // tool_call_start was emitted
  };
  ChatResponse response_;
  std::string text_;
  std::vector<PartialCall> calls_;
  bool done_ = false;
  bool finished_ = false;
};
}  // namespace openai

}  // namespace alith::llm
