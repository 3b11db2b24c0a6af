// A separate process for the crash and hand-over tests (kill_test.cpp, interrupt_process_test.cpp): it runs a
// workflow against a checkpointer and is killed or exits, so the next process really starts from storage.
//
//   alith_flow_worker steps <checkpointer> <thread> <effects.db> <count> [sync|batched|auto]
//       A chain of <count> nodes s0..s<count-1>. Each sleeps 0-3 ms, then applies its side effect to an
//       external SQLite counter through its task id (an idempotency key), and appends its name to "log".
//       Starts the thread, or resumes it when it has an unfinished run; prints "done" when it ends. The last
//       argument is the CommitMode (sync by default). Prints "ready" once the checkpointer is open.
//   alith_flow_worker interrupt <checkpointer> <thread>
//       Runs a graph whose "approve" node asks a human; prints the interrupt's payload and exits.
//   alith_flow_worker resume <checkpointer> <thread> <json value>
//       Resumes that graph with the value and prints the final state.

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <random>
#include <string>
#include <thread>

#include "alith/flow/graph.h"

namespace {

using alith::Json;
using namespace alith::flow;

void exec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "sqlite error";
    sqlite3_free(error);
    throw std::runtime_error(message);
  }
}

// The external system: it counts each step's effect once per idempotency key, and every attempt.
class Effects {
 public:
  explicit Effects(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) throw std::runtime_error("cannot open " + path);
    sqlite3_busy_timeout(db_, 10000);
    exec(db_, "PRAGMA journal_mode=WAL");
    exec(db_,
         "CREATE TABLE IF NOT EXISTS applied(task_id TEXT PRIMARY KEY, thread TEXT, node TEXT);"
         "CREATE TABLE IF NOT EXISTS counter(thread TEXT, node TEXT, n INTEGER, PRIMARY KEY(thread, node));"
         "CREATE TABLE IF NOT EXISTS attempts(thread TEXT, node TEXT)");
  }
  ~Effects() { sqlite3_close_v2(db_); }

  void apply(const std::string& thread, const std::string& node, const std::string& task_id) {
    bind_run("INSERT INTO attempts(thread, node) VALUES(?1, ?2)", {thread, node});
    exec(db_, "BEGIN IMMEDIATE");
    const bool fresh = bind_run("INSERT OR IGNORE INTO applied(task_id, thread, node) VALUES(?1, ?2, ?3)",
                                {task_id, thread, node});
    if (fresh) {
      bind_run(
          "INSERT INTO counter(thread, node, n) VALUES(?1, ?2, 1) "
          "ON CONFLICT(thread, node) DO UPDATE SET n = n + 1",
          {thread, node});
    }
    exec(db_, "COMMIT");
  }

 private:
  bool bind_run(const char* sql, const std::vector<std::string>& values) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) != SQLITE_OK)
      throw std::runtime_error(sqlite3_errmsg(db_));
    for (size_t i = 0; i < values.size(); ++i) {
      sqlite3_bind_text(stmt, static_cast<int>(i + 1), values[i].c_str(), -1, SQLITE_TRANSIENT);
    }
    const int rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db_));
    return sqlite3_changes(db_) > 0;
  }
  sqlite3* db_ = nullptr;
};

int steps(const std::string& ref, const std::string& thread, const std::string& effects_path, int count,
          CommitMode commit) {
  Effects effects(effects_path);
  std::mt19937 rng(std::random_device{}());
  GraphBuilder b;
  b.state(StateSchema().key("log", Reducer::append()));
  for (int i = 0; i < count; ++i) {
    const std::string name = "s" + std::to_string(i);
    b.node(name, [&, name](const Json&, NodeContext& ctx) {
      std::this_thread::sleep_for(std::chrono::microseconds(rng() % 3000));
      effects.apply(ctx.thread_id(), name, ctx.task_id());
      return Json{{"log", name}};
    });
    b.edge(i == 0 ? std::string(START) : "s" + std::to_string(i - 1), name);
  }
  b.edge("s" + std::to_string(count - 1), std::string(END));
  auto graph = b.compile();
  RunConfig config;
  config.thread_id = thread;
  config.checkpointer = open_checkpointer(ref);
  config.commit = commit;
  auto last = config.checkpointer->get(thread);
  std::cout << "ready" << std::endl;  // the kill test's clock starts here, not at process start
  if (!last) {
    graph->invoke(Json::object(), config);
  } else if (!last->next.empty()) {
    graph->resume(config);
  }
  std::cout << "done" << std::endl;
  return 0;
}

std::shared_ptr<const Graph> approval_graph() {
  return GraphBuilder()
      .state(StateSchema().key("log", Reducer::append()))
      .node("draft",
            [](const Json&, NodeContext&) {
              return Json{{"log", "drafted"}};
            })
      .node("approve",
            [](const Json&, NodeContext& ctx) {
              Json answer = ctx.interrupt({{"question", "publish the draft?"}, {"pid", ::getpid()}});
              return Json{{"log", "answer:" + answer.dump()}};
            })
      .edge(std::string(START), "draft")
      .edge("draft", "approve")
      .edge("approve", std::string(END))
      .compile();
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if ((args.size() == 5 || args.size() == 6) && args[0] == "steps") {
      const std::string mode = args.size() == 6 ? args[5] : "sync";
      const auto commit = mode == "batched" ? CommitMode::batched
                          : mode == "auto"  ? CommitMode::automatic
                                            : CommitMode::sync;
      return steps(args[1], args[2], args[3], std::stoi(args[4]), commit);
    }
    if (args.size() == 3 && args[0] == "interrupt") {
      RunConfig config;
      config.thread_id = args[2];
      config.checkpointer = open_checkpointer(args[1]);
      auto out = approval_graph()->invoke(Json::object(), config);
      if (out.status != RunOutcome::Status::interrupted) return 3;
      std::cout << out.interrupts.at(0).payload.dump() << std::endl;
      return 0;
    }
    if (args.size() == 4 && args[0] == "resume") {
      RunConfig config;
      config.thread_id = args[2];
      config.checkpointer = open_checkpointer(args[1]);
      auto out = approval_graph()->resume(config, Json::parse(args[3]));
      std::cout << out.state.dump() << std::endl;
      return out.status == RunOutcome::Status::done ? 0 : 3;
    }
    std::cerr << "usage: see the header of tests/flow/flow_worker.cpp\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "alith_flow_worker: " << e.what() << "\n";
    return 1;
  }
}
