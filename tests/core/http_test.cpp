#include "alith/core/http.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "support/scripted_server.h"

namespace alith::http {
namespace {

using alith::testing::ScriptedReply;
using alith::testing::ScriptedServer;
using namespace std::chrono_literals;

Request get(const ScriptedServer& server, const std::string& path) {
  Request r;
  r.url = server.url() + path;
  return r;
}

TEST(Http, GetReturnsStatusHeadersAndBody) {
  ScriptedServer server;
  server.push(ScriptedReply::http(200, R"({"ok":true})", "application/json", {"X-Request-Id: abc"}));
  Client client;
  Request req = get(server, "/v1/models?limit=2");
  req.headers = {{"X-Custom", "yes"}, {"Authorization", "Bearer k"}};
  const Response res = client.send(req);
  EXPECT_EQ(res.status, 200);
  EXPECT_TRUE(res.ok());
  EXPECT_EQ(res.body, R"({"ok":true})");
  EXPECT_EQ(res.header("x-request-id"), "abc");
  EXPECT_EQ(res.header("X-REQUEST-ID"), "abc");
  EXPECT_EQ(res.header("content-type"), "application/json");
  EXPECT_FALSE(res.header("missing"));
  for (const auto& header : res.headers)
    EXPECT_EQ(header.first.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), std::string::npos) << header.first;

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].path, "/v1/models?limit=2");
  EXPECT_EQ(requests[0].header("x-custom"), "yes");
  EXPECT_EQ(requests[0].header("authorization"), "Bearer k");
  EXPECT_EQ(requests[0].header("user-agent"), "alith");
}

TEST(Http, PostSendsBody) {
  ScriptedServer server;
  server.push(ScriptedReply::http(201, "created"));
  Client client;
  Request req = get(server, "/items");
  req.method = "POST";
  req.headers = {{"Content-Type", "application/json"}};
  req.body = R"({"name":"x"})";
  const Response res = client.send(req);
  EXPECT_EQ(res.status, 201);
  const auto r = server.requests().at(0);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.body, req.body);
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.header("expect"), "");
}

TEST(Http, LargePostBodyArrivesWhole) {
  ScriptedServer server;
  server.push(ScriptedReply::http(200, "ok"));
  Client client;
  Request req = get(server, "/upload");
  req.method = "POST";
  req.body = std::string(3 << 20, 'z');
  EXPECT_EQ(client.send(req).status, 200);
  EXPECT_EQ(server.requests().at(0).body.size(), req.body.size());
}

TEST(Http, OtherMethods) {
  ScriptedServer server;
  server.push(ScriptedReply::http(200, ""));
  server.push(ScriptedReply::http(204, ""));
  Client client;
  Request put = get(server, "/a");
  put.method = "PUT";
  put.body = "v";
  EXPECT_EQ(client.send(put).status, 200);
  Request del = get(server, "/a");
  del.method = "DELETE";
  EXPECT_EQ(client.send(del).status, 204);
  const auto reqs = server.requests();
  EXPECT_EQ(reqs.at(0).method, "PUT");
  EXPECT_EQ(reqs.at(0).body, "v");
  EXPECT_EQ(reqs.at(1).method, "DELETE");
}

TEST(Http, ChunkedResponseIsDecoded) {
  ScriptedServer server;
  ScriptedReply reply;
  reply.raw = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
  server.push(reply);
  Client client;
  EXPECT_EQ(client.send(get(server, "/")).body, "hello world");
}

TEST(Http, StreamingDeliversPiecesAsTheyArrive) {
  ScriptedServer server;
  ScriptedReply reply = ScriptedReply::sse({"data: one", "data: two", "data: three"});
  reply.chunk_size = 7;
  reply.chunk_delay = 2ms;
  server.push(reply);
  Client client;
  std::vector<std::string> pieces;
  const Response res = client.send_streaming(get(server, "/stream"),
                                             [&](std::string_view chunk) { pieces.emplace_back(chunk); });
  EXPECT_EQ(res.status, 200);
  EXPECT_TRUE(res.body.empty());
  EXPECT_GT(pieces.size(), 1u);
  std::string all;
  for (const auto& p : pieces) all += p;
  EXPECT_EQ(all, "data: one\n\ndata: two\n\ndata: three\n\n");
  EXPECT_EQ(res.header("content-type"), "text/event-stream");
}

TEST(Http, StreamingCollectsNon2xxBody) {
  ScriptedServer server;
  server.push(ScriptedReply::http(429, R"({"error":"slow down"})", "application/json", {"Retry-After: 3"}));
  Client client;
  bool called = false;
  const Response res = client.send_streaming(get(server, "/"), [&](std::string_view) { called = true; });
  EXPECT_FALSE(called);
  EXPECT_EQ(res.status, 429);
  EXPECT_EQ(res.body, R"({"error":"slow down"})");
  EXPECT_EQ(res.header("retry-after"), "3");
}

TEST(Http, OversizedContentLengthIsRefused) {
  ScriptedServer server;
  ScriptedReply reply;
  reply.raw = "HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\nabc";
  server.push(reply);
  Client client;
  Request req = get(server, "/");
  req.max_response_bytes = 1024;
  EXPECT_THROW(client.send(req), TooLargeError);
}

TEST(Http, OversizedBodyWithoutLengthIsCut) {
  ScriptedServer server;
  ScriptedReply reply = ScriptedReply::sse({std::string(1 << 20, 'x')});
  server.push(reply);
  server.push(reply);
  Options options;
  options.max_response_bytes = 64 * 1024;
  Client client(options);
  EXPECT_THROW(client.send(get(server, "/")), TooLargeError);
  size_t streamed = 0;
  EXPECT_THROW(client.send_streaming(get(server, "/"), [&](std::string_view c) { streamed += c.size(); }),
               TooLargeError);
  EXPECT_LE(streamed, options.max_response_bytes);
}

TEST(Http, CancelFromAnotherThread) {
  ScriptedServer server;
  ScriptedReply reply;
  reply.never_respond = true;
  server.push(reply);
  Client client;
  const CancelToken token = CancelToken::create();
  std::thread canceller([&] {
    while (server.request_count() == 0) std::this_thread::sleep_for(1ms);
    token.cancel();
  });
  EXPECT_THROW(client.send(get(server, "/"), token), CancelledError);
  canceller.join();
}

TEST(Http, AlreadyCancelledTokenSendsNothing) {
  ScriptedServer server;
  Client client;
  const CancelToken token = CancelToken::create();
  token.cancel();
  EXPECT_THROW(client.send(get(server, "/"), token), CancelledError);
  EXPECT_EQ(server.request_count(), 0u);
}

TEST(Http, TimeoutWhenServerNeverResponds) {
  ScriptedServer server;
  ScriptedReply reply;
  reply.never_respond = true;
  server.push(reply);
  Client client;
  Request req = get(server, "/slow?api_key=querysecret");
  req.timeout = 200ms;
  req.headers = {{"Authorization", "Bearer headersecret"}};
  try {
    client.send(req);
    FAIL() << "no timeout";
  } catch (const TimeoutError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.find("querysecret"), std::string::npos) << what;
    EXPECT_EQ(what.find("headersecret"), std::string::npos) << what;
  }
}

TEST(Http, IdleStreamTimesOut) {
  ScriptedServer server;
  ScriptedReply reply = ScriptedReply::sse({"data: first", "data: never"});
  reply.chunk_size = reply.raw.size() - 10;
  reply.chunk_delay = 30s;  // cut short when the server stops
  server.push(reply);
  Options options;
  options.idle_timeout = 200ms;
  Client client(options);
  EXPECT_THROW(client.send_streaming(get(server, "/"), [](std::string_view) {}), TimeoutError);
}

TEST(Http, ConnectionRefusedIsIoError) {
  std::string url;
  {
    ScriptedServer server;
    url = server.url();
  }
  Client client;
  Request req;
  req.url = url + "/";
  EXPECT_THROW(client.send(req), IoError);
}

TEST(Http, DroppedConnectionMidBodyIsIoError) {
  ScriptedServer server;
  ScriptedReply reply;
  reply.raw = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part of it";
  server.push(reply);
  server.push(reply);
  Client client;
  EXPECT_THROW(client.send(get(server, "/")), IoError);
  EXPECT_THROW(client.send_streaming(get(server, "/"), [](std::string_view) {}), IoError);
}

TEST(Http, DroppedChunkedStreamIsIoError) {
  ScriptedServer server;
  ScriptedReply reply;
  reply.raw = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n";
  server.push(reply);
  Client client;
  EXPECT_THROW(client.send_streaming(get(server, "/"), [](std::string_view) {}), IoError);
}

TEST(Http, KeepAliveReusesTheConnection) {
  ScriptedServer server;
  for (int i = 0; i < 3; ++i) {
    ScriptedReply reply = ScriptedReply::http(200, "r" + std::to_string(i));
    reply.keep_alive = true;
    server.push(reply);
  }
  Client client;
  EXPECT_EQ(client.send(get(server, "/1")).body, "r0");
  EXPECT_EQ(client.send(get(server, "/2")).body, "r1");
  EXPECT_EQ(client.send(get(server, "/3")).body, "r2");
  EXPECT_EQ(server.connection_count(), 1u);
}

TEST(Http, ServerClosingAfterReplyStillWorksNextTime) {
  ScriptedServer server;
  server.push(ScriptedReply::http(200, "a"));
  server.push(ScriptedReply::http(200, "b"));
  Client client;
  EXPECT_EQ(client.send(get(server, "/")).body, "a");
  EXPECT_EQ(client.send(get(server, "/")).body, "b");
}

struct HandlerFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

TEST(Http, HandlerExceptionPropagates) {
  ScriptedServer server;
  server.push(ScriptedReply::sse({"data: 1", "data: 2"}));
  Client client;
  EXPECT_THROW(client.send_streaming(get(server, "/"),
                                     [](std::string_view) -> void { throw HandlerFailure("stop reading"); }),
               HandlerFailure);
  // The client stays usable.
  server.push(ScriptedReply::http(200, "fine"));
  EXPECT_EQ(client.send(get(server, "/")).body, "fine");
}

TEST(Http, HeaderInjectionIsRefused) {
  ScriptedServer server;
  Client client;
  Request req = get(server, "/");
  req.headers = {{"X-A", "v\r\nX-Injected: 1"}};
  EXPECT_THROW(client.send(req), InvalidArgumentError);
}

TEST(Http, ConcurrentRequestsOnOneClient) {
  ScriptedServer server;
  server.set_handler([](const testing::RecordedRequest& r) {
    ScriptedReply reply = ScriptedReply::http(200, r.path);
    reply.keep_alive = true;
    return reply;
  });
  Client client;
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        const std::string path = "/t" + std::to_string(t) + "/" + std::to_string(i);
        if (client.send(get(server, path)).body == path) good.fetch_add(1);
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(good.load(), 30);
  EXPECT_LE(server.connection_count(), 30u);
}

TEST(Http, InvalidUrlIsAnError) {
  Client client;
  Request req;
  EXPECT_THROW(client.send(req), InvalidArgumentError);
  req.url = "ftp://127.0.0.1/x";
  EXPECT_THROW(client.send(req), InvalidArgumentError);
  req.url = "http://user:hunter2@[::1";
  try {
    client.send(req);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos) << e.what();
  }
}

TEST(Http, HeadIgnoresAnnouncedLength) {
  ScriptedServer server;
  ScriptedReply reply;
  reply.raw = "HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\n";
  server.push(reply);
  Client client;
  Request req = get(server, "/");
  req.method = "HEAD";
  req.max_response_bytes = 10;
  EXPECT_EQ(client.send(req).status, 200);
}

TEST(Http, UrlEncode) {
  EXPECT_EQ(url_encode("a b&c=d/é~._-"), "a%20b%26c%3Dd%2F%C3%A9~._-");
  EXPECT_EQ(url_encode(""), "");
}

}  // namespace
}  // namespace alith::http
