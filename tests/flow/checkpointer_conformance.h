#pragma once

// The behaviour every Checkpointer backend shares, as one value-parameterized suite. A backend's test file
// instantiates it with a factory of fresh storage:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, CheckpointerConformance, ::testing::Values(CheckpointerFactory{...}));
//
// Each test gets its own empty storage, so threads() can be checked exactly even against a shared server.

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <utility>

#include "alith/flow/checkpointer.h"

namespace alith::flow::testing {

struct CheckpointerFactory {
  std::string name;
  // A reference for open_checkpointer to fresh, empty storage (a new file, database or schema) at each call.
  std::function<std::string()> fresh_ref;
  // Opening the same reference again reaches the same checkpoints ("memory:" does not).
  bool persistent = true;
  // put_batch stores all of a batch or, when it fails (a duplicate id), none of it. Without, it may have
  // stored the part before the failure (the default put_batch puts one by one).
  bool atomic_batches = true;
};

// Lets gtest print the parameter by name.
inline void PrintTo(const CheckpointerFactory& factory, std::ostream* os) {
  *os << factory.name;
}

// A task write for tests.
inline TaskWrite write_of(std::string task, TaskWrite::Kind kind, Json value) {
  TaskWrite w;
  w.task_id = std::move(task);
  w.kind = kind;
  w.value = std::move(value);
  return w;
}

// A checkpoint for tests: state {"step": step}, a fresh id (unique in the process) unless one is given.
Checkpoint make_checkpoint(const std::string& thread, std::string id = {}, std::string parent = {},
                           int64_t step = 0);

class CheckpointerConformance : public ::testing::TestWithParam<CheckpointerFactory> {
 protected:
  void SetUp() override;
  // A second checkpointer over the same storage (only meaningful when persistent).
  std::shared_ptr<Checkpointer> reopen() const;

  std::string ref_;
  std::shared_ptr<Checkpointer> checkpointer_;
};

}  // namespace alith::flow::testing
