// The `alith` command end to end: `alith ask` against a real llama-server, and its advice when nothing is
// configured.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

#include "alith/core/json.h"
#include "llama_server.h"

namespace alith {
namespace {

struct Output {
  int status;
  std::string out;
};

Output run(const std::string& command) {
  Output result{-1, {}};
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) result.out.append(buf.data(), n);
  int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

TEST(Cli, AskWithAToolAgainstLlamaServer) {
  testing::LlamaServer server;
  auto r =
      run(std::string(ALITH_CLI_PATH) + " ask --base-url " + server.base_url() +
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

TEST(Cli, MissingModelSaysWhatToDo) {
  auto home = std::filesystem::temp_directory_path() / "alith-empty-home";
  std::filesystem::create_directories(home);
  auto r = run("env -i HOME=" + home.string() + " " + ALITH_CLI_PATH + " ask 'hello' 2>&1");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("--model"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ALITH_MODEL"), std::string::npos) << r.out;
}

TEST(Cli, VersionPrints) {
  auto r = run(std::string(ALITH_CLI_PATH) + " --version");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("alith "), std::string::npos);
}

}  // namespace
}  // namespace alith
