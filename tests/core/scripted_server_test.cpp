// The test double itself: it must never hang a test run, whatever state its connections are in.

#include "support/scripted_server.h"

#include <gtest/gtest.h>

#include <thread>

#include "alith/core/http.h"

namespace alith::testing {
namespace {

using namespace std::chrono_literals;

TEST(ScriptedServer, DefaultReplyIs500) {
  ScriptedServer server;
  http::Client client;
  http::Request req;
  req.url = server.url() + "/none";
  const auto res = client.send(req);
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(res.body, "no scripted reply");
}

TEST(ScriptedServer, QueueBeforeHandler) {
  ScriptedServer server;
  server.push(ScriptedReply::http(200, "queued"));
  server.set_handler([](const RecordedRequest&) { return ScriptedReply::http(202, "handled"); });
  http::Client client;
  http::Request req;
  req.url = server.url() + "/";
  EXPECT_EQ(client.send(req).body, "queued");
  EXPECT_EQ(client.send(req).body, "handled");
  EXPECT_EQ(server.request_count(), 2u);
}

TEST(ScriptedServer, StopsWhileAClientWaits) {
  http::Client client;
  std::thread waiter;
  {
    ScriptedServer server;
    ScriptedReply reply;
    reply.never_respond = true;
    server.push(reply);
    http::Request req;
    req.url = server.url() + "/";
    waiter = std::thread([&client, req] {
      try {
        client.send(req);
      } catch (const Error&) {
      }
    });
    while (server.request_count() == 0) std::this_thread::sleep_for(1ms);
  }  // the destructor must return although the connection is held open
  waiter.join();
}

TEST(ScriptedServer, StopsDuringChunkDelay) {
  http::Client client;
  std::thread reader;
  {
    ScriptedServer server;
    ScriptedReply reply = ScriptedReply::sse({"data: a", "data: b"});
    reply.chunk_size = 4;
    reply.chunk_delay = 60s;
    server.push(reply);
    http::Request req;
    req.url = server.url() + "/";
    reader = std::thread([&client, req] {
      try {
        client.send(req);
      } catch (const Error&) {
      }
    });
    while (server.request_count() == 0) std::this_thread::sleep_for(1ms);
  }
  reader.join();
}

}  // namespace
}  // namespace alith::testing
