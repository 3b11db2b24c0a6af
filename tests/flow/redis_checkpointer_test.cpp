// The Redis checkpointer against real redis-server processes that the test starts
// (tests/support/redis_server.h): the conformance suite (one database per test), the kill test, passwords, a
// restarted server, timeouts, a connection reset mid-write, and the URI parser (no server needed).

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "alith/core/error.h"
#include "checkpointer_conformance.h"
#include "flow/checkpointers/redis_connection.h"
#include "kill_check.h"
#include "support/child_process.h"
#include "support/redis_server.h"
#include "support/temp_dir.h"

namespace alith::flow::testing {
namespace {

using alith::testing::RedisServer;
using alith::testing::RedisServerOptions;

constexpr const char* kMissing = "redis-server is not installed: apt-get install redis-server";
constexpr int kDatabases = 256;

bool installed() {
  return !RedisServer::binary().empty();
}

// One server for the conformance suite, started on first use and stopped at exit.
RedisServer& shared_server() {
  static const std::unique_ptr<RedisServer> server = [] {
    RedisServerOptions options;
    options.databases = kDatabases;
    return std::make_unique<RedisServer>(options);
  }();
  return *server;
}

// A database of its own for each conformance test.
std::string fresh_database() {
  static std::atomic<int> next{1};
  const int db = next++;
  if (db >= kDatabases) throw std::runtime_error("out of Redis databases: raise kDatabases");
  return shared_server().uri(db);
}

std::vector<CheckpointerFactory> conformance() {
  if (!installed()) return {};
  return {CheckpointerFactory{"redis", fresh_database, /*persistent=*/true}};
}

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(CheckpointerConformance);
INSTANTIATE_TEST_SUITE_P(Redis, CheckpointerConformance, ::testing::ValuesIn(conformance()),
                         [](const auto& info) { return info.param.name; });

class RedisCheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!installed()) GTEST_SKIP() << kMissing;
  }
};

// The stored form is the JSON every backend shares, under the documented keys.
TEST_F(RedisCheckpointerTest, StoresTheSharedJsonUnderTheDocumentedKeys) {
  RedisServer server;
  auto cp = open_checkpointer(server.uri(3));
  const auto c = make_checkpoint("run:1");
  cp->put(c);
  cp->put_write("run:1", c.id, TaskWrite{"task", TaskWrite::Kind::update, {{"x", 1}}});
  auto endpoint = redis::parse_uri(server.uri(3));
  redis::Connection raw(endpoint);
  const auto doc = raw.command({"HGET", "alith:cp:5:run:1:docs", c.id});
  ASSERT_EQ(doc.type, redis::Reply::Type::string);
  EXPECT_EQ(parse_json(doc.str).value(), to_json(c));
  EXPECT_EQ(raw.command({"LINDEX", "alith:cp:5:run:1:order", "0"}).str, c.id);
  EXPECT_EQ(raw.command({"ZSCORE", "alith:threads", "run:1"}).str, "0");
  EXPECT_EQ(raw.command({"HGET", "alith:cp:5:run:1:w:" + c.id, "update:task"}).str, "1 {\"x\":1}");
  // Database 0 saw nothing.
  endpoint.db = 0;
  redis::Connection db0(endpoint);
  EXPECT_EQ(db0.command({"DBSIZE"}).integer, 0);
  cp->delete_thread("run:1");
  EXPECT_EQ(raw.command({"DBSIZE"}).integer, 0);  // nothing left behind
}

TEST_F(RedisCheckpointerTest, PasswordProtectedServer) {
  RedisServerOptions options;
  options.password = "s3cret:p@ss/word";  // every separator a URI has
  RedisServer server(options);
  // The right password: everything works.
  auto cp = open_checkpointer(server.uri(2));
  const auto c = make_checkpoint("t");
  cp->put(c);
  EXPECT_EQ(cp->get("t")->id, c.id);

  // A wrong password: IoError when opening, naming the server but neither password.
  const std::string wrong = "redis://:wr0ng-pa55@127.0.0.1:" + std::to_string(server.port()) + "/2";
  try {
    open_checkpointer(wrong);
    FAIL() << "a wrong password was accepted";
  } catch (const IoError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.find("wr0ng-pa55"), std::string::npos) << message;
    EXPECT_EQ(message.find("s3cret"), std::string::npos) << message;
    EXPECT_NE(message.find("127.0.0.1:" + std::to_string(server.port())), std::string::npos) << message;
    EXPECT_NE(message.find("WRONGPASS"), std::string::npos) << message;
  }
  // A user name with a wrong password (Redis 6 ACL form).
  EXPECT_THROW(open_checkpointer("redis://default:nope@127.0.0.1:" + std::to_string(server.port())), IoError);
  // The right password under the ACL user name works too.
  auto as_default = open_checkpointer(
      "redis://default:s3cret%3Ap%40ss%2Fword@127.0.0.1:" + std::to_string(server.port()) + "/2");
  EXPECT_EQ(as_default->get("t")->id, c.id);

  // No password: database 0 needs no SELECT, so the refusal comes with the first command.
  try {
    auto anonymous = open_checkpointer("redis://127.0.0.1:" + std::to_string(server.port()));
    anonymous->threads();
    FAIL() << "an unauthenticated client was served";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("NOAUTH"), std::string::npos) << e.what();
  }
}

TEST_F(RedisCheckpointerTest, ARestartedServerIsReconnectedToOnTheNextCall) {
  RedisServerOptions options;
  options.append_only = true;  // the checkpoints survive the restart
  RedisServer server(options);
  auto cp = open_checkpointer(server.uri(1));
  const auto first = make_checkpoint("t");
  cp->put(first);

  server.stop();
  server.start();
  // The old connection was closed by the server; the call reconnects before sending.
  auto latest = cp->get("t");
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->id, first.id);
  const auto second = make_checkpoint("t", {}, first.id, 1);
  cp->put(second);

  // A put is never sent twice, yet a restart between calls does not make it fail: the closed connection is
  // noticed before sending.
  server.stop();
  server.start();
  const auto third = make_checkpoint("t", {}, second.id, 2);
  cp->put(third);
  EXPECT_EQ(cp->list("t").size(), 3u);
  EXPECT_EQ(cp->get("t")->id, third.id);
}

TEST_F(RedisCheckpointerTest, AStoppedServerIsAnIoErrorUntilItIsBack) {
  RedisServerOptions options;
  options.append_only = true;
  RedisServer server(options);
  auto cp = open_checkpointer(server.uri());
  const auto c = make_checkpoint("t");
  cp->put(c);
  server.stop();
  EXPECT_THROW(cp->get("t"), IoError);
  EXPECT_THROW(cp->put(make_checkpoint("t", {}, c.id, 1)), IoError);
  EXPECT_THROW(cp->threads(), IoError);
  server.start();
  EXPECT_EQ(cp->get("t")->id, c.id);
  EXPECT_EQ(cp->list("t").size(), 1u);  // the refused put stored nothing
}

// A server that stops answering (CLIENT PAUSE) makes a call fail after the URI's timeout instead of hanging;
// the next call, once it answers again, works.
TEST_F(RedisCheckpointerTest, AServerThatDoesNotAnswerTimesOut) {
  RedisServer server;
  auto cp = open_checkpointer(server.uri() + "?timeout=0.3");
  const auto c = make_checkpoint("t");
  cp->put(c);
  redis::Connection admin(redis::parse_uri(server.uri()));
  admin.command({"CLIENT", "PAUSE", "1500", "ALL"});
  const auto start = std::chrono::steady_clock::now();
  try {
    cp->get("t");
    FAIL() << "a paused server answered";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("no answer within 300 ms"), std::string::npos) << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1400));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(cp->get("t")->id, c.id);
}

// The server drops the connection while a large command is still being written (here: an argument over its
// proto-max-bulk-len). The failed write must be an IoError, not a SIGPIPE that ends the process.
TEST_F(RedisCheckpointerTest, AConnectionDroppedMidWriteIsAnIoError) {
  RedisServerOptions options;
  options.extra_config = "proto-max-bulk-len 1mb\n";
  RedisServer server(options);
  auto cp = open_checkpointer(server.uri());
  auto big = make_checkpoint("t");
  big.state = {{"blob", std::string(32 << 20, 'x')}};
  EXPECT_THROW(cp->put(big), IoError);
  // The connection is re-established for the next call.
  const auto small = make_checkpoint("t");
  cp->put(small);
  EXPECT_EQ(cp->get("t")->id, small.id);
}

// A thread's keys are found by exact names, never by patterns: a thread whose id is another's key prefix, or
// holds glob characters, is not touched by deleting the other.
TEST_F(RedisCheckpointerTest, DeletingAThreadLeavesLookalikesAlone) {
  RedisServer server;
  auto cp = open_checkpointer(server.uri());
  for (std::string t : {"a", "a*", "a:docs", "[a]", "*"}) {
    const auto c = make_checkpoint(t);
    cp->put(c);
    cp->put_write(t, c.id, TaskWrite{"x", TaskWrite::Kind::update, 1});
  }
  cp->delete_thread("*");
  cp->delete_thread("a");
  EXPECT_EQ(cp->threads(), (std::vector<std::string>{"[a]", "a*", "a:docs"}));
  for (std::string t : {"a*", "a:docs", "[a]"}) EXPECT_EQ(cp->writes(t, cp->get(t)->id).size(), 1u) << t;
}

// Crash safety with the server as the store: a workflow process SIGKILLed at random moments and restarted
// (tests/flow/kill_check.h) runs every step exactly once and leaves one unbroken chain of checkpoints.
TEST_F(RedisCheckpointerTest, SigkillAtRandomPointsThenResumeRunsEveryStepOnce) {
  check_kill_test("redis", fresh_database());
}

// The same with CommitMode::batched: put_batch stores groups of steps; a kill loses the steps after the last
// group. The lost steps run again under the same checkpoint ids (derived from
// their parents), so their tasks keep their task ids and the effects still count once.
TEST_F(RedisCheckpointerTest, SigkillWithBatchedCommitsStillCountsEveryStepOnce) {
  check_kill_test("redis, batched", fresh_database(), "batched", LostSteps::allowed);
}

}  // namespace

// Connection failures and URIs need no server.
TEST(RedisCheckpointerErrors, ARefusedConnectionIsAnIoErrorWithoutThePassword) {
  const int port = alith::testing::free_loopback_port();  // nothing listens there
  try {
    open_checkpointer("redis://:hunter2-secret@127.0.0.1:" + std::to_string(port) + "/4");
    FAIL() << "connected to nothing";
  } catch (const IoError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
    EXPECT_NE(message.find("redis://127.0.0.1:" + std::to_string(port) + "/4"), std::string::npos) << message;
  }
}

TEST(RedisCheckpointerErrors, AMalformedUriIsAConfigErrorWithoutThePassword) {
  for (std::string uri : {"redis://:hunter2-secret@127.0.0.1:notaport/0",
                          "redis://:hunter2-secret@host:6379/x", "redis://:hunter2-secret@host:99999",
                          "redis://:hunter2-secret@host/0?bogus=1", "redis://:hunter2-secret@[::1",
                          "redis://:hunter2-secret@host?timeout=-1", "redis://:hunter2%zzsecret@host"}) {
    try {
      open_checkpointer(uri);
      ADD_FAILURE() << uri << " was accepted";
    } catch (const ConfigError& e) {
      EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos) << e.what();
    }
  }
}

// A peer that reads the start of a long command, half-closes (FIN) and then closes with data unread (RST):
// the client's next write fails with EPIPE, which raises SIGPIPE (and by default ends the process) unless the
// connection keeps it blocked. The command must end as an IoError.
TEST(RedisConnection, AWriteToAResetConnectionIsAnIoErrorNotASigpipe) {
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(addr);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &length), 0);
  ASSERT_EQ(::listen(listener, 1), 0);
  std::thread peer([listener] {
    const int fd = ::accept(listener, nullptr, nullptr);
    if (fd < 0) return;
    std::vector<char> buffer(1 << 16);
    size_t read = 0;
    while (read < (1u << 20)) {
      const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
      if (n <= 0) break;
      read += static_cast<size_t>(n);
    }
    ::shutdown(fd, SHUT_WR);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ::close(fd);
  });
  redis::Endpoint endpoint;
  endpoint.port = ntohs(addr.sin_port);
  redis::Connection connection(endpoint);  // no password, database 0: nothing is sent yet
  const std::string big(64 << 20, 'x');
  EXPECT_THROW(connection.command({"SET", "k", big}, redis::Retry::never), IoError);
  peer.join();
  ::close(listener);
}

TEST(RedisUri, DefaultsAndEveryPart) {
  auto e = redis::parse_uri("redis://");
  EXPECT_EQ(e.host, "127.0.0.1");
  EXPECT_EQ(e.port, 6379);
  EXPECT_EQ(e.db, 0);
  EXPECT_EQ(e.password, "");
  e = redis::parse_uri("redis://cache.internal");
  EXPECT_EQ(e.host, "cache.internal");
  EXPECT_EQ(e.port, 6379);
  e = redis::parse_uri("redis://cache:6380/7");
  EXPECT_EQ(e.host, "cache");
  EXPECT_EQ(e.port, 6380);
  EXPECT_EQ(e.db, 7);
  EXPECT_EQ(e.redacted(), "redis://cache:6380/7");
  e = redis::parse_uri("redis://:pa%40ss@cache:6380/");
  EXPECT_EQ(e.username, "");
  EXPECT_EQ(e.password, "pa@ss");
  EXPECT_EQ(e.db, 0);
  e = redis::parse_uri("redis://alice:p@ss:w/rd@cache/2");  // unencoded: the last '@' ends the credentials
  EXPECT_EQ(e.username, "alice");
  EXPECT_EQ(e.password, "p@ss:w/rd");
  EXPECT_EQ(e.host, "cache");
  EXPECT_EQ(e.db, 2);
  EXPECT_EQ(e.redacted(), "redis://cache:6379/2");
  e = redis::parse_uri("redis://[::1]:7000/3?timeout=2.5&connect_timeout=1");
  EXPECT_EQ(e.host, "::1");
  EXPECT_EQ(e.port, 7000);
  EXPECT_EQ(e.db, 3);
  EXPECT_EQ(e.command_timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(e.connect_timeout, std::chrono::milliseconds(1000));
  EXPECT_EQ(e.redacted(), "redis://[::1]:7000/3");
  EXPECT_THROW(redis::parse_uri("rediss://host"), ConfigError);  // TLS: hiredis 0.14 has none
  EXPECT_THROW(redis::parse_uri("redis://host:"), ConfigError);
  EXPECT_THROW(redis::parse_uri("redis://host/-1"), ConfigError);
}

}  // namespace alith::flow::testing
