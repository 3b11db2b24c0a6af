#pragma once

// The SQLite checkpointer's run log (the RunLog of alith/flow/checkpointer.h): memory-mapped segment files in
// "<database>-runlogs/", one writer process each. A record written into a MAP_SHARED mapping is in the
// kernel's page cache as soon as the store retires, so it survives the process being killed without a system
// call per record; a SQLite commit pays two pwrites and about six fcntl locks. The batch writer stores
// records in SQLite in groups and settles them; whoever opens or reads the database later replays what a dead
// process left unsettled (replay_orphan_run_logs).
//
// Segment file: a 64-byte header ("ALITHRUNLOG", version 1), then 8-byte-aligned records:
//   u32 payload length, u32 CRC-32 of the payload, u32 state (0 pending, 1 settled), u32 marker, payload.
// The marker is stored last with release ordering: a record is whole once its marker is there (a kill cannot
// leave half a record that reads as whole), and the CRC catches pages a power loss kept half of. A payload is
// one checkpoint or one group of task writes (an atomic unit of the engine), integers little-endian:
//   u8 1, str thread_id, str id, str parent_id, str document      a checkpoint and its stored JSON document
//   u8 2, str thread_id, str checkpoint_id, u32 n,                 n task writes
//         n x (str task_id, u8 kind, str value)
//   str: u32 length, bytes
// Segments are written once, front to back; a full one is replaced by a new file and deleted once all its
// records are settled. Logs are process-local: they make a kill lose nothing, not a power loss (as SQLite's
// own synchronous=NORMAL).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "alith/core/error.h"
#include "alith/flow/checkpointer.h"

namespace alith::flow::detail {

struct LoggedWrite {
  std::string_view task_id;
  TaskWrite::Kind kind = TaskWrite::Kind::update;
  std::string_view value;  // JSON text
};

// One record, its fields viewing the bytes it was read from: a checkpoint, or a group of writes of one.
struct LoggedRecord {
  bool settled = false;
  bool is_checkpoint = false;
  std::string_view thread_id;
  std::string_view checkpoint_id;  // the checkpoint's id, or the one the writes were recorded against
  std::string_view parent_id;      // a checkpoint's
  std::string_view document;       // a checkpoint's JSON document, as the database stores it
  std::vector<LoggedWrite> writes;
};

// Stores records in order, durably (the SQLite checkpointer: one transaction).
using StoreRecords = std::function<void(const std::vector<LoggedRecord>&)>;

// The records of a segment file's bytes, in the order they were written; reading stops quietly at the first
// record that is not whole (the tail a kill or power loss cut). ParseError when the bytes are not a run log,
// or a whole record (its CRC matches) does not decode.
Result<std::vector<LoggedRecord>> parse_run_log(std::span<const std::byte> bytes);

// The writer side: segments of this process, appended under a mutex. Thread-safe.
class MappedRunLog final : public RunLog {
 public:
  // dir is made when missing; store is how records reach the checkpointer. IoError when no segment can be
  // made or mapped there.
  MappedRunLog(std::string dir, StoreRecords store, size_t segment_bytes = size_t{4} << 20);
  // Deletes the segments whose records are all settled; the others stay, unlocked, for replay.
  ~MappedRunLog() override;
  MappedRunLog(const MappedRunLog&) = delete;
  MappedRunLog& operator=(const MappedRunLog&) = delete;

  std::optional<uint64_t> append(const Checkpoint& checkpoint) override;
  std::optional<uint64_t> append(const std::string& thread_id, const std::string& checkpoint_id,
                                 const std::vector<TaskWrite>& writes) override;
  void store(const std::vector<uint64_t>& tickets) override;

  const std::string& dir() const noexcept { return dir_; }
  // Whether a file name in dir() is one of this log's live segments (replay skips them).
  bool owns(const std::string& file_name) const;

 private:
  class Segment;
  std::optional<uint64_t> append_payload(const std::string& payload);
  void open_segment();  // under mu_

  const std::string dir_;
  const StoreRecords store_;
  const size_t segment_bytes_;
  std::string nonce_;  // "<pid>-<random>": names this writer's segments apart from every other's
  mutable std::mutex mu_;
  std::map<uint32_t, std::unique_ptr<Segment>> segments_;  // by sequence number; the last one is active
  uint32_t next_sequence_ = 0;
};

// Replays the unsettled records of every segment in dir whose writer is gone (its lock is free), in order,
// through store, then deletes the segment. Skips the segments own reports as its own. Returns the number of
// records replayed. ParseError for a segment that is not a run log (it stays, for a person to look at);
// store's errors pass through and the segment stays.
size_t replay_orphan_run_logs(const std::string& dir, const MappedRunLog* own, const StoreRecords& store);

}  // namespace alith::flow::detail
