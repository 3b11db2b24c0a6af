#pragma once

// CommitMode::automatic on a checkpointer with a run log.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "alith/flow/checkpointer.h"

namespace alith::flow::detail {

// Appends each checkpoint and group of task writes to the run log, where it is safe from a kill at once, and
// stores what the log holds from the run's own thread, in one transaction, once kStoreInterval has passed
// since the last store and when the run ends. No thread and no hand-off: a short run costs what sync costs (a
// commit per step), and a run of fast steps commits about once per interval. Other connections see a
// checkpoint at most one interval (or one step, when a step is slower than that) after it was written.
class LoggedCommits {
 public:
  static constexpr std::chrono::microseconds kStoreInterval{1000};

  LoggedCommits(Checkpointer& checkpointer, RunLog& log) : checkpointer_(checkpointer), log_(log) {}

  void put(const Checkpoint& checkpoint) {
    if (auto ticket = log_.append(checkpoint)) return queued(*ticket);
    flush();  // too large for the log: stored at once, after what came before it
    checkpointer_.put(checkpoint);
  }
  void put_writes(const std::string& thread_id, const std::string& checkpoint_id,
                  const std::vector<TaskWrite>& writes) {
    if (auto ticket = log_.append(thread_id, checkpoint_id, writes)) return queued(*ticket);
    flush();
    checkpointer_.put_writes(thread_id, checkpoint_id, writes);
  }
  // Stores everything queued. On an error the entries stay in the log, to be replayed.
  void flush() {
    if (tickets_.empty()) return;
    std::vector<uint64_t> tickets;
    tickets.swap(tickets_);
    last_store_ = std::chrono::steady_clock::now();
    log_.store(tickets);
  }

 private:
  void queued(uint64_t ticket) {
    tickets_.push_back(ticket);
    if (std::chrono::steady_clock::now() - last_store_ >= kStoreInterval) flush();
  }

  Checkpointer& checkpointer_;
  RunLog& log_;
  std::vector<uint64_t> tickets_;
  std::chrono::steady_clock::time_point last_store_{};  // the epoch: a run's first entry is stored at once
};

}  // namespace alith::flow::detail
