// `alith run`, `resume`, `history` end to end: a workflow paused at an interrupt in one process (exit 3) and
// answered by `alith resume` in another, its checkpoints listed; an agent node on llama-server's Gemma 3
// 270M; a malformed file rejected with its file:line:col problems (exit 2) before anything runs.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "alith/core/json.h"
#include "support/llama_server.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace alith {
namespace {

namespace fs = std::filesystem;

using testing::run_command;

constexpr const char* kApprove = R"yaml(name: approve
state:
  notes: {reducer: append}
nodes:
  draft: {set: {draft: "'Hello ' + who"}}
  approve: {interrupt: "Publish this draft?\n{{draft}}", output: approved}
  publish: {set: {published: "true", notes: "'published'"}}
  reject: {set: {published: "false"}}
edges:
  - {from: start, to: draft}
  - {from: draft, to: approve}
  - {from: approve, to: publish, when: "approved == true or approved == 'yes'"}
  - {from: approve, to: reject, else: true}
  - {from: publish, to: end}
  - {from: reject, to: end}
)yaml";

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class CliFlow : public ::testing::Test {
 protected:
  // Every command runs with its own state folder, so the default checkpoint database is this test's.
  std::string alith() const { return "ALITH_STATE_DIR=" + (dir_ / "state").string() + " " + ALITH_CLI_PATH; }
  Json json_of(const testing::CommandOutput& r) const {
    auto json = parse_json(r.out);
    EXPECT_TRUE(json.ok()) << r.out;
    return json.ok() ? *json : Json();
  }
  const testing::TempDir tmp_{"alith-cli-flow-"};
  const fs::path dir_ = tmp_.path();
};

TEST_F(CliFlow, InterruptThenResumeInAnotherProcessThenHistory) {
  const auto flow = tmp_.write("flows/approve.yaml", kApprove);
  const auto err = dir_ / "err.txt";
  // Not a terminal on stdin: the run pauses, says how to resume and exits with 3.
  auto r = run_command(alith() + " run " + flow.string() +
                       " --input who=Ada --thread t1 --json </dev/null 2>" + err.string());
  EXPECT_EQ(r.status, 3) << r.out << read(err);
  Json out = json_of(r);
  EXPECT_EQ(out["status"], "interrupted");
  ASSERT_EQ(out["interrupts"].size(), 1u) << r.out;
  EXPECT_EQ(out["interrupts"][0]["node"], "approve");
  EXPECT_EQ(out["interrupts"][0]["payload"], "Publish this draft?\nHello Ada");
  EXPECT_NE(read(err).find("alith resume t1 --value"), std::string::npos) << read(err);

  // Another process, another directory: the checkpoints name the file.
  r = run_command("cd / && " + alith() + " resume t1 --value yes --json </dev/null 2>" + err.string());
  ASSERT_EQ(r.status, 0) << r.out << read(err);
  out = json_of(r);
  EXPECT_EQ(out["status"], "done");
  EXPECT_EQ(out["state"]["approved"], "yes");
  EXPECT_EQ(out["state"]["published"], true);
  EXPECT_EQ(out["state"]["notes"], Json::array({"published"}));

  r = run_command(alith() + " history t1 --json 2>&1");
  ASSERT_EQ(r.status, 0) << r.out;
  const Json history = json_of(r);
  ASSERT_EQ(history.size(), 4u) << r.out;  // input, draft, approve, publish; newest first
  EXPECT_EQ(history[0]["step"], 2);
  EXPECT_TRUE(history[0]["next"].empty());
  EXPECT_EQ(history[2]["next"], Json::array({"approve"}));
  EXPECT_EQ(history[3]["source"], "input");
  EXPECT_EQ(history[3]["step"], -1);
  r = run_command(alith() + " history t1 2>&1");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("CHECKPOINT"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(history[2]["id"].get<std::string>()), std::string::npos) << r.out;

  r = run_command(alith() + " threads --json 2>&1");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(json_of(r)[0]["flow"], fs::canonical(flow).string());
}

// Time travel from the command line: a branch from the input checkpoint with other inputs; the first branch
// stays in the history.
TEST_F(CliFlow, ResumeFromAnEarlierCheckpointBranches) {
  const std::string flow = std::string(ALITH_SOURCE_DIR) + "/examples/flows/arithmetic.yaml";
  auto r =
      run_command(alith() + " run " + flow + " --thread t5 --input a=6 --input b=7 --json </dev/null 2>&1");
  ASSERT_EQ(r.status, 0) << r.out;
  r = run_command(alith() + " history t5 --json 2>/dev/null");
  ASSERT_EQ(r.status, 0) << r.out;
  const Json first = json_of(r);
  ASSERT_EQ(first.size(), 3u) << r.out;
  const std::string input = first[2]["id"].get<std::string>();
  r = run_command(alith() + " resume t5 --from " + input +
                  R"( --update '{"a": 2, "b": 3}' --json 2>/dev/null)");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(json_of(r)["state"]["verdict"], "small: 6") << r.out;
  r = run_command(alith() + " history t5 --json 2>/dev/null");
  const Json both = json_of(r);
  ASSERT_EQ(both.size(), 6u) << r.out;
  EXPECT_EQ(both[2]["source"], "fork");
  EXPECT_EQ(both[3]["state"]["verdict"], "big: 42");  // the first branch is still there
  r = run_command(alith() + " resume t5 --from " + input + " --value 1 2>&1");
  EXPECT_EQ(r.status, 2) << r.out;
}

TEST_F(CliFlow, ResumeWarnsWhenTheFileChangedAndTakesTheElseEdge) {
  const auto flow = tmp_.write("approve.yaml", kApprove);
  auto r = run_command(alith() + " run " + flow.string() + " --input who=Bo --thread t2 </dev/null 2>&1");
  ASSERT_EQ(r.status, 3) << r.out;
  tmp_.write("approve.yaml", std::string(kApprove) + "# edited\n");
  r = run_command(alith() + " resume t2 --value no 2>&1");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("changed since thread t2 started"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[reject] published: false"), std::string::npos) << r.out;
}

TEST_F(CliFlow, ARunTimeFailureExitsOneAndKeepsTheRun) {
  const auto flow = tmp_.write("pick.yaml",
                               "nodes:\n  pick: {set: {x: '1'}}\n  big: {set: {y: '2'}}\nedges:\n"
                               "  - {from: start, to: pick}\n  - {from: pick, to: big, when: 'x > 5'}\n"
                               "  - {from: big, to: end}\n");
  auto r = run_command(alith() + " run " + flow.string() + " --thread t3 </dev/null 2>&1");
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("pick.yaml:6:12: no condition of the edges from 'pick' matched"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("alith resume t3"), std::string::npos) << r.out;
  r = run_command(alith() + " history t3 --json 2>&1");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_GE(json_of(r).size(), 1u);
}

TEST_F(CliFlow, MalformedFileExitsTwoWithEveryProblemAndRunsNothing) {
  const auto flow = tmp_.write("bad.yaml",
                               "nodes:\n  a: {sett: {x: '1'}}\n  b: {set: {y: 'x +'}}\nedges:\n"
                               "  - {from: start, to: a}\n  - {from: a, to: c}\n");
  auto r = run_command("cd " + dir_.string() + " && " + alith() + " run bad.yaml 2>&1");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("bad.yaml:2:7: unknown key 'sett' in node 'a' (did you mean 'set'?)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("bad.yaml:3:20: invalid expression for 'y': expected a value, found the end"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("bad.yaml:6:19: unknown node 'c'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("nothing ran"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir_ / "state" / "flows.db")) << "no run may start";
  r = run_command(alith() + " run " + (dir_ / "missing.yaml").string() + " 2>&1");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("missing.yaml: cannot read the workflow: no such file"), std::string::npos) << r.out;
}

class CliFlowAgainstLlamaServer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = std::make_unique<testing::LlamaServer>(); }
  static void TearDownTestSuite() { server_.reset(); }
  static inline std::unique_ptr<testing::LlamaServer> server_;
};

TEST_F(CliFlowAgainstLlamaServer, AgentNodeAnswersOnTheServersModel) {
  const testing::TempDir tmp("alith-cli-flow-");
  // The agent names no model: the command's --base-url and --model serve it.
  const auto flow = tmp.write("ask.yaml", R"yaml(name: ask
agents:
  helper: {preamble: You answer in one short sentence., max_tokens: 24, temperature: 0}
nodes:
  answer: {agent: helper, prompt: "Question: {{question}}", output: answer}
  done: {set: {length: "len(answer)"}}
edges:
  - {from: start, to: answer}
  - {from: answer, to: done}
  - {from: done, to: end}
)yaml");
  const std::string alith = "ALITH_STATE_DIR=" + (tmp.path() / "state").string() + " " + ALITH_CLI_PATH;
  auto r = run_command(
      alith + " run " + flow.string() + " --base-url " + server_->base_url() +
      " --model gemma-3-270m --input question='What colour is the sky?' --json </dev/null 2>/dev/null");
  ASSERT_EQ(r.status, 0) << r.out;
  auto json = parse_json(r.out);
  ASSERT_TRUE(json.ok()) << r.out;
  const Json& state = json.value()["state"];
  ASSERT_TRUE(state["answer"].is_string()) << r.out;
  EXPECT_FALSE(state["answer"].get<std::string>().empty()) << r.out;
  EXPECT_GT(state["length"].get<int>(), 0) << r.out;
  // Streaming: without --json the reply's tokens are printed under the node's name.
  r = run_command(alith + " run " + flow.string() + " --base-url " + server_->base_url() +
                  " --model gemma-3-270m --input question='Say hello.' </dev/null 2>/dev/null");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("[answer] "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[done] length: "), std::string::npos) << r.out;
}

}  // namespace
}  // namespace alith
