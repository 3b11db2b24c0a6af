#pragma once

// How events of a step's tasks reach the caller of a run (src/flow/graph.cpp's engine).

#include <condition_variable>
#include <deque>
#include <mutex>
#include <variant>
#include <vector>

#include "alith/flow/graph.h"

namespace alith::flow::detail {

// Where a task's events go. Tasks of a parallel step run on pool threads; their events are queued and
// delivered by the thread that called the run, which waits on this sink.
class EventSink {
 public:
  explicit EventSink(const RunEventHandler* handler, bool queued) : handler_(handler), queued_(queued) {}
  bool wanted() const { return handler_ && *handler_; }
  void emit(RunEvent event) {
    if (!wanted()) return;
    if (!queued_) {
      (*handler_)(event);
      return;
    }
    push(std::move(event));
  }
  void task_done(size_t index) { push(index); }
  // Delivers events until every task has reported done; calls on_done with the indices of the tasks that
  // finished since the last call (while it runs, more finish: recording them together is a group commit).
  template <class OnDone>
  void drain(size_t tasks, OnDone&& on_done) {
    size_t done = 0;
    std::vector<size_t> finished;
    while (done < tasks) {
      std::deque<std::variant<RunEvent, size_t>> batch;
      {
        std::unique_lock lock(mu_);
        waiting_ = true;
        cv_.wait(lock, [&] { return !items_.empty(); });
        waiting_ = false;
        batch.swap(items_);
      }
      finished.clear();
      for (auto& item : batch) {
        if (auto* index = std::get_if<size_t>(&item)) {
          finished.push_back(*index);
        } else if (wanted()) {
          (*handler_)(std::get<RunEvent>(item));
        }
      }
      done += finished.size();
      if (!finished.empty()) on_done(finished);
    }
  }

 private:
  void push(std::variant<RunEvent, size_t> item) {
    bool wake = false;
    {
      std::lock_guard lock(mu_);
      items_.push_back(std::move(item));
      wake = waiting_;
    }
    // Waking the caller only when it sleeps saves a futex call per task in a wide step.
    if (wake) cv_.notify_one();
  }

  const RunEventHandler* handler_;
  bool queued_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool waiting_ = false;
  std::deque<std::variant<RunEvent, size_t>> items_;
};

}  // namespace alith::flow::detail
