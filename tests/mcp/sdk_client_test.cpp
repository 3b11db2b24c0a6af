// `alith mcp serve` driven by the official TypeScript SDK client (@modelcontextprotocol/sdk 1.32.2, installed
// by scripts/mcp-peers) over stdio and Streamable HTTP: connect, list tools, call them, an error result for
// bad arguments, an error for an unknown tool, concurrent calls. tests/mcp/node/sdk_client.mjs prints what it
// saw.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "alith/core/json.h"
#include "support/child_process.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace {

using alith::Json;
namespace testing_support = alith::testing;

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

class SdkClient : public ::testing::Test {
 protected:
  void SetUp() override {
    node_ = testing_support::find_in_path("node");
    modules_ = testing_support::peers_dir() + "/mcp-node";
    if (node_.empty()) GTEST_SKIP() << "node is not installed";
    if (!std::filesystem::exists(modules_ + "/@modelcontextprotocol/sdk/package.json"))
      GTEST_SKIP() << "the MCP SDK is missing: run scripts/mcp-peers";
    config_ = dir_.write("server.yaml", "name: alith-test\ntools: [calculator, echo]\n").string();
  }

  Json run_client(const std::string& mode_and_target) {
    auto out = testing_support::run_command(quote(node_) + " " + quote(std::string(ALITH_MCP_SDK_CLIENT)) +
                                            " " + quote(modules_) + " " + mode_and_target + " 2>&1");
    // The script's last line is its JSON report.
    std::string text = out.out;
    while (!text.empty() && text.back() == '\n') text.pop_back();
    auto json =
        alith::parse_json(text.substr(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1));
    EXPECT_EQ(out.status, 0) << out.out;
    EXPECT_TRUE(json.ok()) << out.out;
    return json.ok() ? *json : Json();
  }

  void check(const Json& r) {
    EXPECT_EQ(r["serverInfo"]["name"], "alith-test");
    EXPECT_EQ(r["capabilities"]["tools"], (Json{{"listChanged", false}}));
    EXPECT_EQ(r["tools"], Json::array({"calculator", "echo"}));
    EXPECT_EQ(r["echo"]["content"][0]["text"], "h\xc3\xa9llo \xe2\x9c\x93");
    EXPECT_FALSE(r["echo"].value("isError", false));
    EXPECT_EQ(r["calculator"]["content"][0]["text"], "42");
    EXPECT_TRUE(r["badArguments"].value("isError", false));
    EXPECT_NE(r["badArguments"]["content"][0]["text"].get<std::string>().find("$.text"), std::string::npos);
    EXPECT_FALSE(r.contains("unknownTool")) << "an unknown tool must be a JSON-RPC error";
    EXPECT_EQ(r["unknownToolError"]["code"], -32602);
    EXPECT_EQ(r["ping"], Json::object());
    Json expected = Json::array();
    for (int i = 0; i < 10; ++i) expected.push_back("n" + std::to_string(i));
    EXPECT_EQ(r["concurrent"], expected);
  }

  std::string node_, modules_, config_;
  testing_support::TempDir dir_{"alith-mcp-sdk-"};
};

TEST_F(SdkClient, Stdio) {
  Json r = run_client("stdio " + quote(ALITH_CLI_PATH) + " mcp serve --config " + quote(config_));
  check(r);
}

TEST_F(SdkClient, StreamableHttp) {
  testing_support::ChildOptions options(
      {ALITH_CLI_PATH, "mcp", "serve", "--http", "127.0.0.1:0", "--config", config_},
      dir_.file("server.log"));
  options.pipe_stdout = true;
  testing_support::ChildProcess server(options);
  auto line = server.read_line();
  ASSERT_TRUE(line && line->starts_with("listening on ")) << server.log_tail();
  std::string url = line->substr(std::string("listening on ").size());
  Json r = run_client("http " + quote(url));
  check(r);
  EXPECT_EQ(r["protocolVersion"], "2025-06-18");
  EXPECT_EQ(r["sessionId"].get<std::string>().size(), 32u);
  server.stop();
}

}  // namespace
