#include "kill_check.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <chrono>
#include <iostream>
#include <random>
#include <thread>

#include "alith/flow/checkpointer.h"
#include "support/child_process.h"
#include "support/temp_dir.h"

namespace alith::flow::testing {
namespace {

constexpr int kSteps = 20;

int query_int(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  int value = -1;
  if (sqlite3_step(stmt) == SQLITE_ROW) value = sqlite3_column_int(stmt, 0);
  sqlite3_finalize(stmt);
  return value;
}

}  // namespace

KillReport run_kill_test(const std::string& ref, const std::string& effects_db, const std::string& commit,
                         int kills) {
  KillReport report;
  std::mt19937 rng(20261125);
  // Counted from the worker's "ready" (checkpointer open): a run of 20 steps of 0-3 ms takes about 30 ms, so
  // kills land before the first step, between steps, inside nodes and while checkpoints are written; now and
  // then a run finishes first.
  std::uniform_int_distribution<int> delay_us(0, 35000);
  while (report.kills < kills || report.threads == 0) {
    const std::string thread = "kill-" + std::to_string(report.threads);
    for (int attempt = 0;; ++attempt) {
      if (attempt > 400) {
        ADD_FAILURE() << "thread " << thread << " never finished";
        return report;
      }
      alith::testing::ChildOptions options(
          {ALITH_FLOW_WORKER, "steps", ref, thread, effects_db, std::to_string(kSteps), commit});
      options.pipe_stdout = true;
      alith::testing::ChildProcess child(std::move(options));
      (void)child.read_line();  // "ready", or end of output if it failed to start (wait() then tells)
      std::this_thread::sleep_for(std::chrono::microseconds(delay_us(rng)));
      // SIGKILL to a worker that already exited hits its zombie and changes nothing: wait() still reports
      // the exit status, and -1 only when the signal ended it.
      ::kill(child.pid(), SIGKILL);
      const int status = child.wait();
      if (status == -1) {
        ++report.kills;
        continue;
      }
      EXPECT_EQ(status, 0) << "worker failed on thread " << thread;
      if (status != 0) return report;
      break;
    }
    ++report.threads;
  }

  auto checkpointer = open_checkpointer(ref);
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(effects_db.c_str(), &db), SQLITE_OK);
  Json expected = Json::array();
  for (int i = 0; i < kSteps; ++i) expected.push_back("s" + std::to_string(i));
  for (int t = 0; t < report.threads; ++t) {
    const std::string thread = "kill-" + std::to_string(t);
    auto last = checkpointer->get(thread);
    EXPECT_TRUE(last && last->next.empty()) << thread << " is not finished";
    if (!last) continue;
    EXPECT_EQ(last->state["log"], expected) << thread;
    for (int i = 0; i < kSteps; ++i) {
      EXPECT_EQ(query_int(db, "SELECT n FROM counter WHERE thread = '" + thread + "' AND node = 's" +
                                  std::to_string(i) + "'"),
                1)
          << thread << " step s" << i;
    }
    // One chain from the newest checkpoint back to the input checkpoint, a step per link.
    auto history = checkpointer->list(thread);
    EXPECT_EQ(history.size(), static_cast<size_t>(kSteps + 1)) << thread;
    for (size_t i = 0; i + 1 < history.size(); ++i) {
      EXPECT_EQ(history[i].parent_id, history[i + 1].id) << thread;
      EXPECT_EQ(history[i].step, history[i + 1].step + 1) << thread;
    }
  }
  report.attempts = query_int(db, "SELECT count(*) FROM attempts");
  report.steps = query_int(db, "SELECT sum(n) FROM counter");
  EXPECT_EQ(report.steps, report.threads * kSteps);
  sqlite3_close_v2(db);
  return report;
}

void check_kill_test(const std::string& label, const std::string& ref, const std::string& commit,
                     LostSteps lost, int kills) {
  alith::testing::TempDir dir("alith-flow-kill-");
  const auto report = run_kill_test(ref, dir.file("effects.db"), commit, kills);
  EXPECT_GE(report.kills, kills);
  if (lost == LostSteps::none) {
    EXPECT_LE(report.attempts, report.steps + report.kills) << label;
  }
  std::cout << "[ kill test ] " << label << ": " << report.kills << " kills over " << report.threads
            << " threads; " << report.attempts << " node executions for " << report.steps << " steps"
            << std::endl;
}

}  // namespace alith::flow::testing
