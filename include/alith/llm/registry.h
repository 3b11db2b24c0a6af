#pragma once

// Chooses a provider from a model reference:
//
//   openai:gpt-4o-mini            OpenAI (key: OPENAI_API_KEY or config providers.openai)
//   anthropic:claude-sonnet-4-5   Anthropic (key: ANTHROPIC_API_KEY or config providers.anthropic)
//   <name>:<model>                a provider named in config.yaml (type openai or anthropic)
//   local:<name or path>          in-process llama.cpp: a catalog name (gemma3-270m, minilm) or a .gguf path
//   echo:<anything>               a ScriptedModel that echoes the last user message (tests, overhead benchmarks)
//
// Everything after the first ':' is the model id, passed through as given.

#include <memory>
#include <string>
#include <string_view>

#include "alith/core/config.h"
#include "alith/llm/chat_model.h"

namespace alith::llm {

struct ModelRef {
  std::string provider;
  std::string model;
  static ModelRef parse(std::string_view ref);  // InvalidArgumentError when it has no "provider:" prefix
};

// ConfigError with a message saying what to set when a key or provider is missing.
std::shared_ptr<ChatModel> make_chat_model(std::string_view ref, const Config& config);
std::shared_ptr<EmbeddingModel> make_embedding_model(std::string_view ref, const Config& config);

}  // namespace alith::llm
