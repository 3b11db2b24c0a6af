#pragma once

// The background writer of CommitMode::batched.

#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "alith/flow/checkpointer.h"

namespace alith::flow::detail {

// Stores a run's checkpoints and writes from a background thread, a group per commit (CommitMode::batched).
class BatchWriter {
 public:
  explicit BatchWriter(Checkpointer& checkpointer)
      : checkpointer_(checkpointer), thread_([this] { loop(); }) {}
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

  void put(Checkpoint checkpoint) {
    std::lock_guard lock(mu_);
    rethrow();
    checkpoints_.push_back(std::move(checkpoint));
    cv_.notify_all();
  }
  void put_writes(const std::string& thread_id, const std::string& checkpoint_id,
                  std::vector<TaskWrite> writes) {
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
    cv_.wait(lock, [&] { return error_ || (checkpoints_.empty() && writes_.empty() && !busy_); });
    flushing_ = false;
    rethrow();
  }

 private:
  void rethrow() {
    if (error_) std::rethrow_exception(error_);
  }
  void loop() {
    std::unique_lock lock(mu_);
    while (true) {
      cv_.wait(lock, [&] { return stopping_ || !checkpoints_.empty() || !writes_.empty(); });
      if (checkpoints_.empty() && writes_.empty()) return;  // stopping with nothing left
      if (checkpoints_.empty() && !stopping_ && !flushing_) {
        // Only task writes: give their step a moment to end, so that its checkpoint joins this batch and
        // supersedes them (a wide step of quick tasks then costs one commit, not one per group of tasks).
        cv_.wait_for(lock, std::chrono::milliseconds(2),
                     [&] { return stopping_ || flushing_ || !checkpoints_.empty(); });
      }
      std::vector<Checkpoint> checkpoints;
      std::vector<PendingWrite> writes;
      checkpoints.swap(checkpoints_);
      writes.swap(writes_);
      busy_ = true;
      lock.unlock();
      // A write only matters until its step's checkpoint is stored: when that checkpoint's child is in the
      // same batch (one transaction), resume starts from the child and never reads the write.
      std::set<std::string> superseded;
      for (const auto& c : checkpoints) superseded.insert(c.parent_id);
      std::erase_if(writes, [&](const PendingWrite& w) {
        return w.write.kind == TaskWrite::Kind::update && superseded.count(w.checkpoint_id) > 0;
      });
      try {
        if (!error_) checkpointer_.put_batch(checkpoints, writes);
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

  Checkpointer& checkpointer_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Checkpoint> checkpoints_;
  std::vector<PendingWrite> writes_;
  bool busy_ = false;
  bool stopping_ = false;
  bool flushing_ = false;  // the run waits in flush(): no coalescing delay
  std::exception_ptr error_;
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace alith::flow::detail
