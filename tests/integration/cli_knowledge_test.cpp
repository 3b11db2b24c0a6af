// `alith index`, `alith query` and `alith ask --store` end to end: the local MiniLM embeds, the SQLite store
// keeps, Gemma 3 270M answers in-process; and an index killed with SIGKILL resumes where it stopped.

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "alith/core/json.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace alith {
namespace {

namespace fs = std::filesystem;

using testing::run_command;

Json run_json(const std::string& command) {
  const auto r = run_command(command);
  EXPECT_EQ(r.status, 0) << command << "\n" << r.out;
  auto json = parse_json(r.out);
  EXPECT_TRUE(json.ok()) << r.out;
  return json.ok() ? *json : Json();
}

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

class CliKnowledge : public ::testing::Test {
 protected:
  std::string alith() const { return ALITH_CLI_PATH; }
  std::string store(const std::string& name = "kb.db") const { return "sqlite:" + (dir_ / name).string(); }
  const testing::TempDir tmp_{"alith-cli-kb-"};  // a fresh one per test: the fixture is made anew
  const fs::path dir_ = tmp_.path();
};

TEST_F(CliKnowledge, IndexQueryAndAskWithCitations) {
  const auto docs = dir_ / "docs";
  write(docs / "guide.md",
        "# Guide\n\n## Install\n\nRun scripts/setup; it installs the Debian packages and the models.\n\n"
        "## Payments\n\nAgents pay each other in stablecoins.\n");
  write(docs / "faq.txt", "Lunch is served from noon to two in the cafeteria.\n");
  write(docs / "bad.json", "{\"unterminated\": ");
  auto r =
      run_command(alith() + " index " + docs.string() + " --store " + store() + " --no-embedding-cache 2>&1");
  EXPECT_EQ(r.status, 1) << r.out;  // one file failed, the rest are indexed
  EXPECT_NE(r.out.find("indexed 2 files"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("failed: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("bad.json"), std::string::npos) << r.out;

  const auto hits = run_json(
      alith() + " query 'how do I install it' -k 2 --json --no-embedding-cache --store " + store() + " 2>&1");
  ASSERT_TRUE(hits.is_array());
  ASSERT_FALSE(hits.empty());
  EXPECT_NE(hits[0]["source"].get<std::string>().find("guide.md"), std::string::npos);
  EXPECT_EQ(hits[0]["headings"], Json::array({"Guide", "Install"}));

  const auto hybrid = run_command(
      alith() + " query 'cafeteria lunch' --hybrid -k 1 --no-embedding-cache --store " + store() + " 2>&1");
  ASSERT_EQ(hybrid.status, 0) << hybrid.out;
  EXPECT_NE(hybrid.out.find("faq.txt:1"), std::string::npos) << hybrid.out;

  const auto answer = run_json(alith() +
                               " ask --model local:gemma3-270m --max-tokens 24 --temperature 0 -k 2"
                               " --no-embedding-cache --json --store " +
                               store() + " 'How do I install it?' 2>&1");
  ASSERT_TRUE(answer.contains("sources")) << answer.dump();
  ASSERT_EQ(answer["sources"].size(), 2u);
  EXPECT_NE(answer["sources"][0]["label"].get<std::string>().find("guide.md:3"), std::string::npos);
  EXPECT_TRUE(answer["answer"].is_string());

  const auto text = run_command(alith() +
                                " ask --model local:gemma3-270m --max-tokens 16 --temperature 0 -k 1"
                                " --no-embedding-cache --store " +
                                store() + " 'When is lunch?' 2>&1");
  ASSERT_EQ(text.status, 0) << text.out;
  EXPECT_NE(text.out.find("Sources:"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("faq.txt"), std::string::npos) << text.out;
}

TEST_F(CliKnowledge, AKilledIndexResumesWhereItStopped) {
  const auto docs = dir_ / "docs";
  for (int f = 0; f < 60; ++f) {
    std::string text;
    for (int p = 0; p < 6; ++p) {
      text += "File " + std::to_string(f) + " paragraph " + std::to_string(p) + " talks about topic number " +
              std::to_string(f * 7 + p) +
              " and repeats some words so that it is long enough to be a chunk of its own in the index.\n\n";
    }
    write(docs / ("f" + std::to_string(f) + ".txt"), text);
  }
  const std::string command = alith() + " index " + docs.string() + " --store " + store() +
                              " --chunk-tokens 32 --overlap-tokens 0 --no-embedding-cache";
  // Kill it part way: as soon as the first files are in the store (read through SQLite itself, as another
  // process would), so the kill lands with most files still to go.
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::execl("/bin/sh", "sh", "-c", ("exec " + command + " >/dev/null 2>&1").c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const auto stored = [&] {
    sqlite3* db = nullptr;
    int64_t n = 0;
    if (sqlite3_open_v2((dir_ / "kb.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
      sqlite3_busy_timeout(db, 1000);
      sqlite3_stmt* stmt = nullptr;
      if (sqlite3_prepare_v2(db,
                             "SELECT count(DISTINCT json_extract(metadata, '$.source')) FROM alith_records",
                             -1, &stmt, nullptr) == SQLITE_OK &&
          sqlite3_step(stmt) == SQLITE_ROW) {
        n = sqlite3_column_int64(stmt, 0);
      }
      sqlite3_finalize(stmt);
    }
    sqlite3_close(db);
    return n;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (stored() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "alith index finished before it could be killed";
  const int64_t before_resume = stored();
  EXPECT_GE(before_resume, 2);
  EXPECT_LT(before_resume, 60);

  const auto resumed = run_json(command + " --json 2>&1");
  EXPECT_EQ(resumed["failures"].size(), 0u);
  EXPECT_EQ(resumed["files_unchanged"].get<int64_t>(), before_resume);
  EXPECT_EQ(resumed["files_indexed"].get<int64_t>(), 60 - before_resume);

  // The resumed store holds exactly what one uninterrupted run stores.
  const auto fresh = run_json(alith() + " index " + docs.string() + " --store " + store("fresh.db") +
                              " --chunk-tokens 32 --overlap-tokens 0 --no-embedding-cache --json 2>&1");
  EXPECT_EQ(resumed["records"], fresh["records"]);
  EXPECT_EQ(fresh["files_indexed"], 60);
  const auto again = run_json(command + " --json 2>&1");
  EXPECT_EQ(again["files_unchanged"], 60);
  EXPECT_EQ(again["records"], fresh["records"]);
}

}  // namespace
}  // namespace alith
