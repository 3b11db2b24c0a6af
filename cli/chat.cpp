// `alith chat`: an interactive conversation with streaming replies and /commands.

#include <iostream>
#include <memory>
#include <string>

#include "alith/agent/agent.h"
#include "alith/agent/memory.h"
#include "alith/core/config.h"
#include "alith/core/json.h"
#include "commands.h"
#include "model_options.h"

namespace alith::cli {
namespace {

struct ChatOptions {
  ModelOptions model;
  size_t window = 64;
};

constexpr std::string_view kHelp =
    "/help     this text\n"
    "/reset    forget the conversation\n"
    "/history  show the conversation so far\n"
    "/exit     leave (or Ctrl-D)\n";

int run_chat(const ChatOptions& options) {
  auto memory = std::make_shared<agent::WindowMemory>(options.window);
  auto agent = options.model.make_agent(Config::load(), memory);
  std::cerr << "alith chat: type a message, /help for commands\n";
  std::string line;
  while (true) {
    std::cout << "> " << std::flush;
    if (!std::getline(std::cin, line)) break;
    if (line.empty()) continue;
    if (line[0] == '/') {
      if (line == "/exit" || line == "/quit") break;
      if (line == "/help") {
        std::cout << kHelp;
      } else if (line == "/reset") {
        memory->clear();
        std::cout << "(conversation cleared)\n";
      } else if (line == "/history") {
        for (const auto& m : memory->messages())
          std::cout << llm::to_string(m.role) << ": " << m.text() << "\n";
      } else {
        std::cout << "unknown command " << line << "; /help lists them\n";
      }
      continue;
    }
    try {
      bool streamed = false;
      agent->stream(line, [&](const agent::AgentEvent& event) {
        using Kind = agent::AgentEvent::Kind;
        if (event.kind == Kind::text_delta) {
          std::cout << event.text << std::flush;
          streamed = true;
        } else if (event.kind == Kind::tool_call_started) {
          std::cout << "\n[tool " << event.tool_call.name << " " << dump_json(event.tool_call.arguments)
                    << "]\n";
        } else if (event.kind == Kind::final_answer && !streamed) {
          std::cout << event.text;
        }
      });
      std::cout << "\n";
    } catch (const Error& e) {
      // One failed turn does not end the session.
      std::cout << "\n(error: " << to_string(e.code()) << ": " << e.what() << ")\n";
    }
  }
  return 0;
}

}  // namespace

Command add_chat(CLI::App& app) {
  auto options = std::make_shared<ChatOptions>();
  auto* sub = app.add_subcommand("chat", "Interactive chat with streaming replies");
  options->model.add_to(*sub);
  sub->add_option("--window", options->window, "Messages of history kept");
  return [options] { return run_chat(*options); };
}

}  // namespace alith::cli
