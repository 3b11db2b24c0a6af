// `alith ask`: one question to an agent; the answer streams to stdout (or one JSON object with --json). With
// --store it answers from a vector store and lists the sources it cites. With --mcp servers.json the tools of
// the MCP servers configured there (the common mcpServers format) are added to the agent; the servers are
// stopped when the command ends.

#include <iostream>
#include <iterator>
#include <memory>

#include "alith/agent/agent.h"
#include "alith/core/config.h"
#include "alith/core/json.h"
#include "alith/knowledge/retriever.h"
#include "alith/mcp/config.h"
#include "commands.h"
#include "knowledge_options.h"
#include "model_options.h"

namespace alith::cli {
namespace {

struct AskOptions {
  ModelOptions model;
  KnowledgeOptions knowledge;  // --store: answer from the store, with citations
  bool agentic = false;        // --store with a search_knowledge tool instead of retrieving up front
  std::string prompt;
  bool json = false;
  std::string mcp_config;  // --mcp: an mcpServers JSON file
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

// Retrieve-then-answer: the answer, then the sources it cites (all sources given when it cites none).
int run_ask_from_store(const AskOptions& options, const std::string& question) {
  const Config config = Config::load();
  auto embedding = options.knowledge.make_embedding_model(config);
  knowledge::Retriever retriever(options.knowledge.open_store(*embedding), embedding,
                                 options.knowledge.retrieve_options());
  knowledge::AnswerOptions answer_options;
  if (!options.model.system.empty()) answer_options.instructions = options.model.system;
  auto answer =
      knowledge::answer_from_sources(*options.model.make_model(config), retriever, question, answer_options);
  shorten_sources(answer.sources);
  shorten_sources(answer.cited);
  if (options.json) {
    Json sources = Json::array();
    for (const auto& c : answer.sources) sources.push_back(c.to_json());
    Json cited = Json::array();
    for (const auto& c : answer.cited) cited.push_back(c.number);
    std::cout << dump_json({{"answer", answer.text}, {"sources", sources}, {"cited", cited}}, 2) << "\n";
    return 0;
  }
  std::cout << answer.text << "\n";
  const auto& listed = answer.cited.empty() ? answer.sources : answer.cited;
  if (!listed.empty()) std::cout << "\nSources:\n";
  for (const auto& c : listed) std::cout << "[" << c.number << "] " << c.label() << "\n";
  return 0;
}

int run_ask(const AskOptions& options) {
  std::string prompt = options.prompt;
  if (prompt.empty() || prompt == "-") prompt = read_stdin();
  if (prompt.empty()) throw InvalidArgumentError("no prompt: pass it as an argument or on stdin");
  if (options.agentic && !options.knowledge.enabled()) throw InvalidArgumentError("--agentic needs --store");
  if (options.knowledge.enabled() && !options.agentic) return run_ask_from_store(options, prompt);

  std::vector<std::shared_ptr<agent::Tool>> extra_tools;
  if (options.knowledge.enabled()) {
    const Config config = Config::load();
    auto embedding = options.knowledge.make_embedding_model(config);
    extra_tools.push_back(knowledge::search_knowledge_tool(std::make_shared<knowledge::Retriever>(
        options.knowledge.open_store(*embedding), embedding, options.knowledge.retrieve_options())));
  }
  std::unique_ptr<mcp::McpServers> mcp_servers;  // closed (servers stopped) when run_ask returns
  if (!options.mcp_config.empty()) {
    mcp_servers = std::make_unique<mcp::McpServers>(mcp::load_config(options.mcp_config));
    for (auto& tool : mcp_servers->tools()) extra_tools.push_back(std::move(tool));
  }
  auto agent = options.model.make_agent(Config::load(), nullptr, extra_tools);
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
  options->knowledge.add_to(*sub, false);
  sub->add_flag("--agentic", options->agentic,
                "With --store: give the agent a search_knowledge tool instead of retrieving up front");
  sub->add_flag("--json", options->json, "Print the answer, tool results and usage as JSON");
  sub->add_option("--mcp", options->mcp_config,
                  "An mcpServers JSON file: the tools of those MCP servers are given to the agent");
  sub->add_option("prompt", options->prompt, "The question; '-' or nothing reads stdin");
  return [options] { return run_ask(*options); };
}

}  // namespace alith::cli
