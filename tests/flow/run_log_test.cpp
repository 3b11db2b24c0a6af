// The SQLite checkpointer's run log (src/flow/checkpointers/run_log.h): its file format against torn and
// malformed bytes, its segments, and the replay of what a dead writer left, through open_checkpointer.

#include "flow/checkpointers/run_log.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "alith/flow/graph.h"
#include "checkpointer_conformance.h"
#include "support/temp_dir.h"

namespace alith::flow::testing {
namespace {

namespace fs = std::filesystem;
using alith::testing::TempDir;
using detail::LoggedRecord;
using detail::MappedRunLog;
using detail::parse_run_log;

Checkpoint checkpoint_of(const std::string& thread, const std::string& id, const std::string& parent,
                         int64_t step) {
  Checkpoint c;
  c.thread_id = thread;
  c.id = id;
  c.parent_id = parent;
  c.step = step;
  c.state = {{"step", step}, {"text", "h\xC3\xA9llo \"quoted\"\n"}};
  c.next = {{default_task_id(id, 0, "a"), "a", std::nullopt}, {"custom", "b", Json{{"i", 1}}}};
  c.source = "loop";
  c.created_ms = 1700000000000 + step;
  return c;
}

std::vector<std::byte> read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> out(s.size());
  std::memcpy(out.data(), s.data(), s.size());
  return out;
}

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) out.push_back(e.path());
  return out;
}

// A run log's segment bytes with one record whose payload is given (its CRC made to match).
std::vector<std::byte> segment_with_payload(const std::string& payload) {
  std::vector<std::byte> bytes(64 + 16 + ((payload.size() + 7) & ~size_t{7}) + 64);
  std::memcpy(bytes.data(), "ALITHRUNLOG", 12);
  const uint32_t version = 1, length = static_cast<uint32_t>(payload.size()), state = 0, marker = 0x21434552;
  const auto crc =
      static_cast<uint32_t>(crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(payload.data()),
                                  static_cast<uInt>(payload.size())));
  std::memcpy(bytes.data() + 12, &version, 4);
  std::memcpy(bytes.data() + 64, &length, 4);
  std::memcpy(bytes.data() + 68, &crc, 4);
  std::memcpy(bytes.data() + 72, &state, 4);
  std::memcpy(bytes.data() + 76, &marker, 4);
  std::memcpy(bytes.data() + 80, payload.data(), payload.size());
  return bytes;
}

TEST(RunLog, RecordsReadBackAsTheyWereAppended) {
  TempDir dir("alith-runlog-");
  std::vector<std::string> documents;
  {
    // The records view the mapping: read them inside the call only.
    MappedRunLog log(dir.file("logs"), [&](const std::vector<LoggedRecord>& records) {
      for (const auto& r : records) {
        if (r.is_checkpoint) documents.emplace_back(r.document);
      }
    });
    const auto c = checkpoint_of("thread \"1\"", "c1", "c0", 3);
    const auto t1 = log.append(c);
    const auto t2 = log.append("thread \"1\"", "c1",
                               {write_of("c1/0/a", TaskWrite::Kind::update, {{"x", 1}}),
                                write_of("c1/1/b", TaskWrite::Kind::interrupt, {{"index", 0}})});
    ASSERT_TRUE(t1 && t2);
    // The file holds both, pending, before anything is stored.
    const auto segments = files_in(dir / "logs");
    ASSERT_EQ(segments.size(), 1u);
    const auto bytes = read_bytes(segments[0]);
    auto records = parse_run_log(bytes);
    ASSERT_TRUE(records) << records.error().message;
    ASSERT_EQ(records->size(), 2u);
    const auto& cp = (*records)[0];
    EXPECT_TRUE(cp.is_checkpoint);
    EXPECT_FALSE(cp.settled);
    EXPECT_EQ(cp.thread_id, "thread \"1\"");
    EXPECT_EQ(cp.checkpoint_id, "c1");
    EXPECT_EQ(cp.parent_id, "c0");
    EXPECT_EQ(cp.document, dump_json(to_json(c)));
    const auto& ws = (*records)[1];
    EXPECT_FALSE(ws.is_checkpoint);
    ASSERT_EQ(ws.writes.size(), 2u);
    EXPECT_EQ(ws.writes[0].task_id, "c1/0/a");
    EXPECT_EQ(ws.writes[0].kind, TaskWrite::Kind::update);
    EXPECT_EQ(ws.writes[0].value, R"({"x":1})");
    EXPECT_EQ(ws.writes[1].kind, TaskWrite::Kind::interrupt);

    log.store({*t1, *t2});
    ASSERT_EQ(documents.size(), 1u);
    EXPECT_EQ(documents[0], dump_json(to_json(c)));
    // Stored records are settled in the file: a replay would skip them.
    auto after = parse_run_log(read_bytes(segments[0]));
    ASSERT_TRUE(after);
    ASSERT_EQ(after->size(), 2u);
    EXPECT_TRUE((*after)[0].settled);
    EXPECT_TRUE((*after)[1].settled);
  }
  // Everything settled: the segment and the folder are gone.
  EXPECT_FALSE(fs::exists(dir / "logs"));
}

TEST(RunLog, FullSegmentsAreReplacedAndRemovedOnceStored) {
  TempDir dir("alith-runlog-");
  size_t stored = 0;
  MappedRunLog log(
      dir.file("logs"), [&](const std::vector<LoggedRecord>& records) { stored += records.size(); }, 4096);
  std::vector<uint64_t> tickets;
  for (int i = 0; i < 40; ++i) {
    auto t = log.append(checkpoint_of("t", "c" + std::to_string(i), "", i));
    ASSERT_TRUE(t);
    tickets.push_back(*t);
  }
  EXPECT_GE(files_in(dir / "logs").size(), 3u);
  log.store(tickets);
  EXPECT_EQ(stored, 40u);
  EXPECT_EQ(files_in(dir / "logs").size(), 1u);  // the active segment only
  // An entry larger than a segment does not go in the log.
  Checkpoint big = checkpoint_of("t", "big", "", 0);
  big.state["blob"] = std::string(8192, 'x');
  EXPECT_FALSE(log.append(big));
}

TEST(RunLog, ReadingStopsQuietlyAtATornRecord) {
  TempDir dir("alith-runlog-");
  std::vector<std::byte> bytes;
  {
    MappedRunLog log(dir.file("logs"), [](const std::vector<LoggedRecord>&) {});
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(log.append(checkpoint_of("t", "c" + std::to_string(i), "", i)));
    bytes = read_bytes(files_in(dir / "logs").at(0));
  }
  ASSERT_EQ(parse_run_log(bytes)->size(), 3u);
  // Find the third record and damage it three ways: no marker (a kill before it was whole), a payload byte
  // (a page a power loss did not keep), a length past the end.
  size_t offset = 64;
  for (int i = 0; i < 2; ++i) {
    uint32_t length;
    std::memcpy(&length, bytes.data() + offset, 4);
    offset += (16 + length + 7) & ~size_t{7};
  }
  auto damaged = [&](size_t at, std::byte value) {
    auto copy = bytes;
    copy[at] = value;
    return copy;
  };
  for (const auto& copy : {damaged(offset + 12, std::byte{0}), damaged(offset + 40, std::byte{'#'}),
                           damaged(offset + 3, std::byte{0x7f})}) {
    auto records = parse_run_log(copy);
    ASSERT_TRUE(records) << records.error().message;
    EXPECT_EQ(records->size(), 2u);
  }
  // Cut anywhere: never an error, never more records than whole ones.
  for (size_t cut = 0; cut <= bytes.size(); cut += 7) {
    auto records = parse_run_log(std::span(bytes).first(cut));
    if (cut >= 64) {
      ASSERT_TRUE(records) << cut;
      EXPECT_LE(records->size(), 3u);
    }
  }
}

TEST(RunLog, MalformedFilesAreParseErrors) {
  // A header-less file (a writer killed while making it) has no records.
  EXPECT_TRUE(parse_run_log(std::vector<std::byte>(64))->empty());
  EXPECT_TRUE(parse_run_log(std::vector<std::byte>())->empty());
  std::vector<std::byte> junk(100, std::byte{'j'});
  auto not_a_log = parse_run_log(junk);
  ASSERT_FALSE(not_a_log);
  EXPECT_EQ(not_a_log.error().code, ErrorCode::parse);
  auto version = segment_with_payload("x");
  version[12] = std::byte{9};
  EXPECT_FALSE(parse_run_log(version));
  // Whole records (their CRC matches) that do not decode.
  for (const std::string& payload :
       {std::string("\x07", 1),
        std::string("\x01\x05\x00\x00\x00"
                    "ab",
                    7),
        std::string("\x02\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff", 13),
        std::string(
            "\x02\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x09\x00\x00\x00\x00", 22),
        std::string("\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00trailing", 25)}) {
    auto records = parse_run_log(segment_with_payload(payload));
    ASSERT_FALSE(records) << payload.size();
    EXPECT_EQ(records.error().code, ErrorCode::parse);
    EXPECT_NE(records.error().message.find("does not decode"), std::string::npos);
  }
}

// A child process writes to the run log and dies (no destructors, like a kill) before storing anything.
void die_after_logging(const std::string& ref, const Checkpoint& c, const std::vector<TaskWrite>& writes) {
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto cp = open_checkpointer(ref);
    RunLog* log = cp->run_log();
    const bool ok = log && log->append(c) && log->append(c.thread_id, c.id, writes);
    ::_exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST(RunLog, WhatADeadWriterLoggedIsStoredByTheNextReader) {
  TempDir dir("alith-runlog-");
  const std::string ref = "sqlite:" + dir.file("flow.db");
  auto reader = open_checkpointer(ref);  // open before the writer dies: its reads replay too
  const auto c = checkpoint_of("t", "c1", "", 0);
  die_after_logging(ref, c, {write_of("c1/0/a", TaskWrite::Kind::update, {{"x", 1}})});
  ASSERT_EQ(files_in(dir / "flow.db-runlogs").size(), 1u);
  auto got = reader->get("t");
  ASSERT_TRUE(got);
  EXPECT_EQ(dump_json(to_json(*got)), dump_json(to_json(c)));
  auto writes = reader->writes("t", "c1");
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0].value, Json({{"x", 1}}));
  EXPECT_TRUE(files_in(dir / "flow.db-runlogs").empty());
  // Opening replays as well.
  const auto c2 = checkpoint_of("u", "c2", "", 0);
  die_after_logging(ref, c2, {});
  auto later = open_checkpointer(ref);
  EXPECT_TRUE(files_in(dir / "flow.db-runlogs").empty());
  EXPECT_EQ(reader->get("u")->id, "c2");
}

TEST(RunLog, ACheckpointerThatKeepsNoLogStillReplaysOne) {
  TempDir dir("alith-runlog-");
  const std::string ref = "sqlite:" + dir.file("flow.db");
  die_after_logging(ref, checkpoint_of("t", "c1", "", 0), {});
  CheckpointerOptions options;
  options.durability = Durability::power_loss;
  auto reader = open_checkpointer(ref, options);
  EXPECT_EQ(reader->get("t")->id, "c1");
  EXPECT_TRUE(files_in(dir / "flow.db-runlogs").empty());
}

TEST(RunLog, ALiveWritersLogIsLeftAloneAndADroppedOneIsReplayed) {
  TempDir dir("alith-runlog-");
  const std::string ref = "sqlite:" + dir.file("flow.db");
  auto writer = open_checkpointer(ref);
  auto reader = open_checkpointer(ref);
  ASSERT_NE(writer->run_log(), nullptr);
  ASSERT_TRUE(writer->run_log()->append(checkpoint_of("t", "c1", "", 0)));
  // Its writer is alive (it may still store it): not the reader's to replay.
  EXPECT_FALSE(reader->get("t"));
  // Dropped with the entry unstored (its batch failed, say): the segment stays for replay.
  writer.reset();
  ASSERT_EQ(files_in(dir / "flow.db-runlogs").size(), 1u);
  EXPECT_EQ(reader->get("t")->id, "c1");
}

TEST(RunLog, OnlyTheProcessDurabilityKeepsOne) {
  TempDir dir("alith-runlog-");
  CheckpointerOptions options;
  options.durability = Durability::power_loss;
  EXPECT_EQ(open_checkpointer("sqlite:" + dir.file("a.db"), options)->run_log(), nullptr);
  EXPECT_EQ(open_checkpointer("memory:")->run_log(), nullptr);
  auto cp = open_checkpointer("sqlite:" + dir.file("b.db"));
  EXPECT_NE(cp->run_log(), nullptr);
  EXPECT_EQ(cp->run_log(), cp->run_log());  // one per checkpointer
}

// The default commit mode on SQLite goes through the log, and leaves nothing behind.
TEST(RunLog, ARunWithTheDefaultCommitModeStoresEverythingAndCleansUp) {
  TempDir dir("alith-runlog-");
  const std::string ref = "sqlite:" + dir.file("flow.db");
  GraphBuilder b;
  b.state(StateSchema().key("n"));
  for (int i = 0; i < 30; ++i) {
    const std::string name = "n" + std::to_string(i);
    b.node(name, [](const Json& s, NodeContext&) { return Json{{"n", s["n"].get<int64_t>() + 1}}; });
    b.edge(i == 0 ? std::string(START) : "n" + std::to_string(i - 1), name);
  }
  b.edge("n29", std::string(END));
  auto graph = b.compile();
  {
    RunConfig config;
    config.checkpointer = open_checkpointer(ref);
    config.thread_id = "t";
    EXPECT_EQ(graph->invoke(Json{{"n", 0}}, config).state["n"], 30);
    // Stored when invoke returns: another connection sees all of it.
    EXPECT_EQ(open_checkpointer(ref)->list("t").size(), 31u);
  }
  EXPECT_FALSE(fs::exists(dir / "flow.db-runlogs"));
}

TEST(CheckpointDocument, IsTheDumpOfToJson) {
  auto c = checkpoint_of("th\x01read\xff", "id", "p\\arent", -1);
  c.joins = {{"0", Json::array({"a", "b"})}};
  c.metadata = {{"file", "flow.yaml"}, {"z", nullptr}};
  c.next.push_back({"x\"y", "n\xC3\xA9", Json::array({1.5, "s"})});
  EXPECT_EQ(checkpoint_document(c), dump_json(to_json(c)));
  Checkpoint empty;
  empty.id = "e";
  EXPECT_EQ(checkpoint_document(empty), dump_json(to_json(empty)));
}

}  // namespace
}  // namespace alith::flow::testing
