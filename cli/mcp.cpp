// `alith mcp serve [--http HOST:PORT] [--config FILE]`: alith's tools and agents as an MCP server, over stdio
// (the default; stdout carries nothing but protocol, logs go to stderr) or Streamable HTTP at /mcp.
//
// The config file (YAML):
//   name: my-server                  # the serverInfo name (default "alith")
//   tools: [calculator, echo]        # built-in tools (agent/builtin_tools.h) and `echo`
//   sandbox_dir: ./docs              # read_file's sandbox
//   allow_network: false             # http_get
//   agents:                          # each agent is one tool: {"input": string} -> its answer
//     researcher:
//       model: "openai:gpt-4o-mini"  # a model reference (llm/registry.h)
//       preamble: You answer research questions briefly.
//       description: Answers research questions
//       tools: [calculator]
// Without --config the server offers every built-in tool that needs no option (calculator, current_time).
// `echo` returns its "text" argument unchanged: a probe for clients and the benchmark.

#include <pthread.h>
#include <signal.h>
#include <yaml-cpp/yaml.h>

#include <iostream>
#include <thread>

#include "alith/agent/agent.h"
#include "alith/agent/builtin_tools.h"
#include "alith/core/config.h"
#include "alith/flow/agent_node.h"
#include "alith/llm/registry.h"
#include "alith/mcp/server.h"
#include "alith/version.h"
#include "commands.h"

namespace alith::cli {
namespace {

struct McpCommand {
  std::string http;
  std::string config;
};

std::shared_ptr<agent::Tool> echo_tool() {
  return agent::make_tool(
      "echo", "Returns the given text unchanged.",
      Json{{"type", "object"},
           {"properties", {{"text", {{"type", "string"}, {"description", "what to echo"}}}}},
           {"required", {"text"}},
           {"additionalProperties", false}},
      [](const Json& args, const agent::ToolContext&) { return args.at("text"); });
}

std::vector<std::string> string_list(const YAML::Node& node, const std::string& what) {
  std::vector<std::string> out;
  if (!node) return out;
  if (!node.IsSequence()) throw ConfigError(what + " must be a list of names");
  for (const auto& item : node) out.push_back(item.as<std::string>());
  return out;
}

std::shared_ptr<agent::Tool> named_tool(const std::string& name, const agent::BuiltinToolOptions& options) {
  if (name == "echo") return echo_tool();
  return agent::builtin_tool(name, options);
}

struct Served {
  mcp::ServerOptions options;
  std::vector<std::shared_ptr<agent::Tool>> tools;
};

Served load_config(const std::string& path) {
  Served served;
  served.options.name = "alith";
  served.options.version = ALITH_VERSION_STRING;
  if (path.empty()) {
    served.tools = {agent::builtin_tool("calculator"), agent::builtin_tool("current_time")};
    return served;
  }
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    throw ConfigError(path + ": " + e.what());
  }
  if (!root.IsMap()) throw ConfigError(path + ": expected a mapping with tools: and/or agents:");
  try {
    for (const auto& entry : root) {
      auto key = entry.first.as<std::string>();
      if (key != "name" && key != "tools" && key != "agents" && key != "sandbox_dir" &&
          key != "allow_network")
        throw ConfigError(path + ": unknown key " + key +
                          " (expected name, tools, agents, sandbox_dir, allow_network)");
    }
    if (root["name"]) served.options.name = root["name"].as<std::string>();
    agent::BuiltinToolOptions tool_options;
    if (root["sandbox_dir"]) tool_options.sandbox_dir = root["sandbox_dir"].as<std::string>();
    if (root["allow_network"]) tool_options.allow_network = root["allow_network"].as<bool>();
    for (const auto& name : string_list(root["tools"], "tools"))
      served.tools.push_back(named_tool(name, tool_options));
    if (const auto agents = root["agents"]) {
      if (!agents.IsMap()) throw ConfigError(path + ": agents must be a mapping of name to agent");
      const Config config = Config::load();
      for (const auto& entry : agents) {
        auto name = entry.first.as<std::string>();
        const YAML::Node& spec = entry.second;
        if (!spec.IsMap() || !spec["model"]) throw ConfigError(path + ": agent " + name + " needs a model");
        agent::AgentBuilder builder;
        builder.name(name).model(llm::make_chat_model(spec["model"].as<std::string>(), config));
        if (spec["preamble"]) builder.preamble(spec["preamble"].as<std::string>());
        for (const auto& tool : string_list(spec["tools"], "agents." + name + ".tools"))
          builder.tool(named_tool(tool, tool_options));
        std::string description =
            spec["description"] ? spec["description"].as<std::string>() : "The agent " + name;
        served.tools.push_back(flow::agent_tool(builder.build(), name, description));
      }
    }
  } catch (const YAML::Exception& e) {
    throw ConfigError(path + ": " + e.what());
  }
  return served;
}

int serve(const McpCommand& c) {
  Served served = load_config(c.config);
  if (c.http.empty()) {
    std::ios::sync_with_stdio(false);
    mcp::Server server(std::move(served.tools), served.options);
    mcp::serve_stdio(server, std::cin, std::cout);
    return 0;
  }
  auto colon = c.http.rfind(':');
  if (colon == std::string::npos) throw InvalidArgumentError("--http takes HOST:PORT, e.g. 127.0.0.1:8080");
  mcp::HttpOptions http;
  http.host = c.http.substr(0, colon);
  try {
    http.port = std::stoi(c.http.substr(colon + 1));
  } catch (const std::exception&) {
    throw InvalidArgumentError("--http: bad port in " + c.http);
  }
  // SIGINT/SIGTERM end the server cleanly: blocked here (before any thread starts, so every thread inherits
  // the mask) and taken by one thread that stops the transport.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  mcp::Server server(std::move(served.tools), served.options);
  mcp::HttpTransport transport(server, http);
  std::thread waiter([&] {
    int signal = 0;
    sigwait(&signals, &signal);
    transport.stop();
  });
  std::cout << "listening on http://" << http.host << ":" << transport.port() << "/mcp" << std::endl;
  transport.run();
  pthread_kill(waiter.native_handle(),
               SIGTERM);  // when run() ended for another reason; blocked, so sigwait takes it
  waiter.join();
  return 0;
}

}  // namespace

Command add_mcp(CLI::App& app) {
  auto* mcp = app.add_subcommand("mcp", "Model Context Protocol: serve alith's tools and agents");
  mcp->require_subcommand(1);
  auto c = std::make_shared<McpCommand>();
  auto* serve_cmd =
      mcp->add_subcommand("serve", "Serve tools and agents over stdio (default) or Streamable HTTP");
  serve_cmd->add_option("--http", c->http, "Listen on HOST:PORT (endpoint /mcp) instead of stdio");
  serve_cmd->add_option("--config", c->config, "YAML file naming the tools and agents to serve");
  return [c] { return serve(*c); };
}

}  // namespace alith::cli
