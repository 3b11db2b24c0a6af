// `alith ask --mcp servers.json`: the CLI gives the agent the tools of the configured MCP servers (here the
// scripted stdio server) and stops them at exit. The model is a scripted OpenAI-compatible endpoint, so the
// run is deterministic.

#include <gtest/gtest.h>

#include "alith/core/json.h"
#include "support/run_command.h"
#include "support/scripted_server.h"
#include "support/temp_dir.h"

namespace alith::testing {
namespace {

std::string completion(const Json& message, const std::string& finish) {
  return Json{{"id", "chatcmpl-1"},
              {"object", "chat.completion"},
              {"model", "m"},
              {"choices", Json::array({{{"index", 0}, {"message", message}, {"finish_reason", finish}}})},
              {"usage", {{"prompt_tokens", 1}, {"completion_tokens", 1}, {"total_tokens", 2}}}}
      .dump();
}

TEST(McpCliAsk, GivesTheAgentTheServersTools) {
  TempDir dir("alith-mcp-cli-");
  auto servers =
      dir.write("servers.json", R"({"mcpServers":{"scripted":{"command":"python3","args":[")" +
                                    std::string(ALITH_MCP_TEST_DIR) + R"(/scripted_server.py"]}}})");
  ScriptedServer model;
  Json call{{"role", "assistant"},
            {"content", nullptr},
            {"tool_calls",
             Json::array({{{"id", "call_1"},
                           {"type", "function"},
                           {"function", {{"name", "echo"}, {"arguments", R"({"message":"from cli"})"}}}}})}};
  model.push(ScriptedReply::http(200, completion(call, "tool_calls")));
  model.push(ScriptedReply::http(200, completion(Json{{"role", "assistant"}, {"content", "done"}}, "stop")));
  auto r = run_command(std::string(ALITH_CLI_PATH) + " ask --base-url " + model.url() +
                       "/v1 --model m --api-key test --mcp " + servers.string() +
                       " --json 'call echo' </dev/null 2>&1");
  ASSERT_EQ(r.status, 0) << r.out;
  auto json = parse_json(r.out);
  ASSERT_TRUE(json.ok()) << r.out;
  EXPECT_EQ(json.value()["answer"], "done");
  ASSERT_EQ(json.value()["tool_results"].size(), 1u) << r.out;
  EXPECT_EQ(json.value()["tool_results"][0]["result"], "Echo: from cli");
  auto requests = model.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_NE(requests[0].body.find("\"echo\""), std::string::npos);  // the MCP tool was offered
  EXPECT_NE(requests[1].body.find("Echo: from cli"), std::string::npos);

  auto bad = run_command(std::string(ALITH_CLI_PATH) + " ask --base-url " + model.url() +
                         "/v1 --model m --api-key test --mcp " + (dir.path() / "missing.json").string() +
                         " 'q' </dev/null 2>&1");
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.out.find("missing.json"), std::string::npos) << bad.out;
}

}  // namespace
}  // namespace alith::testing
