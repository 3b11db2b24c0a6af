#pragma once

// The kill test, shared by the SQLite (unit) and PostgreSQL (integration) runs: a 20-step workflow in a
// separate process (alith_flow_worker) is SIGKILLed at random moments and restarted until it finishes, thread
// after thread, until it has been killed at least `kills` times. Then, for every thread: the final state
// lists the 20 steps once and in order, the external counter (deduplicated by task id) counts each step
// exactly once, and the checkpoint history is one unbroken parent chain.

#include <string>

namespace alith::flow::testing {

struct KillReport {
  int kills = 0;
  int threads = 0;
  int attempts = 0;  // node executions, re-runs after a kill included
  int steps = 0;     // node executions that counted (one per step and thread)
};

// Runs the test (gtest assertions inside) against a checkpointer reference; effects_db is a scratch file.
// commit: "sync", "batched" or "auto" (CommitMode).
KillReport run_kill_test(const std::string& checkpointer_ref, const std::string& effects_db,
                         const std::string& commit = "sync", int kills = 50);

// Whether a kill may cost more than the node it interrupted: finished steps lost with their checkpoints
// (CommitMode::batched without a run log), which run again.
enum class LostSteps { none, allowed };

// run_kill_test with a scratch effects file, then: at least `kills` kills happened; with LostSteps::none, no
// more node executions than steps plus one per kill (the node a kill interrupts); and one line of figures
// ("[ kill test ] <label>: ...") goes to stdout for the logs.
void check_kill_test(const std::string& label, const std::string& checkpointer_ref,
                     const std::string& commit = "sync", LostSteps lost = LostSteps::none, int kills = 50);

}  // namespace alith::flow::testing
