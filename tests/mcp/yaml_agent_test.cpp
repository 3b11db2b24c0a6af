// YAML agents with `mcp: servers.json`: the file is checked when the workflow loads, its servers start when
// the agent is first built, and the agent calls their tools (here the scripted stdio server).

#include <gtest/gtest.h>

#include "agent/scripted_model.h"
#include "alith/flow/yaml.h"
#include "support/temp_dir.h"

namespace alith::flow {
namespace {

using agent::testing::make_call;
using agent::testing::ScriptedModel;
using agent::testing::text_reply;
using agent::testing::tool_reply;

constexpr const char* kWorkflow = R"yaml(agents:
  helper: {mcp: servers.json, max_steps: 3}
nodes:
  answer: {agent: helper, prompt: "{{question}}", output: answer, stream: false}
edges:
  - {from: start, to: answer}
  - {from: answer, to: end}
)yaml";

TEST(McpYamlAgent, UsesTheToolsOfItsServers) {
  alith::testing::TempDir dir("alith-mcp-yaml-");
  dir.write("servers.json", R"({"mcpServers":{"scripted":{"command":"python3","args":[")" +
                                std::string(ALITH_MCP_TEST_DIR) + R"(/scripted_server.py"]}}})");
  dir.write("flow.yaml", kWorkflow);
  auto model = std::make_shared<ScriptedModel>();
  WorkflowOptions options;
  options.model_factory = [model](const std::string&) { return model; };
  auto workflow = load_workflow(dir / "flow.yaml", options);
  model->push(tool_reply({make_call("c1", "echo", {{"message", "yaml"}})}));
  model->push([](const llm::ChatRequest& request, const llm::CallOptions&) {
    return text_reply("got " + request.messages.back().text());
  });
  auto out = workflow.graph->invoke({{"question", "call echo"}});
  EXPECT_EQ(out.state["answer"], "got Echo: yaml");
}

TEST(McpYamlAgent, ABadServersFileIsAProblemOfTheFile) {
  alith::testing::TempDir dir("alith-mcp-yaml-");
  dir.write("flow.yaml", kWorkflow);
  try {
    load_workflow(dir / "flow.yaml");
    FAIL() << "no WorkflowError";
  } catch (const WorkflowError& e) {
    EXPECT_NE(std::string(e.what()).find("'mcp' of agent 'helper'"), std::string::npos) << e.what();
  }
  dir.write("servers.json", R"({"mcpServers":{"x":{"args":[]}}})");
  try {
    load_workflow(dir / "flow.yaml");
    FAIL() << "no WorkflowError";
  } catch (const WorkflowError& e) {
    EXPECT_NE(std::string(e.what()).find("mcpServers.x: needs \"command\""), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace alith::flow
