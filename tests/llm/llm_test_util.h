#pragma once

// Shared helpers for the llm tests: provider options pointed at a ScriptedServer with fast retries, and
// builders for the JSON shapes the providers send.

#include <chrono>
#include <string>
#include <vector>

#include "alith/core/json.h"
#include "alith/llm/anthropic.h"
#include "alith/llm/openai.h"
#include "support/scripted_server.h"

namespace alith::llm::test {

inline RetryPolicy fast_retry(int attempts = 3) {
  RetryPolicy policy;
  policy.max_attempts = attempts;
  policy.initial_delay = std::chrono::milliseconds(1);
  policy.max_delay = std::chrono::milliseconds(2);
  return policy;
}

inline OpenAIOptions openai_options(const testing::ScriptedServer& server, std::string key = "sk-test-key") {
  OpenAIOptions options;
  options.base_url = server.url() + "/v1";
  options.api_key = std::move(key);
  options.model = "gpt-test";
  options.retry = fast_retry();
  options.logger = std::make_shared<log::Logger>(log::Level::off);
  return options;
}

inline AnthropicOptions anthropic_options(const testing::ScriptedServer& server) {
  AnthropicOptions options;
  options.base_url = server.url();
  options.api_key = "sk-ant-test";
  options.model = "claude-test";
  options.retry = fast_retry();
  options.logger = std::make_shared<log::Logger>(log::Level::off);
  return options;
}

inline Json parse(const std::string& text) {
  return parse_json(text).value();
}

// A /chat/completions reply.
inline std::string completion(const std::string& content, const std::string& finish = "stop") {
  return dump_json(Json{{"id", "chatcmpl-1"},
                        {"object", "chat.completion"},
                        {"model", "gpt-test-2024"},
                        {"choices",
                         {{{"index", 0},
                           {"message", {{"role", "assistant"}, {"content", content}}},
                           {"finish_reason", finish}}}},
                        {"usage", {{"prompt_tokens", 11}, {"completion_tokens", 7}, {"total_tokens", 18}}}});
}

// A streamed chunk with a delta.
inline std::string chunk(const Json& delta, const Json& finish = nullptr) {
  return "data: " +
         dump_json(Json{{"id", "chatcmpl-s"},
                        {"object", "chat.completion.chunk"},
                        {"model", "gpt-test-2024"},
                        {"choices", {{{"index", 0}, {"delta", delta}, {"finish_reason", finish}}}}});
}

inline std::string usage_chunk(int prompt, int completion) {
  return "data: " + dump_json(Json{{"id", "chatcmpl-s"},
                                   {"object", "chat.completion.chunk"},
                                   {"choices", Json::array()},
                                   {"usage",
                                    {{"prompt_tokens", prompt},
                                     {"completion_tokens", completion},
                                     {"total_tokens", prompt + completion}}}});
}

// A stream with text, then two tool calls whose arguments arrive in fragments, then usage and [DONE].
inline std::vector<std::string> tool_stream_events() {
  return {
      chunk({{"role", "assistant"}, {"content", ""}}),
      chunk({{"content", "Let me "}}),
      chunk({{"content", "check – ünïcode ✓."}}),
      chunk({{"tool_calls",
              {{{"index", 0},
                {"id", "call_a"},
                {"type", "function"},
                {"function", {{"name", "get_weather"}, {"arguments", ""}}}}}}}),
      chunk({{"tool_calls", {{{"index", 0}, {"function", {{"arguments", "{\"city\":"}}}}}}}),
      chunk({{"tool_calls", {{{"index", 0}, {"function", {{"arguments", "\"Paris\"}"}}}}}}}),
      chunk({{"tool_calls",
              {{{"index", 1},
                {"id", "call_b"},
                {"type", "function"},
                {"function", {{"name", "get_time"}, {"arguments", "{\"tz\""}}}}}}}),
      chunk({{"tool_calls", {{{"index", 1}, {"function", {{"arguments", ":\"CET\"}"}}}}}}}),
      chunk(Json::object(), "tool_calls"),
      usage_chunk(21, 9),
      "data: [DONE]",
  };
}

}  // namespace alith::llm::test
