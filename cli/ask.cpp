// `alith ask`: one question to an agent; the answer streams to stdout (or one JSON object with --json).

#include <iostream>
#include <iterator>
#include <memory>

#include "alith/agent/agent.h"
#include "alith/core/config.h"
#include "alith/core/json.h"
#include "commands.h"
#include "model_options.h"

namespace alith::cli {
namespace {

struct AskOptions {
  ModelOptions model;
  std::string prompt;
  bool json = false;
};

std::string read_stdin() {
  return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
}

Json result_json(const agent::RunResult& result) {
  Json calls = Json::array();
  for (const auto& m : result.transcript) {
    if (m.role == llm::Role::tool) {
      calls.push_back(
          {{"id", m.tool_call_id}, {"name", m.name}, {"result", m.text()}, {"is_error", m.is_error}});
    }
  }
  return {{"answer", result.answer},
          {"steps", result.steps},
          {"tool_results", calls},
          {"usage",
           {{"prompt_tokens", result.usage.prompt_tokens},
            {"completion_tokens", result.usage.completion_tokens},
            {"total_tokens", result.usage.total_tokens}}}};
}

int run_ask(const AskOptions& options) {
  std::string prompt = options.prompt;
  if (prompt.empty() || prompt == "-") prompt = read_stdin();
  if (prompt.empty()) throw InvalidArgumentError("no prompt: pass it as an argument or on stdin");

  auto agent = options.model.make_agent(Config::load(), nullptr);
  if (options.json) {
    std::cout << dump_json(result_json(agent->run(prompt)), 2) << "\n";
    return 0;
  }
  bool streamed_text = false;
  agent->stream(prompt, [&](const agent::AgentEvent& event) {
    using Kind = agent::AgentEvent::Kind;
    if (event.kind == Kind::text_delta) {
      std::cout << event.text << std::flush;
      streamed_text = true;
    } else if (event.kind == Kind::tool_call_started) {
      std::cerr << "[tool " << event.tool_call.name << " " << dump_json(event.tool_call.arguments) << "]\n";
    } else if (event.kind == Kind::tool_call_finished) {
      std::cerr << "[" << event.tool_call.name << (event.is_error ? " failed: " : " -> ") << event.text
                << "]\n";
    } else if (event.kind == Kind::final_answer && !streamed_text) {
      std::cout << event.text;
    }
  });
  std::cout << "\n";
  return 0;
}

}  // namespace

Command add_ask(CLI::App& app) {
  auto options = std::make_shared<AskOptions>();
  auto* sub = app.add_subcommand("ask", "Ask one question (the prompt may also come on stdin)");
  options->model.add_to(*sub);
  sub->add_flag("--json", options->json, "Print the answer, tool results and usage as JSON");
  sub->add_option("prompt", options->prompt, "The question; '-' or nothing reads stdin");
  return [options] { return run_ask(*options); };
}

}  // namespace alith::cli
