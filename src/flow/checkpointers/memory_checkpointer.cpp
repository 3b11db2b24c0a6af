// Checkpoints kept in the process: for tests, benchmarks and runs that need no durability.

#include <map>
#include <mutex>

#include "flow/checkpointers/backends.h"

namespace alith::flow::detail {
namespace {

class MemoryCheckpointer final : public Checkpointer {
 public:
  void put(const Checkpoint& checkpoint) override {
    if (checkpoint.id.empty()) throw InvalidArgumentError("a checkpoint needs an id");
    std::lock_guard lock(mu_);
    auto& thread = threads_[checkpoint.thread_id];
    if (!thread.by_id.emplace(checkpoint.id, thread.checkpoints.size()).second) {
      throw InvalidArgumentError("checkpoint " + checkpoint.id + " already exists");
    }
    thread.checkpoints.push_back(checkpoint);
  }

  std::optional<Checkpoint> get(const std::string& thread_id, const std::string& checkpoint_id) override {
    std::lock_guard lock(mu_);
    auto t = threads_.find(thread_id);
    if (t == threads_.end() || t->second.checkpoints.empty()) return std::nullopt;
    if (checkpoint_id.empty()) return t->second.checkpoints.back();
    auto it = t->second.by_id.find(checkpoint_id);
    if (it == t->second.by_id.end()) return std::nullopt;
    return t->second.checkpoints[it->second];
  }

  std::vector<Checkpoint> list(const std::string& thread_id, size_t limit) override {
    std::lock_guard lock(mu_);
    std::vector<Checkpoint> out;
    auto t = threads_.find(thread_id);
    if (t == threads_.end()) return out;
    const auto& all = t->second.checkpoints;
    for (auto it = all.rbegin(); it != all.rend() && (limit == 0 || out.size() < limit); ++it)
      out.push_back(*it);
    return out;
  }

  void put_write(const std::string& thread_id, const std::string& checkpoint_id,
                 const TaskWrite& write) override {
    std::lock_guard lock(mu_);
    auto& writes = threads_[thread_id].writes[checkpoint_id];
    for (auto& w : writes) {
      if (w.task_id == write.task_id && w.kind == write.kind) {
        w.value = write.value;
        return;
      }
    }
    writes.push_back(write);
  }

  std::vector<TaskWrite> writes(const std::string& thread_id, const std::string& checkpoint_id) override {
    std::lock_guard lock(mu_);
    auto t = threads_.find(thread_id);
    if (t == threads_.end()) return {};
    auto w = t->second.writes.find(checkpoint_id);
    return w == t->second.writes.end() ? std::vector<TaskWrite>{} : w->second;
  }

  void delete_thread(const std::string& thread_id) override {
    std::lock_guard lock(mu_);
    threads_.erase(thread_id);
  }

  std::vector<std::string> threads() override {
    std::lock_guard lock(mu_);
    std::vector<std::string> out;
    for (const auto& [id, thread] : threads_) {
      if (!thread.checkpoints.empty()) out.push_back(id);
    }
    return out;
  }

 private:
  struct Thread {
    std::vector<Checkpoint> checkpoints;  // in the order put
    std::map<std::string, size_t> by_id;
    std::map<std::string, std::vector<TaskWrite>> writes;  // by checkpoint id
  };
  std::mutex mu_;
  std::map<std::string, Thread> threads_;
};

}  // namespace

std::shared_ptr<Checkpointer> make_memory_checkpointer() {
  return std::make_shared<MemoryCheckpointer>();
}

}  // namespace alith::flow::detail
