#pragma once

// Model selection shared by the CLI commands: --model REF, or --base-url URL --model NAME for any
// OpenAI-compatible server, plus --api-key. Resolution order: flags, environment, config file.

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "alith/agent/agent.h"
#include "alith/core/config.h"
#include "alith/llm/chat_model.h"

namespace alith::cli {

struct ModelOptions {
  std::string model;     // a model reference, or a bare id with --base-url
  std::string base_url;  // selects the OpenAI-compatible provider
  std::string api_key;
  std::vector<std::string> tools;  // built-in tool names
  std::string sandbox;             // directory for read_file
  bool allow_network = false;      // enables http_get
  std::string system;
  int max_steps = 10;
  std::optional<double> temperature;
  std::optional<int> max_tokens;
  std::string tool_choice = "auto";  // auto | none | required | <tool name>

  void add_to(CLI::App& app);
  // Builds the model; ConfigError says what to configure when something is missing.
  std::shared_ptr<llm::ChatModel> make_model(const Config& config) const;
  // An agent over that model with the requested built-in tools and any extra ones.
  std::shared_ptr<agent::Agent> make_agent(
      const Config& config, std::shared_ptr<agent::Memory> memory,
      const std::vector<std::shared_ptr<agent::Tool>>& extra_tools = {}) const;
};

}  // namespace alith::cli
