// The MCP server's message handling in-process (Session), the stdio loop over string streams and the
// Streamable HTTP transport over loopback with alith's HTTP client.

#include "alith/mcp/server.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <ext/stdio_filebuf.h>
#include <set>

#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "alith/core/http.h"

namespace alith::mcp {
namespace {

using namespace std::chrono_literals;

// Collects what a session emits; wait_for() blocks until a message matches (with a generous deadline, never
// part of an assertion on timing).
class Collector {
 public:
  Sink sink() {
    return [this](const Outgoing& out) {
      auto m = parse_json(out.json);
      ASSERT_TRUE(m.ok()) << out.json;
      // A reply names the request it answers, in its text and beside it.
      if (out.answers) {
        EXPECT_EQ(m->at("id"), to_json(*out.answers)) << out.json;
      }
      std::lock_guard lock(mu_);
      messages_.push_back(std::move(*m));
      cv_.notify_all();
    };
  }
  std::vector<Json> messages() {
    std::lock_guard lock(mu_);
    return messages_;
  }
  Json wait_for_id(const Json& id) {
    std::unique_lock lock(mu_);
    Json found;
    cv_.wait_for(lock, 30s, [&] {
      for (const auto& m : messages_)
        if (m.contains("id") && m["id"] == id) {
          found = m;
          return true;
        }
      return false;
    });
    return found;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Json> messages_;
};

std::shared_ptr<agent::Tool> echo() {
  return agent::make_tool("echo", "echoes",
                          Json{{"type", "object"},
                               {"properties", {{"text", {{"type", "string"}}}}},
                               {"required", {"text"}},
                               {"additionalProperties", false}},
                          [](const Json& args, const agent::ToolContext&) { return args.at("text"); });
}

std::shared_ptr<agent::Tool> object_tool() {
  return agent::make_tool("point", "a point", Json{{"type", "object"}},
                          [](const Json&, const agent::ToolContext&) {
                            return Json{{"x", 1}, {"y", 2}};
                          });
}

std::shared_ptr<agent::Tool> failing_tool() {
  return agent::make_tool(
      "fail", "throws", Json{{"type", "object"}},
      [](const Json&, const agent::ToolContext&) -> Json { throw ToolError("disk on fire"); });
}

// Blocks until released or cancelled; cancelled is recorded.
struct Gate {
  std::promise<void> started;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> saw_cancel{false};
};

std::shared_ptr<agent::Tool> slow_tool(std::shared_ptr<Gate> gate) {
  return agent::make_tool("slow", "waits", Json{{"type", "object"}},
                          [gate](const Json&, const agent::ToolContext& context) -> Json {
                            gate->started.set_value();
                            while (gate->released.wait_for(1ms) != std::future_status::ready) {
                              if (context.cancel.cancelled()) {
                                gate->saw_cancel = true;
                                throw CancelledError("cancelled");
                              }
                            }
                            return "done";
                          });
}

std::string request(int id, const std::string& method, const Json& params = nullptr) {
  Json m{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
  if (!params.is_null()) m["params"] = params;
  return dump_json(m);
}

std::string initialize(const std::string& version = "2025-06-18") {
  return request(1, "initialize",
                 {{"protocolVersion", version},
                  {"capabilities", Json::object()},
                  {"clientInfo", {{"name", "t"}, {"version", "1"}}}});
}

Json call(Session& session, Collector& out, int id, const std::string& tool, const Json& args) {
  session.handle(request(id, "tools/call", {{"name", tool}, {"arguments", args}}), out.sink());
  return out.wait_for_id(id);
}

TEST(McpServer, InitializeNegotiatesTheVersion) {
  Server server({echo()});
  for (auto [asked, answered] :
       std::vector<std::pair<std::string, std::string>>{{"2025-06-18", "2025-06-18"},
                                                        {"2025-03-26", "2025-03-26"},
                                                        {"2024-11-05", "2024-11-05"},
                                                        {"2099-01-01", "2025-06-18"}}) {
    auto session = server.open_session();
    Collector out;
    EXPECT_EQ(session->handle(initialize(asked), out.sink()), Handled::replied);
    Json reply = out.wait_for_id(1);
    EXPECT_EQ(reply["result"]["protocolVersion"], answered) << asked;
    EXPECT_EQ(session->protocol_version(), answered);
    EXPECT_EQ(reply["result"]["serverInfo"]["name"], "alith");
    EXPECT_EQ(reply["result"]["capabilities"], (Json{{"tools", {{"listChanged", false}}}}));
    EXPECT_FALSE(session->initialized());
    EXPECT_EQ(session->handle(R"({"jsonrpc":"2.0","method":"notifications/initialized"})", out.sink()),
              Handled::no_reply);
    EXPECT_TRUE(session->initialized());
  }
  auto session = server.open_session();
  Collector out;
  session->handle(request(1, "initialize", {{"protocolVersion", 7}}), out.sink());
  EXPECT_EQ(out.wait_for_id(1)["error"]["code"], rpc_error::invalid_params);
}

TEST(McpServer, PingAndUnknownMethods) {
  Server server({echo()});
  auto session = server.open_session();
  Collector out;
  session->handle(request(1, "ping"), out.sink());
  EXPECT_EQ(out.wait_for_id(1)["result"], Json::object());
  for (int id = 2;
       const char* method : {"nope", "resources/list", "prompts/list", "sampling/createMessage"}) {
    session->handle(request(id, method), out.sink());
    EXPECT_EQ(out.wait_for_id(id)["error"]["code"], rpc_error::method_not_found) << method;
    ++id;
  }
  // Notifications and responses need no reply.
  EXPECT_EQ(session->handle(R"({"jsonrpc":"2.0","method":"notifications/whatever"})", out.sink()),
            Handled::no_reply);
  EXPECT_EQ(session->handle(R"({"jsonrpc":"2.0","id":9,"result":{}})", out.sink()), Handled::no_reply);
}

TEST(McpServer, MalformedMessagesGetErrorsWithNullId) {
  Server server({echo()}, {.max_message_bytes = 1000});
  auto session = server.open_session();
  for (std::string text : {std::string("{not json"), std::string("[]"),
                           std::string(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])"),
                           std::string(R"({"id":1,"method":"ping"})"),
                           std::string(R"({"jsonrpc":"2.0","id":{},"method":"ping"})"), std::string("42"),
                           std::string(2000, ' ') + "{}", std::string("\xff\xfe")}) {
    Collector out;
    EXPECT_EQ(session->handle(text, out.sink()), Handled::replied) << text;
    auto messages = out.messages();
    ASSERT_EQ(messages.size(), 1u) << text;
    int code = messages[0]["error"]["code"];
    EXPECT_TRUE(code == rpc_error::parse_error || code == rpc_error::invalid_request) << text;
    // The id, when it can still be read from the message, else null.
    if (text == R"({"id":1,"method":"ping"})")
      EXPECT_EQ(messages[0]["id"], 1);
    else
      EXPECT_TRUE(messages[0]["id"].is_null()) << text;
  }
  Collector out;
  session->handle("{broken", out.sink());
  EXPECT_EQ(out.messages().at(0)["error"]["code"], rpc_error::parse_error);
}

TEST(McpServer, ListsToolsInPages) {
  Server server({echo(), object_tool(), failing_tool()}, {.page_size = 2});
  auto session = server.open_session();
  Collector out;
  session->handle(request(1, "tools/list"), out.sink());
  Json first = out.wait_for_id(1)["result"];
  ASSERT_EQ(first["tools"].size(), 2u);
  EXPECT_EQ(first["tools"][0]["name"], "echo");
  EXPECT_EQ(first["tools"][0]["inputSchema"]["required"], Json::array({"text"}));
  ASSERT_TRUE(first.contains("nextCursor"));
  session->handle(request(2, "tools/list", {{"cursor", first["nextCursor"]}}), out.sink());
  Json second = out.wait_for_id(2)["result"];
  ASSERT_EQ(second["tools"].size(), 1u);
  EXPECT_EQ(second["tools"][0]["name"], "fail");
  EXPECT_FALSE(second.contains("nextCursor"));
  session->handle(request(3, "tools/list", {{"cursor", "bogus"}}), out.sink());
  EXPECT_EQ(out.wait_for_id(3)["error"]["code"], rpc_error::invalid_params);
  EXPECT_THROW(Server({echo(), echo()}), InvalidArgumentError);
}

TEST(McpServer, CallsToolsAndReportsToolErrorsAsResults) {
  Server server({echo(), object_tool(), failing_tool()});
  auto session = server.open_session();
  Collector out;
  session->handle(initialize(), out.sink());

  Json ok = call(*session, out, 2, "echo", {{"text", "hi"}});
  EXPECT_EQ(ok["result"]["content"], Json::parse(R"([{"type":"text","text":"hi"}])"));
  EXPECT_FALSE(ok["result"].value("isError", false));

  Json structured = call(*session, out, 3, "point", Json::object());
  EXPECT_EQ(structured["result"]["structuredContent"], (Json{{"x", 1}, {"y", 2}}));
  EXPECT_EQ(parse_json(structured["result"]["content"][0]["text"].get<std::string>()).value(),
            (Json{{"x", 1}, {"y", 2}}));

  Json bad = call(*session, out, 4, "echo", {{"text", 5}});
  EXPECT_TRUE(bad["result"]["isError"].get<bool>());
  EXPECT_NE(bad["result"]["content"][0]["text"].get<std::string>().find("Invalid arguments"),
            std::string::npos);

  Json extra = call(*session, out, 5, "echo", {{"text", "a"}, {"other", 1}});
  EXPECT_TRUE(extra["result"]["isError"].get<bool>());

  Json missing = call(*session, out, 6, "echo", Json::object());
  EXPECT_TRUE(missing["result"]["isError"].get<bool>());

  session->handle(request(7, "tools/call", {{"name", "echo"}, {"arguments", "text"}}), out.sink());
  EXPECT_TRUE(out.wait_for_id(7)["result"]["isError"].get<bool>());

  Json thrown = call(*session, out, 8, "fail", Json::object());
  EXPECT_TRUE(thrown["result"]["isError"].get<bool>());
  EXPECT_EQ(thrown["result"]["content"][0]["text"], "disk on fire");

  Json unknown = call(*session, out, 9, "nope", Json::object());
  EXPECT_EQ(unknown["error"]["code"], rpc_error::invalid_params);
  EXPECT_NE(unknown["error"]["message"].get<std::string>().find("nope"), std::string::npos);

  session->handle(request(10, "tools/call", {{"arguments", Json::object()}}), out.sink());
  EXPECT_EQ(out.wait_for_id(10)["error"]["code"], rpc_error::invalid_params);
}

TEST(McpServer, OlderRevisionsGetNoStructuredContent) {
  Server server({object_tool()});
  auto session = server.open_session();
  Collector out;
  session->handle(initialize("2025-03-26"), out.sink());
  Json reply = call(*session, out, 2, "point", Json::object());
  EXPECT_FALSE(reply["result"].contains("structuredContent"));
  EXPECT_EQ(reply["result"]["content"][0]["type"], "text");
}

TEST(McpServer, ASlowToolDoesNotBlockOthersAndCancellationStopsIt) {
  auto gate = std::make_shared<Gate>();
  Server server({echo(), slow_tool(gate)}, {.threads = 2});
  auto session = server.open_session();
  Collector out;
  EXPECT_EQ(session->handle(request(1, "tools/call", {{"name", "slow"}}), out.sink()), Handled::pending);
  gate->started.get_future().wait();
  EXPECT_TRUE(session->in_flight(RequestId(int64_t{1})));
  // Another call completes while the slow one runs.
  EXPECT_EQ(call(*session, out, 2, "echo", {{"text", "fast"}})["result"]["content"][0]["text"], "fast");
  EXPECT_EQ(
      session->handle(
          R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1,"reason":"user"}})",
          out.sink()),
      Handled::no_reply);
  session->drain();
  EXPECT_TRUE(gate->saw_cancel);
  EXPECT_FALSE(session->in_flight(RequestId(int64_t{1})));
  for (const auto& m : out.messages())
    EXPECT_NE(m.value("id", Json()), Json(1)) << "a cancelled call got a reply";
}

TEST(McpServer, ClosingASessionCancelsItsCalls) {
  auto gate = std::make_shared<Gate>();
  Server server({slow_tool(gate)});
  auto session = server.open_session();
  Collector out;
  session->handle(request(1, "tools/call", {{"name", "slow"}}), out.sink());
  gate->started.get_future().wait();
  session->close();
  EXPECT_TRUE(gate->saw_cancel);
  session->handle(request(2, "tools/call", {{"name", "slow"}}), out.sink());
  EXPECT_EQ(out.wait_for_id(2)["error"]["code"], rpc_error::internal_error);
}

TEST(McpServer, ProgressNotificationsPrecedeTheReply) {
  auto counter =
      make_progress_tool("count", "counts", Json{{"type", "object"}},
                         [](const Json&, const agent::ToolContext&, const ProgressFn& report) -> Json {
                           for (int i = 1; i <= 3; ++i) report(i, 3, "step " + std::to_string(i));
                           return "counted";
                         });
  Server server({counter});
  auto session = server.open_session();
  Collector out;
  session->handle(request(1, "tools/call", {{"name", "count"}, {"_meta", {{"progressToken", "tok"}}}}),
                  out.sink());
  Json reply = out.wait_for_id(1);
  EXPECT_EQ(reply["result"]["content"][0]["text"], "counted");
  auto messages = out.messages();
  ASSERT_EQ(messages.size(), 4u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(messages[i]["method"], "notifications/progress");
    EXPECT_EQ(messages[i]["params"]["progressToken"], "tok");
    EXPECT_EQ(messages[i]["params"]["progress"], i + 1);
    EXPECT_EQ(messages[i]["params"]["total"], 3);
  }
  // Without a token: no notifications.
  Collector quiet;
  session->handle(request(2, "tools/call", {{"name", "count"}}), quiet.sink());
  quiet.wait_for_id(2);
  EXPECT_EQ(quiet.messages().size(), 1u);
}

class Files : public ResourceProvider {
 public:
  Json list() override {
    return Json::array({{{"uri", "file:///a.txt"}, {"name", "a.txt"}, {"mimeType", "text/plain"}}});
  }
  Json read(const std::string& uri) override {
    if (uri != "file:///a.txt") throw InvalidArgumentError(uri);
    return Json::array({{{"uri", uri}, {"mimeType", "text/plain"}, {"text", "hello"}}});
  }
};

class Greetings : public PromptProvider {
 public:
  Json list() override {
    return Json::array({{{"name", "greet"}, {"arguments", {{{"name", "who"}, {"required", true}}}}}});
  }
  Json get(const std::string& name, const Json& arguments) override {
    if (name != "greet" || !arguments.contains("who")) throw InvalidArgumentError("greet needs who");
    return Json{
        {"messages",
         {{{"role", "user"},
           {"content", {{"type", "text"}, {"text", "Hello " + arguments["who"].get<std::string>()}}}}}}};
  }
};

TEST(McpServer, ResourcesAndPrompts) {
  Server server({echo()});
  server.set_resources(std::make_shared<Files>());
  server.set_prompts(std::make_shared<Greetings>());
  auto session = server.open_session();
  Collector out;
  session->handle(initialize(), out.sink());
  Json caps = out.wait_for_id(1)["result"]["capabilities"];
  EXPECT_TRUE(caps.contains("resources"));
  EXPECT_TRUE(caps.contains("prompts"));
  session->handle(request(2, "resources/list"), out.sink());
  EXPECT_EQ(out.wait_for_id(2)["result"]["resources"][0]["uri"], "file:///a.txt");
  session->handle(request(3, "resources/read", {{"uri", "file:///a.txt"}}), out.sink());
  EXPECT_EQ(out.wait_for_id(3)["result"]["contents"][0]["text"], "hello");
  session->handle(request(4, "resources/read", {{"uri", "file:///b.txt"}}), out.sink());
  EXPECT_EQ(out.wait_for_id(4)["error"]["code"], rpc_error::resource_not_found);
  session->handle(request(5, "resources/templates/list"), out.sink());
  EXPECT_EQ(out.wait_for_id(5)["result"]["resourceTemplates"], Json::array());
  session->handle(request(6, "prompts/list"), out.sink());
  EXPECT_EQ(out.wait_for_id(6)["result"]["prompts"][0]["name"], "greet");
  session->handle(request(7, "prompts/get", {{"name", "greet"}, {"arguments", {{"who", "Ada"}}}}),
                  out.sink());
  EXPECT_EQ(out.wait_for_id(7)["result"]["messages"][0]["content"]["text"], "Hello Ada");
  session->handle(request(8, "prompts/get", {{"name", "greet"}}), out.sink());
  EXPECT_EQ(out.wait_for_id(8)["error"]["code"], rpc_error::invalid_params);
}

TEST(McpServer, StdioServesLinesAndRefusesOversizedOnes) {
  Server server({echo()}, {.max_message_bytes = 200});
  std::stringstream in;
  in << initialize() << "\n"
     << R"({"jsonrpc":"2.0","method":"notifications/initialized"})"
     << "\n\n"
     << request(2, "tools/call", {{"name", "echo"}, {"arguments", {{"text", "x"}}}}) << "\r\n"
     << std::string(1000, 'a') << "\n"
     << request(3, "ping") << "\n"
     << request(4, "tools/call", {{"name", "echo"}, {"arguments", {{"text", "last"}}}});  // no final newline
  std::stringstream out;
  serve_stdio(server, in, out);
  std::vector<Json> replies;
  for (std::string line; std::getline(out, line);) replies.push_back(parse_json(line).value());
  ASSERT_EQ(replies.size(), 5u);
  int too_large = 0;
  std::set<int> ids;
  for (const auto& r : replies) {
    if (r["id"].is_null()) {
      EXPECT_EQ(r["error"]["code"], rpc_error::invalid_request);
      ++too_large;
    } else {
      ids.insert(r["id"].get<int>());
    }
  }
  EXPECT_EQ(too_large, 1);
  EXPECT_EQ(ids, (std::set<int>{1, 2, 3, 4}));
}

// Input that arrives a few bytes at a time (lines cut across reads) and a line longer than one read.
TEST(McpServer, StdioCutsLinesAcrossReads) {
  Server server({echo()}, {.max_message_bytes = 1 << 20});
  const std::string long_text(100 * 1024, 'z');
  std::string input =
      initialize() + "\n" + request(2, "tools/call", {{"name", "echo"}, {"arguments", {{"text", "short"}}}}) +
      "\n" + request(3, "tools/call", {{"name", "echo"}, {"arguments", {{"text", long_text}}}}) + "\n" +
      request(4, "ping") + "\n";
  // Hands out at most 7 bytes per refill, like a pipe that a slow writer feeds.
  struct Trickle : std::streambuf {
    explicit Trickle(std::string text) : text_(std::move(text)) {}
    int_type underflow() override {
      if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
      if (next_ == text_.size()) return traits_type::eof();
      const size_t n = std::min<size_t>(7, text_.size() - next_);
      char* start = text_.data() + next_;
      setg(start, start, start + n);
      next_ += n;
      return traits_type::to_int_type(*start);
    }
    std::string text_;
    size_t next_ = 0;
  } trickle(input);
  std::istream in(&trickle);
  std::stringstream out;
  serve_stdio(server, in, out);
  std::map<int, Json> replies;
  for (std::string line; std::getline(out, line);) {
    Json reply = parse_json(line).value();
    replies[reply["id"].get<int>()] = reply;
  }
  ASSERT_EQ(replies.size(), 4u);
  EXPECT_EQ(replies[2]["result"]["content"][0]["text"], "short");
  EXPECT_EQ(replies[3]["result"]["content"][0]["text"], long_text);
  EXPECT_TRUE(replies[4].contains("result"));
}

// Over stdio a slow call does not stop the next messages from being read and answered (the idle thread
// takes over reading), and cancelling it through stdin works.
TEST(McpServer, StdioKeepsReadingWhileACallRuns) {
  auto gate = std::make_shared<Gate>();
  Server server({echo(), slow_tool(gate)});
  int to_server[2];
  ASSERT_EQ(::pipe(to_server), 0);
  __gnu_cxx::stdio_filebuf<char> in_buf(to_server[0], std::ios::in);
  std::istream in(&in_buf);
  struct Out : std::streambuf {
    std::mutex mu;
    std::condition_variable cv;
    std::string text;
    int overflow(int c) override {
      std::lock_guard lock(mu);
      text += static_cast<char>(c);
      cv.notify_all();
      return c;
    }
    std::streamsize xsputn(const char* s, std::streamsize n) override {
      std::lock_guard lock(mu);
      text.append(s, static_cast<size_t>(n));
      cv.notify_all();
      return n;
    }
    bool wait_for(const std::string& needle) {
      std::unique_lock lock(mu);
      return cv.wait_for(lock, 30s, [&] { return text.find(needle) != std::string::npos; });
    }
  } out_buf;
  std::ostream out(&out_buf);
  std::thread serving([&] { serve_stdio(server, in, out); });
  auto send = [&](const std::string& line) {
    std::string l = line + "\n";
    ASSERT_EQ(::write(to_server[1], l.data(), l.size()), static_cast<ssize_t>(l.size()));
  };
  send(request(1, "tools/call", {{"name", "slow"}}));
  gate->started.get_future().wait();
  send(request(2, "tools/call", {{"name", "echo"}, {"arguments", {{"text", "while slow"}}}}));
  EXPECT_TRUE(out_buf.wait_for("while slow"));
  send(request(3, "ping"));
  EXPECT_TRUE(out_buf.wait_for(R"("id":3)"));
  send(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}})");
  ::close(to_server[1]);
  serving.join();
  EXPECT_TRUE(gate->saw_cancel);
  EXPECT_EQ(out_buf.text.find(R"("id":1,)"), std::string::npos);
}

// ---- Streamable HTTP
// ----------------------------------------------------------------------------------------

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<Server>(
        std::vector<std::shared_ptr<agent::Tool>>{
            echo(),
            make_progress_tool("count", "counts", Json{{"type", "object"}},
                               [](const Json&, const agent::ToolContext&, const ProgressFn& report) -> Json {
                                 for (int i = 1; i <= 2; ++i) report(i, 2, "");
                                 return "counted";
                               })},
        ServerOptions{.max_message_bytes = 4096});
    transport_ = std::make_unique<HttpTransport>(*server_);
    thread_ = std::thread([this] { transport_->run(); });
    url_ = "http://127.0.0.1:" + std::to_string(transport_->port()) + "/mcp";
  }
  void TearDown() override {
    transport_->stop();
    thread_.join();
  }
  http::Response post(const std::string& body, http::Headers extra = {}) {
    http::Request r;
    r.method = "POST";
    r.url = url_;
    r.body = body;
    r.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json, text/event-stream"}};
    for (auto& h : extra) r.headers.push_back(h);
    return client_.send(r);
  }
  http::Response send(const std::string& method, const std::string& url, http::Headers headers = {},
                      std::string body = {}) {
    http::Request r;
    r.method = method;
    r.url = url;
    r.headers = std::move(headers);
    r.body = std::move(body);
    return client_.send(r);
  }
  std::string open() {
    auto r = post(initialize());
    EXPECT_EQ(r.status, 200);
    return r.header("mcp-session-id").value_or("");
  }

  std::unique_ptr<Server> server_;
  std::unique_ptr<HttpTransport> transport_;
  std::thread thread_;
  std::string url_;
  http::Client client_;
};

TEST_F(HttpServerTest, SessionLifecycle) {
  auto init = post(initialize());
  ASSERT_EQ(init.status, 200);
  EXPECT_EQ(init.header("content-type").value_or(""), "application/json");
  auto id = init.header("mcp-session-id");
  ASSERT_TRUE(id && id->size() >= 32);
  EXPECT_EQ(parse_json(init.body).value()["result"]["protocolVersion"], "2025-06-18");
  http::Headers session{{"Mcp-Session-Id", *id}, {"MCP-Protocol-Version", "2025-06-18"}};

  EXPECT_EQ(post(R"({"jsonrpc":"2.0","method":"notifications/initialized"})", session).status, 202);
  auto list = post(request(2, "tools/list"), session);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(parse_json(list.body).value()["result"]["tools"].size(), 2u);
  auto called = post(request(3, "tools/call", {{"name", "echo"}, {"arguments", {{"text", "hey"}}}}), session);
  ASSERT_EQ(called.status, 200);
  EXPECT_EQ(parse_json(called.body).value()["result"]["content"][0]["text"], "hey");

  EXPECT_EQ(post(request(4, "tools/list")).status, 400);  // no session
  EXPECT_EQ(post(request(4, "tools/list"), {{"Mcp-Session-Id", "nope"}}).status, 404);
  EXPECT_EQ(post(request(4, "tools/list"), {{"Mcp-Session-Id", *id}, {"MCP-Protocol-Version", "1999-01-01"}})
                .status,
            400);

  EXPECT_EQ(send("DELETE", url_, session).status, 200);
  EXPECT_EQ(post(request(5, "tools/list"), session).status, 404);
}

TEST_F(HttpServerTest, ProgressStreamsAsServerSentEvents) {
  std::string id = open();
  auto r = post(request(2, "tools/call", {{"name", "count"}, {"_meta", {{"progressToken", 7}}}}),
                {{"Mcp-Session-Id", id}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type").value_or(""), "text/event-stream");
  std::vector<Json> events;
  std::istringstream body(r.body);
  for (std::string line; std::getline(body, line);)
    if (line.starts_with("data: ")) events.push_back(parse_json(line.substr(6)).value());
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0]["method"], "notifications/progress");
  EXPECT_EQ(events[0]["params"]["progressToken"], 7);
  EXPECT_EQ(events[2]["id"], 2);
  EXPECT_EQ(events[2]["result"]["content"][0]["text"], "counted");
}

TEST_F(HttpServerTest, RefusesBadRequests) {
  std::string id = open();
  http::Headers session{{"Mcp-Session-Id", id}};
  auto bad = post("{nope", session);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(parse_json(bad.body).value()["error"]["code"], rpc_error::parse_error);
  EXPECT_EQ(post(request(2, "nope"), session).status, 200);
  EXPECT_EQ(parse_json(post(request(2, "nope"), session).body).value()["error"]["code"],
            rpc_error::method_not_found);
  EXPECT_EQ(post(std::string(5000, ' '), session).status, 413);
  EXPECT_EQ(post(request(3, "ping"), {{"Mcp-Session-Id", id}, {"Origin", "http://evil.example"}}).status,
            403);
  EXPECT_EQ(post(request(3, "ping"), {{"Mcp-Session-Id", id}, {"Origin", "http://localhost:3000"}}).status,
            200);
  EXPECT_EQ(send("GET", url_).status, 405);
  EXPECT_EQ(send("GET", url_ + "x").status, 404);
  EXPECT_EQ(send("POST", url_, {{"Content-Type", "text/plain"}}, "{}").status, 415);
  // The connection survives all of that.
  EXPECT_EQ(post(request(4, "ping"), session).status, 200);
}

}  // namespace
}  // namespace alith::mcp
