// The `alith` command end to end: `alith ask` against a real llama-server, and its advice when nothing is
// configured.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "alith/core/json.h"
#include "support/llama_server.h"
#include "support/run_command.h"

namespace alith {
namespace {

using testing::run_command;

class CliAgainstLlamaServer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = std::make_unique<testing::LlamaServer>(); }
  static void TearDownTestSuite() { server_.reset(); }
  static inline std::unique_ptr<testing::LlamaServer> server_;
};

TEST_F(CliAgainstLlamaServer, AskWithATool) {
  auto r = run_command(
      std::string(ALITH_CLI_PATH) + " ask --base-url " + server_->base_url() +
      " --model gemma-3-270m --tool calculator --tool-choice calculator --max-steps 2 --max-tokens 48"
      " --temperature 0 --json 'What is 17 times 23? Use the calculator.' 2>&1");
  ASSERT_EQ(r.status, 0) << r.out;
  auto json = parse_json(r.out);
  ASSERT_TRUE(json.ok()) << r.out;
  const auto& results = json.value()["tool_results"];
  ASSERT_FALSE(results.empty()) << r.out;
  EXPECT_EQ(results[0]["name"], "calculator");
  EXPECT_TRUE(json.value().contains("answer"));
}

TEST_F(CliAgainstLlamaServer, AskReadsThePromptFromStdin) {
  auto r = run_command("echo 'Say hi.' | " + std::string(ALITH_CLI_PATH) + " ask --base-url " +
                       server_->base_url() + " --model m --max-tokens 8 --json 2>&1");
  ASSERT_EQ(r.status, 0) << r.out;
  auto json = parse_json(r.out);
  ASSERT_TRUE(json.ok()) << r.out;
  EXPECT_EQ(json.value()["steps"], 1);
}

TEST_F(CliAgainstLlamaServer, ChatKeepsTheConversationAndObeysCommands) {
  auto r = run_command("printf 'My name is Ada.\\n/history\\n/reset\\n/history\\n/exit\\n' | " +
                       std::string(ALITH_CLI_PATH) + " chat --base-url " + server_->base_url() +
                       " --model m --max-tokens 8 --temperature 0 2>&1");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("user: My name is Ada."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("assistant: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(conversation cleared)"), std::string::npos) << r.out;
}

TEST_F(CliAgainstLlamaServer, ModelsListsWhatTheServerServes) {
  auto r =
      run_command(std::string(ALITH_CLI_PATH) + " models --json --base-url " + server_->base_url() + " 2>&1");
  ASSERT_EQ(r.status, 0) << r.out;
  auto json = parse_json(r.out);
  ASSERT_TRUE(json.ok()) << r.out;
  EXPECT_FALSE(json.value()["served"].empty()) << r.out;
}

// The README's main job: an agent with a tool on the local model, in-process, no server.
TEST(Cli, AskWithAToolOnTheLocalModel) {
  auto r = run_command(
      std::string(ALITH_CLI_PATH) +
      " ask --model local:gemma3-270m --tool calculator --tool-choice required --max-steps 2"
      " --max-tokens 48 --temperature 0 --json 'What is 17 times 23? Use the calculator.' 2>/dev/null");
  ASSERT_EQ(r.status, 0) << r.out;
  auto json = parse_json(r.out);
  ASSERT_TRUE(json.ok()) << r.out;
  const auto& results = json.value()["tool_results"];
  ASSERT_FALSE(results.empty()) << r.out;
  EXPECT_EQ(results[0]["name"], "calculator");
}

TEST(Cli, BenchPrintsLocalSpeeds) {
  auto r = run_command(std::string(ALITH_CLI_PATH) +
                       " bench --model local:gemma3-270m -p 32 -n 8 -r 1 --json 2>/dev/null");
  ASSERT_EQ(r.status, 0) << r.out;
  auto json = parse_json(r.out);
  ASSERT_TRUE(json.ok()) << r.out;
  EXPECT_GT(json.value()["prefill_tokens_per_s"].get<double>(), 0.0);
  EXPECT_GT(json.value()["decode_tokens_per_s"].get<double>(), 0.0);
}

TEST(Cli, ModelsPullKnowsTheCatalog) {
  auto installed = run_command(std::string(ALITH_CLI_PATH) + " models pull gemma3-270m 2>&1");
  EXPECT_EQ(installed.status, 0) << installed.out;
  EXPECT_NE(installed.out.find("is installed"), std::string::npos) << installed.out;
  auto unknown = run_command(std::string(ALITH_CLI_PATH) + " models pull no-such-model 2>&1");
  EXPECT_EQ(unknown.status, 2) << unknown.out;
  EXPECT_NE(unknown.out.find("gemma3-270m"), std::string::npos) << unknown.out;
}

TEST(Cli, MissingModelSaysWhatToDo) {
  auto home = std::filesystem::temp_directory_path() / "alith-empty-home";
  std::filesystem::create_directories(home);
  auto r = run_command("env -i HOME=" + home.string() + " " + ALITH_CLI_PATH + " ask 'hello' 2>&1");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("--model"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ALITH_MODEL"), std::string::npos) << r.out;
}

TEST(Cli, VersionPrints) {
  auto r = run_command(std::string(ALITH_CLI_PATH) + " --version");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("alith "), std::string::npos);
}

}  // namespace
}  // namespace alith
