// kill -9 in the middle of ingestion: a forked child upserts batches into a store file in a loop (and now and
// then saves the index), the parent SIGKILLs it at varying moments, then reopens the file and checks that
// SQLite is intact, every batch is all or nothing, and the index, now stale, is detected and rebuilt.

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <thread>

#include "alith/store/sqlite_store.h"
#include "support/temp_dir.h"
#include "test_vectors.h"

namespace alith::store::testing {
namespace {

using alith::testing::TempDir;

constexpr size_t kDim = 16;
constexpr size_t kBatch = 40;

SqliteOptions options() {
  SqliteOptions o;
  o.exact_below = 100;  // the index is in play after the first few batches
  o.build_threads = 1;
  return o;
}

StoreOptions docs() {
  StoreOptions o;
  o.collection = "docs";
  return o;
}

// Batch b's records are "b<b>-<i>", each with metadata naming its batch; every third batch also rewrites the
// first record of the previous batch (a replacement inside the same transaction).
std::vector<Record> batch(size_t b) {
  const auto vectors = clustered_vectors(kBatch, kDim, 4, static_cast<uint32_t>(b + 1));
  std::vector<Record> out;
  for (size_t i = 0; i < kBatch; ++i)
    out.push_back({"b" + std::to_string(b) + "-" + std::to_string(i),
                   vectors[i],
                   "batch " + std::to_string(b),
                   {{"batch", b}, {"i", i}}});
  if (b > 0 && b % 3 == 0)
    out.push_back({"b" + std::to_string(b - 1) + "-0",
                   vectors[0],
                   "rewritten by " + std::to_string(b),
                   {{"batch", b - 1}, {"i", 0}, {"rewritten", true}}});
  return out;
}

[[noreturn]] void child_ingest(const std::string& path, size_t first_batch) {
  // Only the store and _exit: no gtest machinery in the child.
  try {
    auto store = open_sqlite_store(path, docs(), options());
    for (size_t b = first_batch;; ++b) {
      store->upsert(batch(b));
      if (b % 4 == 1) {
        store->search(batch(b)[0].vector, 3);  // builds or refreshes the index
        store->flush();
      }
    }
  } catch (...) {
    _exit(3);
  }
}

std::string integrity(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return "cannot open";
  sqlite3_stmt* stmt = nullptr;
  std::string result = "no result";
  if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW)
    result = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  sqlite3_finalize(stmt);
  // The FTS5 index must agree with its content table too (once the child got as far as creating it).
  const bool has_fts =
      sqlite3_exec(db, "SELECT 1 FROM alith_fts LIMIT 0", nullptr, nullptr, nullptr) == SQLITE_OK;
  if (has_fts && sqlite3_exec(db, "INSERT INTO alith_fts(alith_fts) VALUES('integrity-check')", nullptr,
                              nullptr, nullptr) != SQLITE_OK)
    result += std::string(" fts: ") + sqlite3_errmsg(db);
  sqlite3_close(db);
  return result;
}

size_t raw_count(const std::string& path) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* stmt = nullptr;
  size_t n = 0;
  if (sqlite3_prepare_v2(db, "SELECT count(*) FROM alith_records", -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW)
    n = static_cast<size_t>(sqlite3_column_int64(stmt, 0));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return n;
}

TEST(SqliteCrash, KillNineDuringIngestLosesNoCommittedBatch) {
  TempDir dir;
  const std::string path = dir.file("kb.db");
  size_t batches = 0;
  size_t rebuilt_rounds = 0;
  const int delays_ms[] = {5, 60, 15, 120, 35, 90, 10, 150};
  for (int round = 0; round < 8; ++round) {
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) child_ingest(path, batches);
    std::this_thread::sleep_for(std::chrono::milliseconds(delays_ms[round]));
    ASSERT_EQ(kill(child, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the child ended on its own, status " << status;

    EXPECT_EQ(integrity(path), "ok") << "round " << round;
    auto store = open_sqlite_store(path, docs(), options());
    const size_t n = store->count();
    EXPECT_EQ(n, raw_count(path));
    // All or nothing per batch, and batches committed in order.
    std::map<size_t, size_t> per_batch;
    for (size_t b = 0;; ++b) {
      const size_t c = store->count(Filter::from_json({{"batch", b}}));
      if (c == 0) break;
      per_batch[b] = c;
    }
    for (const auto& [b, c] : per_batch) EXPECT_EQ(c, kBatch) << "batch " << b << " round " << round;
    EXPECT_EQ(n, per_batch.size() * kBatch) << "round " << round;
    ASSERT_GE(per_batch.size(), batches) << "committed batches vanished";
    batches = per_batch.size();
    // A rewrite committed with its batch is there; one from an uncommitted batch is not.
    if (batches >= 4) {
      const auto rewritten = store->get("b2-0");
      ASSERT_TRUE(rewritten.has_value());
      EXPECT_EQ(rewritten->text, "rewritten by 3");
    }
    if (n == 0) continue;
    // Search works, and through the index agrees with exact search.
    const auto probe = batch(batches - 1)[5];
    const auto hits = store->search(probe.vector, 5);
    ASSERT_FALSE(hits.empty());
    EXPECT_EQ(hits[0].id, probe.id);
    EXPECT_NEAR(hits[0].score, 1.0, 1e-5);
    SqliteOptions exact = options();
    exact.ann = false;
    auto reference = open_sqlite_store(path, docs(), exact);
    EXPECT_EQ(hits[0].id, reference->search(probe.vector, 1).at(0).id);
    if (n >= options().exact_below) {
      const auto stats = store->index_stats();
      EXPECT_TRUE(stats.in_memory);
      EXPECT_EQ(stats.indexed, n);
      // The child saved its index a few batches before it died, so the file is normally stale here.
      if (!stats.loaded_from_file) ++rebuilt_rounds;
    }
  }
  EXPECT_GT(batches, 8u) << "the child hardly ran; the test proves little";
  EXPECT_GT(rebuilt_rounds, 0u) << "no round ever found a stale index";
}

}  // namespace
}  // namespace alith::store::testing
