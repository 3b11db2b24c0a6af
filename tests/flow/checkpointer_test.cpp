// The embedded checkpointers (memory and SQLite) against the conformance suite, through open_checkpointer.

#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "checkpointer_conformance.h"
#include "support/temp_dir.h"

namespace alith::flow::testing {
namespace {

std::string fresh_sqlite_file() {
  // One folder for the whole binary, removed at exit; a new file per test.
  static const alith::testing::TempDir dir("alith-checkpoints-");
  static std::atomic<int> counter{0};
  return "sqlite:" + dir.file("checkpoints-" + std::to_string(counter++) + ".db");
}

INSTANTIATE_TEST_SUITE_P(
    Embedded, CheckpointerConformance,
    ::testing::Values(CheckpointerFactory{"memory", [] { return std::string("memory:"); },
                                          /*persistent=*/false, /*atomic_batches=*/false},
                      CheckpointerFactory{"sqlite", fresh_sqlite_file, /*persistent=*/true}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace alith::flow::testing
