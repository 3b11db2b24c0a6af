#pragma once

// The background writer of CommitMode::batched.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "alith/flow/checkpointer.h"

namespace alith::flow::detail {

// Stores a run's checkpoints and writes from a background thread, a group per commit (CommitMode::batched).
// With the checkpointer's run log, put() appends to the log (durable when it returns) and queues only the
// ticket; the thread has the log store its records. Without one, it queues copies and calls put_batch.
class BatchWriter {
 public:
  explicit BatchWriter(Checkpointer& checkpointer)
      : checkpointer_(checkpointer), log_(checkpointer.run_log()), thread_([this] { loop(); }) {}
  ~BatchWriter() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;

  void put(const Checkpoint& checkpoint) {
    if (log_) {
      if (auto ticket = log_->append(checkpoint)) return queue_ticket(*ticket, /*checkpoint=*/true);
      flush();  // too large for the log: stored at once, after what came before it
      checkpointer_.put(checkpoint);
      return;
    }
    std::lock_guard lock(mu_);
    rethrow();
    checkpoints_.push_back(checkpoint);
    cv_.notify_all();
  }
  void put_writes(const std::string& thread_id, const std::string& checkpoint_id,
                  std::vector<TaskWrite> writes) {
    if (log_) {
      if (auto ticket = log_->append(thread_id, checkpoint_id, writes)) {
        return queue_ticket(*ticket, /*checkpoint=*/false);
      }
      flush();
      checkpointer_.put_writes(thread_id, checkpoint_id, writes);
      return;
    }
    std::lock_guard lock(mu_);
    rethrow();
    for (auto& w : writes) writes_.push_back({thread_id, checkpoint_id, std::move(w)});
    cv_.notify_all();
  }
  // Waits until everything handed over is stored; rethrows the checkpointer's error.
  void flush() {
    std::unique_lock lock(mu_);
    flushing_ = true;
    cv_.notify_all();
    cv_.wait(lock, [&] { return error_ || (empty() && !busy_); });
    flushing_ = false;
    rethrow();
  }

 private:
  void rethrow() {
    if (error_) std::rethrow_exception(error_);
  }
  void queue_ticket(uint64_t ticket, bool checkpoint) {
    std::lock_guard lock(mu_);
    rethrow();
    tickets_.push_back(ticket);
    if (checkpoint) ++logged_checkpoints_;
    cv_.notify_all();
  }
  bool empty() const { return checkpoints_.empty() && writes_.empty() && tickets_.empty(); }
  bool has_checkpoint() const { return !checkpoints_.empty() || logged_checkpoints_ > 0; }

  void loop() {
    std::unique_lock lock(mu_);
    while (true) {
      cv_.wait(lock, [&] { return stopping_ || !empty(); });
      if (empty()) return;  // stopping with nothing left
      if (!has_checkpoint() && !stopping_ && !flushing_) {
        // Only task writes: give their step a moment to end, so that its checkpoint joins this batch and
        // supersedes them (a wide step of quick tasks then costs one commit, not one per group of tasks).
        cv_.wait_for(lock, std::chrono::milliseconds(2),
                     [&] { return stopping_ || flushing_ || has_checkpoint(); });
      }
      std::vector<Checkpoint> checkpoints;
      std::vector<PendingWrite> writes;
      std::vector<uint64_t> tickets;
      checkpoints.swap(checkpoints_);
      writes.swap(writes_);
      tickets.swap(tickets_);
      logged_checkpoints_ = 0;
      busy_ = true;
      lock.unlock();
      try {
        if (!error_) store(std::move(checkpoints), std::move(writes), tickets);
      } catch (...) {
        lock.lock();
        error_ = std::current_exception();
        lock.unlock();
      }
      lock.lock();
      busy_ = false;
      cv_.notify_all();
    }
  }

  void store(std::vector<Checkpoint> checkpoints, std::vector<PendingWrite> writes,
             const std::vector<uint64_t>& tickets) {
    // On failure the log keeps its records, and the checkpointer replays them when next opened.
    if (log_) return log_->store(tickets);
    // A write only matters until its step's checkpoint is stored: when that checkpoint's child is in the
    // same batch (one transaction), resume starts from the child and never reads the write.
    std::set<std::string> superseded;
    for (const auto& c : checkpoints) superseded.insert(c.parent_id);
    std::erase_if(writes, [&](const PendingWrite& w) {
      return w.write.kind == TaskWrite::Kind::update && superseded.count(w.checkpoint_id) > 0;
    });
    checkpointer_.put_batch(checkpoints, writes);
  }

  Checkpointer& checkpointer_;
  RunLog* const log_;  // the checkpointer's; nullptr without one
  std::mutex mu_;
  std::condition_variable cv_;
  // Queued without a run log:
  std::vector<Checkpoint> checkpoints_;
  std::vector<PendingWrite> writes_;
  // Queued with one:
  std::vector<uint64_t> tickets_;
  size_t logged_checkpoints_ = 0;
  bool busy_ = false;
  bool stopping_ = false;
  bool flushing_ = false;  // the run waits in flush(): no coalescing delay
  std::exception_ptr error_;
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace alith::flow::detail
