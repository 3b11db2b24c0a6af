// StreamableHttpTransport against a scripted HTTP server: JSON and SSE replies, the session and protocol
// version headers, custom headers, resumption of a dropped stream with Last-Event-ID, HTTP errors with and
// without a JSON-RPC body, a lost session, DELETE on close.

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "alith/mcp/client.h"
#include "support/scripted_server.h"

namespace alith::mcp {
namespace {

using alith::testing::RecordedRequest;
using alith::testing::ScriptedReply;
using alith::testing::ScriptedServer;

std::string reply(const Json& id, const Json& result) {
  return dump_json(Json{{"jsonrpc", "2.0"}, {"id", id}, {"result", result}});
}

std::string text_result(const std::string& text) {
  return dump_json(Json{{"content", Json::array({{{"type", "text"}, {"text", text}}})}});
}

// A fake MCP server: initialize answers over SSE with a session id; tools/call "echo" answers with JSON,
// "drop" sends a progress event and drops the stream (the reply comes on the resumed GET), "plain500" fails
// without a JSON-RPC body, "rpc400" with one, "expire" loses the session.
ScriptedReply serve(const RecordedRequest& request, Json& drop_id) {
  if (request.method == "DELETE") return ScriptedReply::http(200, "");
  if (request.method == "GET") {
    if (request.header("last-event-id") == "ev-1") {
      return ScriptedReply::sse({"id: ev-2\ndata: " + reply(drop_id, Json::parse(text_result("resumed")))});
    }
    return ScriptedReply::http(405, "", "text/plain");
  }
  auto body = Json::parse(request.body);
  std::string method = body.value("method", "");
  if (!body.contains("id")) return ScriptedReply::http(202, "", "text/plain");
  if (method == "initialize") {
    Json result{{"protocolVersion", "2025-06-18"},
                {"capabilities", {{"tools", Json::object()}}},
                {"serverInfo", {{"name", "fake-http"}, {"version", "1"}}}};
    return ScriptedReply::sse({": priming", "id: init-1\ndata: " + reply(body["id"], result)},
                              {"Mcp-Session-Id: sess-42"});
  }
  if (method == "tools/call") {
    std::string name = body["params"]["name"];
    if (name == "echo") {
      return ScriptedReply::http(
          200, reply(body["id"], Json::parse(text_result(body["params"]["arguments"]["message"]))));
    }
    if (name == "drop") {
      drop_id = body["id"];
      Json progress{
          {"jsonrpc", "2.0"},
          {"method", "notifications/progress"},
          {"params", {{"progressToken", body["params"]["_meta"]["progressToken"]}, {"progress", 1}}}};
      return ScriptedReply::sse({"id: ev-1\ndata: " + dump_json(progress)});  // ends without the reply
    }
    if (name == "plain500") return ScriptedReply::http(500, "internal trouble", "text/plain");
    if (name == "rpc400") {
      return ScriptedReply::http(
          400, R"({"jsonrpc":"2.0","id":null,"error":{"code":-32000,"message":"Bad Request: no session"}})");
    }
    if (name == "expire") return ScriptedReply::http(404, "session not found", "text/plain");
    if (name == "big") {
      return ScriptedReply::http(200, reply(body["id"], Json::parse(text_result(std::string(2 << 20, 'x')))));
    }
    if (name == "hang") {
      ScriptedReply r;
      r.never_respond = true;
      return r;
    }
  }
  return ScriptedReply::http(200,
                             dump_json(Json{{"jsonrpc", "2.0"},
                                            {"id", body["id"]},
                                            {"error", {{"code", -32601}, {"message", "Method not found"}}}}));
}

struct Fixture {
  std::mutex mutex;
  Json drop_id;
  ScriptedServer server;
  StreamableHttpTransport* transport = nullptr;
  std::shared_ptr<Client> client;

  explicit Fixture(size_t max_message_bytes = default_max_message_bytes) {
    server.set_handler([this](const RecordedRequest& request) {
      std::lock_guard lock(mutex);
      return serve(request, drop_id);
    });
    HttpTransportOptions options;
    options.url = server.url() + "/mcp";
    options.headers = {{"Authorization", "Bearer test-token"}};
    options.max_message_bytes = max_message_bytes;
    auto t = std::make_unique<StreamableHttpTransport>(options);
    transport = t.get();
    client = Client::connect(std::move(t));
  }

  std::vector<RecordedRequest> posts_of(const std::string& method) const {
    std::vector<RecordedRequest> out;
    for (const auto& r : server.requests()) {
      if (r.method == "POST" && r.body.find("\"method\":\"" + method + "\"") != std::string::npos)
        out.push_back(r);
    }
    return out;
  }
};

TEST(McpHttpTransport, SessionAndHeaders) {
  Fixture f;
  EXPECT_EQ(f.client->server().server_info.name, "fake-http");
  EXPECT_EQ(f.transport->session_id(), "sess-42");
  EXPECT_EQ(f.client->call_tool("echo", {{"message", "over http"}}).content.at(0).text, "over http");
  auto init = f.posts_of("initialize");
  ASSERT_EQ(init.size(), 1u);
  EXPECT_EQ(init[0].header("mcp-session-id"), "");
  EXPECT_NE(init[0].header("accept").find("text/event-stream"), std::string::npos);
  EXPECT_EQ(init[0].header("authorization"), "Bearer test-token");
  auto initialized = f.posts_of("notifications/initialized");
  ASSERT_EQ(initialized.size(), 1u);
  EXPECT_EQ(initialized[0].header("mcp-session-id"), "sess-42");
  auto calls = f.posts_of("tools/call");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].header("mcp-session-id"), "sess-42");
  EXPECT_EQ(calls[0].header("mcp-protocol-version"), "2025-06-18");
  EXPECT_EQ(calls[0].header("content-type"), "application/json");
  f.client->close();
  bool deleted = false;
  for (const auto& r : f.server.requests()) {
    if (r.method == "DELETE") deleted = r.header("mcp-session-id") == "sess-42";
  }
  EXPECT_TRUE(deleted);
}

TEST(McpHttpTransport, ResumesADroppedStream) {
  Fixture f;
  std::atomic<int> progress{0};
  RequestOptions options;
  options.on_progress = [&](const ProgressParams&) { ++progress; };
  options.timeout = std::chrono::minutes(2);
  // The POST's stream delivers progress (event ev-1) and ends; the reply arrives on GET + Last-Event-ID.
  auto result = f.client->call_tool("drop", Json::object(), options);
  EXPECT_EQ(result.content.at(0).text, "resumed");
  EXPECT_EQ(progress.load(), 1);
  bool resumed = false;
  for (const auto& r : f.server.requests()) resumed = resumed || r.header("last-event-id") == "ev-1";
  EXPECT_TRUE(resumed);
}

TEST(McpHttpTransport, HttpErrorsAreTyped) {
  Fixture f;
  RequestOptions options;
  options.timeout = std::chrono::minutes(2);  // failures must come from the replies, not a timeout
  try {
    f.client->call_tool("plain500", Json::object(), options);
    FAIL() << "no error";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("HTTP 500"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("test-token"), std::string::npos);
  }
  try {
    f.client->call_tool("rpc400", Json::object(), options);
    FAIL() << "no error";
  } catch (const McpError& e) {
    EXPECT_EQ(e.rpc_code(), -32000);
  }
  EXPECT_THROW(f.client->request("no/such", nullptr, options), McpError);
  EXPECT_TRUE(f.client->connected());
  EXPECT_THROW(f.client->call_tool("expire", Json::object(), options), IoError);
  EXPECT_FALSE(f.client->connected());  // a lost session closes the client
}

TEST(McpHttpTransport, OversizedRepliesAndSilentServers) {
  Fixture f(1 << 20);
  RequestOptions options;
  options.timeout = std::chrono::minutes(2);
  EXPECT_THROW(f.client->call_tool("big", Json::object(), options), TooLargeError);
  options.timeout = std::chrono::milliseconds(200);
  EXPECT_THROW(f.client->call_tool("hang", Json::object(), options), TimeoutError);
  EXPECT_EQ(f.client->call_tool("echo", {{"message", "still here"}}).content.at(0).text, "still here");
  f.client->close();  // the abandoned POST does not hold close() up
}

TEST(McpHttpTransport, UnreachableServerIsAnIoError) {
  HttpTransportOptions options;
  {
    ScriptedServer gone;
    options.url = gone.url() + "/mcp";
  }
  options.connect_timeout = std::chrono::milliseconds(2000);
  EXPECT_THROW(Client::connect(std::make_unique<StreamableHttpTransport>(options)), IoError);
  options.url = "ftp://example.com";
  EXPECT_THROW(StreamableHttpTransport{options}, InvalidArgumentError);
}

}  // namespace
}  // namespace alith::mcp
