#include "model_options.h"

#include "alith/agent/builtin_tools.h"
#include "alith/llm/openai.h"
#include "alith/llm/registry.h"

namespace alith::cli {

void ModelOptions::add_to(CLI::App& app) {
  app.add_option("-m,--model", model,
                 "Model reference (openai:gpt-4o-mini, anthropic:..., NAME:model) or, "
                 "with --base-url, the model id");
  app.add_option("--base-url", base_url,
                 "Base URL of an OpenAI-compatible server (e.g. http://127.0.0.1:8080/v1)");
  app.add_option("--api-key", api_key, "API key (default: from the environment or config.yaml)");
  app.add_option(
      "-t,--tool", tools, "Enable a built-in tool: " + [] {
        std::string names;
        for (const auto& n : agent::builtin_tool_names()) names += (names.empty() ? "" : ", ") + n;
        return names;
      }());
  app.add_option("--sandbox", sandbox, "Directory that read_file may read");
  app.add_flag("--allow-network", allow_network, "Allow the http_get tool to make requests");
  app.add_option("-s,--system", system, "System prompt (preamble)");
  app.add_option("--max-steps", max_steps, "Most model calls in one answer")->check(CLI::Range(1, 1000));
  app.add_option("--temperature", temperature, "Sampling temperature");
  app.add_option("--max-tokens", max_tokens, "Most tokens per model reply");
  app.add_option("--tool-choice", tool_choice, "auto, none, required or a tool name (first step only)");
}

std::shared_ptr<llm::ChatModel> ModelOptions::make_model(const Config& config) const {
  if (!base_url.empty()) {
    llm::OpenAIOptions o;
    o.base_url = base_url;
    o.model = model;
    o.api_key = api_key;
    o.provider = "openai-compatible";
    return std::make_shared<llm::OpenAIChatModel>(std::move(o));
  }
  std::string ref = model.empty() ? config.default_model : model;
  if (ref.empty()) {
    throw ConfigError(
        "no model selected: pass --model openai:gpt-4o-mini (or anthropic:..., or --base-url URL --model "
        "NAME "
        "for an OpenAI-compatible server), or set ALITH_MODEL, or default_model in " +
        Config::default_path());
  }
  if (!api_key.empty()) {
    // A key on the command line applies to the provider the reference names.
    Config with_key = config;
    auto provider = llm::ModelRef::parse(ref).provider;
    auto& p = with_key.providers[provider];
    if (p.name.empty()) p.name = provider;
    p.api_key = api_key;
    return llm::make_chat_model(ref, with_key);
  }
  return llm::make_chat_model(ref, config);
}

std::shared_ptr<agent::Agent> ModelOptions::make_agent(
    const Config& config, std::shared_ptr<agent::Memory> memory,
    const std::vector<std::shared_ptr<agent::Tool>>& extra_tools) const {
  agent::BuiltinToolOptions tool_options;
  tool_options.allow_network = allow_network;
  tool_options.sandbox_dir = sandbox;
  agent::AgentBuilder builder;
  builder.name("alith").model(make_model(config)).max_steps(max_steps);
  if (!system.empty()) builder.preamble(system);
  for (const auto& name : tools) builder.tool(agent::builtin_tool(name, tool_options));
  builder.tools(extra_tools);
  if (memory) builder.memory(std::move(memory));
  llm::Sampling sampling;
  sampling.temperature = temperature;
  builder.sampling(sampling);
  if (max_tokens) builder.max_tokens(*max_tokens);
  // The command should print an answer, not a step-limit error: the last allowed model call gets no tools.
  builder.hooks(agent::answer_on_last_step(max_steps));
  if (tool_choice == "required") {
    builder.tool_choice(llm::ToolChoice::required_choice());
  } else if (tool_choice == "none") {
    builder.tool_choice(llm::ToolChoice::none_choice());
  } else if (tool_choice != "auto") {
    builder.tool_choice(llm::ToolChoice::named(tool_choice));
  }
  return builder.build();
}

}  // namespace alith::cli
