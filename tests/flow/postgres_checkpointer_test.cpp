// The PostgreSQL checkpointer against a real server that the test starts (tests/support/postgres_server.h):
// the conformance suite (one schema per test, reached through the URI's search_path), the kill test,
// concurrent openers, a lost session, and connection failures.

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <future>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "alith/core/error.h"
#include "checkpointer_conformance.h"
#include "kill_check.h"
#include "support/child_process.h"
#include "support/postgres_server.h"
#include "support/temp_dir.h"

namespace alith::flow::testing {
namespace {

using alith::testing::PostgresServer;

constexpr const char* kMissing = "PostgreSQL is not installed: run scripts/store-peers";

bool installed() {
  return !PostgresServer::binaries().empty();
}

PostgresServer& shared_server() {
  static const std::unique_ptr<PostgresServer> server = std::make_unique<PostgresServer>();
  return *server;
}

// Runs SQL as the superuser on its own connection (test set-up, not the code under test).
void admin(const std::string& sql) {
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(shared_server().uri().c_str()), &PQfinish);
  std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(conn.get(), sql.c_str()), &PQclear);
  const auto status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    throw std::runtime_error(sql + ": " + PQerrorMessage(conn.get()));
}

// A new, empty schema, and a URI whose search_path puts the checkpointer's tables there.
std::string fresh_schema() {
  static std::atomic<int> next{0};
  const std::string schema = "checkpoints_" + std::to_string(next++);
  admin("CREATE SCHEMA " + schema);
  return shared_server().uri() + "?options=-csearch_path%3D" + schema;
}

std::vector<CheckpointerFactory> conformance() {
  if (!installed()) return {};
  return {CheckpointerFactory{"postgres", fresh_schema, /*persistent=*/true}};
}

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(CheckpointerConformance);
INSTANTIATE_TEST_SUITE_P(Postgres, CheckpointerConformance, ::testing::ValuesIn(conformance()),
                         [](const auto& info) { return info.param.name; });

class PostgresCheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!installed()) GTEST_SKIP() << kMissing;
  }
};

// Several processes may open a fresh database at once; the tables are created exactly once.
TEST_F(PostgresCheckpointerTest, ConcurrentOpenersCreateTheTablesOnce) {
  const std::string ref = fresh_schema();
  std::vector<std::future<std::shared_ptr<Checkpointer>>> openers;
  for (int i = 0; i < 6; ++i)
    openers.push_back(std::async(std::launch::async, [&] { return open_checkpointer(ref); }));
  std::vector<std::shared_ptr<Checkpointer>> checkpointers;
  for (auto& o : openers) checkpointers.push_back(o.get());
  const auto c = make_checkpoint("t");
  checkpointers[0]->put(c);
  for (const auto& other : checkpointers) EXPECT_EQ(other->get("t")->id, c.id);
}

// The columns beside the document say what the document says, for people reading the tables with SQL.
TEST_F(PostgresCheckpointerTest, TheColumnsMirrorTheDocument) {
  const std::string ref = fresh_schema();
  auto cp = open_checkpointer(ref);
  const auto first = make_checkpoint("t", {}, {}, -1);
  const auto second = make_checkpoint("t", {}, first.id, 0);
  cp->put(first);
  cp->put(second);
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(ref.c_str()), &PQfinish);
  std::unique_ptr<PGresult, decltype(&PQclear)> result(
      PQexec(conn.get(),
             "SELECT id, parent_id, step, created_ms, document::jsonb ->> 'id' FROM alith_checkpoints ORDER "
             "BY seq"),
      &PQclear);
  ASSERT_EQ(PQresultStatus(result.get()), PGRES_TUPLES_OK) << PQerrorMessage(conn.get());
  ASSERT_EQ(PQntuples(result.get()), 2);
  EXPECT_EQ(std::string(PQgetvalue(result.get(), 1, 0)), second.id);
  EXPECT_EQ(std::string(PQgetvalue(result.get(), 1, 1)), first.id);
  EXPECT_EQ(std::string(PQgetvalue(result.get(), 0, 2)), "-1");
  EXPECT_EQ(std::string(PQgetvalue(result.get(), 1, 3)), std::to_string(second.created_ms));
  EXPECT_EQ(std::string(PQgetvalue(result.get(), 1, 4)), second.id);
}

// The server ends the session (a restart, an administrator, an idle timeout): the call that meets the dead
// connection fails, and the checkpointer reconnects for the calls after it.
TEST_F(PostgresCheckpointerTest, AnEndedSessionIsReconnected) {
  const std::string ref = fresh_schema();
  auto cp = open_checkpointer(ref + "&application_name=ended_session_test");
  const auto c = make_checkpoint("t");
  cp->put(c);
  admin(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ended_session_test'");
  try {
    cp->get("t");  // may meet the closed socket
  } catch (const IoError&) {
  }
  EXPECT_EQ(cp->get("t")->id, c.id);
  cp->put(make_checkpoint("t", {}, c.id, 1));
  EXPECT_EQ(cp->list("t").size(), 2u);
}

// libpq takes parameters as C strings: an id with a NUL byte would be cut short, so it is refused.
TEST_F(PostgresCheckpointerTest, IdsWithANulByteAreRefused) {
  auto cp = open_checkpointer(fresh_schema());
  auto c = make_checkpoint(std::string("a\0b", 3));
  EXPECT_THROW(cp->put(c), InvalidArgumentError);
  EXPECT_TRUE(cp->threads().empty());
}

// Crash safety with the server as the store: a workflow process SIGKILLed at random moments and restarted
// (tests/flow/kill_check.h) runs every step exactly once and leaves one unbroken chain of checkpoints.
TEST_F(PostgresCheckpointerTest, SigkillAtRandomPointsThenResumeRunsEveryStepOnce) {
  check_kill_test("postgres", fresh_schema());
}

// The same with CommitMode::batched: put_batch stores groups of steps; a kill loses the steps after the last
// group. The lost steps run again under the same checkpoint ids (derived from
// their parents), so their tasks keep their task ids and the effects still count once.
TEST_F(PostgresCheckpointerTest, SigkillWithBatchedCommitsStillCountsEveryStepOnce) {
  check_kill_test("postgres, batched", fresh_schema(), "batched", LostSteps::allowed);
}

}  // namespace

// Needs no server: nothing listens on the port.
TEST(PostgresCheckpointerErrors, ARefusedConnectionIsAnIoErrorWithoutThePassword) {
  const int port = alith::testing::free_loopback_port();
  try {
    open_checkpointer("postgresql://postgres:hunter2-secret@127.0.0.1:" + std::to_string(port) + "/postgres");
    FAIL() << "connected to nothing";
  } catch (const IoError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
    EXPECT_NE(message.find(std::to_string(port)), std::string::npos) << message;
  }
}

}  // namespace alith::flow::testing
