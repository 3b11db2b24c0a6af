// Crash safety and hand-over between processes with the SQLite checkpointer.

#include <gtest/gtest.h>

#include "alith/flow/checkpointer.h"
#include "kill_check.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace alith::flow::testing {
namespace {

using alith::testing::TempDir;

TEST(FlowKill, SigkillAtRandomPointsThenResumeRunsEveryStepOnce) {
  TempDir dir("alith-flow-kill-");
  check_kill_test("sqlite", "sqlite:" + dir.file("flow.db"));
}

// Batched commits on SQLite go through its run log: a kill loses no finished step, as with sync.
TEST(FlowKill, SigkillWithBatchedCommitsStillCountsEveryStepOnce) {
  TempDir dir("alith-flow-kill-");
  check_kill_test("sqlite, batched", "sqlite:" + dir.file("flow.db"), "batched");
}

// The default (CommitMode::automatic) is batched through the run log on SQLite.
TEST(FlowKill, SigkillWithTheDefaultCommitModeRunsEveryStepOnce) {
  TempDir dir("alith-flow-kill-");
  check_kill_test("sqlite, auto", "sqlite:" + dir.file("flow.db"), "auto");
}

TEST(FlowKill, InterruptInOneProcessResumeInAnother) {
  TempDir dir("alith-flow-hitl-");
  const std::string ref = "sqlite:" + dir.file("flow.db");
  const std::string worker = ALITH_FLOW_WORKER;
  auto first = alith::testing::run_command(worker + " interrupt " + ref + " review-1");
  ASSERT_EQ(first.status, 0) << first.out;
  const Json payload = Json::parse(first.out);
  EXPECT_EQ(payload["question"], "publish the draft?");
  auto second = alith::testing::run_command(worker + " resume " + ref + R"( review-1 '{"ok":true}')");
  ASSERT_EQ(second.status, 0) << second.out;
  const Json state = Json::parse(second.out);
  EXPECT_EQ(state["log"], Json::array({"drafted", R"(answer:{"ok":true})"}));
  EXPECT_NE(payload["pid"], Json(::getpid()));
}

}  // namespace
}  // namespace alith::flow::testing
