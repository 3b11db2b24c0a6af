// The mcpServers configuration: both server kinds, ${VAR} expansion, precise errors, and McpServers
// connecting scripted stdio servers whose colliding tool names get prefixed.

#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "alith/mcp/config.h"
#include "support/temp_dir.h"

namespace alith::mcp {
namespace {

EnvLookup fake_env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

std::string error_of(std::string_view text, const EnvLookup& env = fake_env({})) {
  auto r = parse_config(text, env);
  if (r.ok()) return "ok";
  return r.error().message;
}

TEST(McpConfig, ParsesBothKinds) {
  auto r = parse_config(R"({"mcpServers": {
      "files": {"command": "npx", "args": ["-y", "server", "${HOME_DIR}"], "env": {"DEBUG": "${DEBUG:-0}", "N": 3},
                "cwd": "/tmp", "timeout": 5000},
      "remote": {"type": "streamable-http", "url": "https://${HOST}/mcp",
                 "headers": {"Authorization": "Bearer ${TOKEN}"}},
      "off": {"command": "x", "disabled": true}
    }})",
                        fake_env({{"HOME_DIR", "/home/a"}, {"HOST", "example.com"}, {"TOKEN", "s3cret"}}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->servers.size(), 2u);
  const auto& files = r->servers[0];
  EXPECT_EQ(files.name, "files");
  EXPECT_EQ(files.kind, ServerConfig::Kind::stdio);
  EXPECT_EQ(files.command, "npx");
  EXPECT_EQ(files.args, (std::vector<std::string>{"-y", "server", "/home/a"}));
  ASSERT_EQ(files.env.size(), 2u);
  EXPECT_EQ(files.env[0], (std::pair<std::string, std::string>{"DEBUG", "0"}));
  EXPECT_EQ(files.env[1].second, "3");
  EXPECT_EQ(files.cwd, "/tmp");
  EXPECT_EQ(files.timeout, std::chrono::milliseconds(5000));
  const auto& remote = r->servers[1];
  EXPECT_EQ(remote.kind, ServerConfig::Kind::http);
  EXPECT_EQ(remote.url, "https://example.com/mcp");
  ASSERT_EQ(remote.headers.size(), 1u);
  EXPECT_EQ(remote.headers[0].second, "Bearer s3cret");
}

TEST(McpConfig, PreciseErrors) {
  EXPECT_NE(error_of("{").find("mcp config"), std::string::npos);
  EXPECT_NE(error_of("[]").find("not an object"), std::string::npos);
  EXPECT_NE(error_of("{}").find("no \"mcpServers\""), std::string::npos);
  EXPECT_NE(error_of(R"({"mcpServers":[]})").find("mcpServers: not an object"), std::string::npos);
  EXPECT_NE(error_of(R"({"mcpServers":{"a":{}}})").find("mcpServers.a: needs \"command\""),
            std::string::npos);
  EXPECT_NE(error_of(R"({"mcpServers":{"a":{"command":"x","url":"http://h"}}})").find("both"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"mcpServers":{"a":{"command":"x","args":["ok",1]}}})")
                .find("mcpServers.a.args[1]: not a string"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"mcpServers":{"a":{"command":"x","args":"s"}}})").find("args: not an array"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"mcpServers":{"a":{"command":"x","env":{"K":{}}}}})").find("mcpServers.a.env.K"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"mcpServers":{"a":{"url":"ftp://h"}}})").find("mcpServers.a.url"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"mcpServers":{"a":{"type":"sse","url":"http://h"}}})").find("mcpServers.a.type"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"mcpServers":{"a":{"type":"http","command":"x"}}})").find("does not fit"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"mcpServers":{"a":{"command":"x","timeout":-1}}})").find("timeout"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"mcpServers":{"a":{"command":"${X"}}})").find("unterminated"), std::string::npos);
  // An unset variable is named, its would-be place is not filled with anything.
  auto r =
      parse_config(R"({"mcpServers":{"a":{"url":"http://h","headers":{"Authorization":"Bearer ${TOKEN}"}}}})",
                   fake_env({}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::config);
  EXPECT_NE(
      r.error().message.find("mcpServers.a.headers.Authorization: environment variable TOKEN is not set"),
      std::string::npos)
      << r.error().message;
}

TEST(McpConfig, LoadsFilesAndConnectsServers) {
  alith::testing::TempDir dir;
  std::string script = std::string(ALITH_MCP_TEST_DIR) + "/scripted_server.py";
  auto path = dir.path() / "servers.json";
  std::ofstream(path) << R"({"mcpServers":{"one":{"command":"python3","args":[")" << script
                      << R"("]},"two":{"command":"python3","args":[")" << script << R"("]}}})";
  Config config = load_config(path);
  ASSERT_EQ(config.servers.size(), 2u);
  McpServers servers(config);
  ASSERT_EQ(servers.clients().size(), 2u);
  ASSERT_TRUE(servers.client("two"));
  EXPECT_FALSE(servers.client("three"));
  auto tools = servers.tools();
  ASSERT_EQ(tools.size(), 20u);
  EXPECT_EQ(tools[0]->spec().name, "one_echo");  // both servers have echo: prefixed
  EXPECT_EQ(tools[10]->spec().name, "two_echo");
  auto out = agent::run_tool(*tools[10], Json{{"message", "x"}}, {});
  EXPECT_EQ(out.content, "Echo: x");
  servers.close();
  EXPECT_FALSE(servers.client("one")->connected());

  EXPECT_THROW(load_config(dir.path() / "missing.json"), IoError);
  std::ofstream(dir.path() / "bad.json") << R"({"mcpServers":{"a":{}}})";
  EXPECT_THROW(load_config(dir.path() / "bad.json"), ConfigError);
}

TEST(McpConfig, AFailingServerNamesItself) {
  Config config;
  ServerConfig bad;
  bad.name = "broken";
  bad.command = "/nonexistent/server";
  config.servers.push_back(bad);
  try {
    McpServers servers(config);
    FAIL() << "no error";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("mcp server \"broken\""), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace alith::mcp
