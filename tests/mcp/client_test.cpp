// mcp::Client over stdio against a scripted server (scripted_server.py): requests, pagination, progress,
// notifications, server->client requests, and every failure: timeouts, cancellation, a server that exits
// mid-call, an oversized line, garbage on stdout, an unsupported version. Typed errors; nothing hangs.

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "agent/scripted_model.h"
#include "alith/agent/agent.h"
#include "alith/mcp/client.h"

namespace alith::mcp {
namespace {

std::unique_ptr<StdioTransport> scripted(std::vector<std::string> extra = {}, size_t max_bytes = 1 << 20,
                                         std::chrono::milliseconds write_timeout = std::chrono::seconds(30)) {
  StdioOptions options;
  options.command = "python3";
  options.args = {std::string(ALITH_MCP_TEST_DIR) + "/scripted_server.py"};
  options.args.insert(options.args.end(), extra.begin(), extra.end());
  options.max_message_bytes = max_bytes;
  options.stop_grace = std::chrono::milliseconds(500);
  options.write_timeout = write_timeout;
  return std::make_unique<StdioTransport>(std::move(options));
}

std::shared_ptr<Client> connect(std::vector<std::string> extra = {}, size_t max_bytes = 1 << 20) {
  return Client::connect(scripted(std::move(extra), max_bytes));
}

std::string first_text(const CallToolResult& r) {
  return r.content.empty() ? "" : r.content[0].text;
}

TEST(McpClient, InitializesAndPages) {
  auto client = connect();
  EXPECT_TRUE(client->connected());
  EXPECT_EQ(client->server().server_info.name, "scripted");
  EXPECT_EQ(client->protocol_version(), "2025-06-18");
  EXPECT_TRUE(client->server().capabilities.tools_list_changed);
  auto page = client->list_tools();
  EXPECT_EQ(page.tools.size(), 5u);
  EXPECT_EQ(page.next_cursor, "2");
  auto all = client->list_all_tools();
  ASSERT_EQ(all.size(), 10u);
  EXPECT_EQ(all[9].name, "image");
  client->ping();
  client->close();
  EXPECT_FALSE(client->connected());
  EXPECT_THROW(client->ping(), IoError);
}

TEST(McpClient, AcceptsAnOlderVersionTheServerPicks) {
  auto client = connect({"--version", "2025-03-26"});
  EXPECT_EQ(client->protocol_version(), "2025-03-26");
  EXPECT_EQ(first_text(client->call_tool("echo", {{"message", "x"}})), "Echo: x");
}

TEST(McpClient, RejectsAnUnknownVersion) {
  EXPECT_THROW(connect({"--version", "1999-01-01"}), UnsupportedError);
}

TEST(McpClient, CallsWithProgress) {
  auto client = connect();
  std::vector<ProgressParams> seen;
  RequestOptions options;
  options.on_progress = [&](const ProgressParams& p) { seen.push_back(p); };
  auto r = client->call_tool("echo", {{"message", "hi"}}, options);
  EXPECT_EQ(first_text(r), "Echo: hi");
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].progress, 1);
  EXPECT_EQ(seen[1].total, 2);
  EXPECT_EQ(seen[1].message, "step 2");
}

TEST(McpClient, TimesOutAndStaysUsable) {
  auto client = connect();
  RequestOptions options;
  options.timeout = std::chrono::milliseconds(200);
  EXPECT_THROW(client->call_tool("hang", Json::object(), options), TimeoutError);
  EXPECT_EQ(first_text(client->call_tool("echo", {{"message", "after"}})), "Echo: after");
  // The server was told: notifications/cancelled with the request's id (2: initialize was 1).
  auto seen = client->call_tool("cancellations").structured_content.value();
  ASSERT_EQ(seen["cancelled"].size(), 1u) << seen;
  EXPECT_EQ(seen["cancelled"][0]["requestId"], 2);
  EXPECT_EQ(seen["cancelled"][0]["reason"], "timed out");
}

TEST(McpClient, CancelsWithItsToken) {
  auto client = connect();
  RequestOptions options;
  options.cancel = CancelToken::create();
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    options.cancel.cancel();
  });
  EXPECT_THROW(client->call_tool("hang", Json::object(), options), CancelledError);
  canceller.join();
  client->ping();
}

TEST(McpClient, ServerExitingMidCallFailsAtOnce) {
  auto client = connect();
  RequestOptions options;
  options.timeout = std::chrono::minutes(5);  // the failure must come from the exit, not a timeout
  try {
    client->call_tool("exit", Json::object(), options);
    FAIL() << "no error";
  } catch (const IoError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("exited with status 3"), std::string::npos) << what;
    EXPECT_NE(what.find("exiting mid-call"), std::string::npos) << what;
  }
  EXPECT_FALSE(client->connected());
  EXPECT_THROW(client->ping(), IoError);
}

TEST(McpClient, OversizedMessageIsTooLarge) {
  auto client = connect({}, 1 << 20);
  RequestOptions options;
  options.timeout = std::chrono::minutes(5);
  EXPECT_THROW(client->call_tool("oversized", Json::object(), options), TooLargeError);
  EXPECT_FALSE(client->connected());
}

TEST(McpClient, AServerThatStopsReadingCannotBlockTheClient) {
  auto client = Client::connect(scripted({}, 1 << 20, std::chrono::milliseconds(300)));
  EXPECT_EQ(first_text(client->call_tool("stop_reading")), "not reading any more");
  RequestOptions options;
  options.timeout = std::chrono::minutes(5);
  // 4 MiB does not fit the pipe: the write gives up after write_timeout.
  EXPECT_THROW(client->call_tool("echo", {{"message", std::string(4 << 20, 'x')}}, options), IoError);
  client->close();  // stops the server (SIGTERM after the grace period)
}

TEST(McpClient, SkipsGarbageLines) {
  auto client = connect();
  EXPECT_EQ(first_text(client->call_tool("garbage")), "after garbage");
}

TEST(McpClient, DeliversNotificationsInOrder) {
  auto client = connect();
  std::atomic<int> list_changed{0};
  Json log;
  client->on_tools_list_changed([&] { ++list_changed; });
  client->on_notification("notifications/message", [&](const Json& params) { log = params; });
  // The server sends both notifications before the reply, on the same stream: they are handled first.
  EXPECT_EQ(first_text(client->call_tool("notify")), "notified");
  EXPECT_EQ(list_changed.load(), 1);
  EXPECT_EQ(log["data"], "hello");
}

TEST(McpClient, AnswersServerRequests) {
  auto client = connect();
  auto r = client->call_tool("ask_client");
  ASSERT_TRUE(r.structured_content);
  EXPECT_EQ((*r.structured_content)["ping"]["result"], Json::object());
  EXPECT_EQ((*r.structured_content)["sampling"]["error"]["code"], rpc_error::method_not_found);
}

TEST(McpClient, ToolErrorsAndRpcErrors) {
  auto client = connect();
  auto failed = client->call_tool("fail");
  EXPECT_TRUE(failed.is_error);
  EXPECT_EQ(first_text(failed), "it broke");
  try {
    client->call_tool("rpc_error");
    FAIL() << "no error";
  } catch (const McpError& e) {
    EXPECT_EQ(e.rpc_code(), rpc_error::invalid_params);
    EXPECT_EQ(e.code(), ErrorCode::provider);
  }
  try {
    client->request("no/such/method");
    FAIL() << "no error";
  } catch (const McpError& e) {
    EXPECT_EQ(e.rpc_code(), rpc_error::method_not_found);
  }
  EXPECT_NO_THROW(client->request("bad_result"));  // a raw request returns whatever object came
}

TEST(McpClient, ResourcesAndPrompts) {
  auto client = connect();
  auto resources = client->list_all_resources();
  ASSERT_EQ(resources.size(), 1u);
  EXPECT_EQ(client->read_resource("test://a").contents.at(0).text, "content of a");
  try {
    client->read_resource("test://missing");
    FAIL() << "no error";
  } catch (const McpError& e) {
    EXPECT_EQ(e.rpc_code(), rpc_error::resource_not_found);
  }
  std::mutex mu;
  std::condition_variable cv;
  std::string updated;
  client->on_resource_updated([&](const std::string& uri) {
    std::lock_guard lock(mu);
    updated = uri;
    cv.notify_all();
  });
  client->subscribe("test://a");
  {
    std::unique_lock lock(mu);
    cv.wait_for(lock, std::chrono::seconds(30), [&] { return !updated.empty(); });
  }
  EXPECT_EQ(updated, "test://a");
  auto prompts = client->list_prompts();
  ASSERT_EQ(prompts.prompts.size(), 1u);
  EXPECT_TRUE(prompts.prompts[0].arguments[0].required);
  auto prompt = client->get_prompt("greet", {{"who", "Ann"}});
  EXPECT_EQ(prompt.messages.at(0).content.text, "Hello Ann");
}

TEST(McpClient, ConcurrentCalls) {
  auto client = connect();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      for (int j = 0; j < 10; ++j) {
        std::string m = std::to_string(i) + "-" + std::to_string(j);
        if (first_text(client->call_tool("echo", {{"message", m}})) == "Echo: " + m) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 80);
}

TEST(McpClient, CloseFailsPendingCalls) {
  auto client = connect();
  std::atomic<bool> io_error{false};
  std::thread caller([&] {
    try {
      RequestOptions options;
      options.timeout = std::chrono::minutes(5);
      client->call_tool("hang", Json::object(), options);
    } catch (const IoError&) {
      io_error = true;
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  client->close();
  caller.join();
  EXPECT_TRUE(io_error.load());
}

TEST(McpClient, MissingProgramIsAnIoError) {
  StdioOptions options;
  options.command = "/nonexistent/mcp-server";
  EXPECT_THROW(Client::connect(std::make_unique<StdioTransport>(options)), IoError);
  EXPECT_THROW(StdioTransport(StdioOptions{}), InvalidArgumentError);
}

TEST(McpBridge, ServerToolsAsAgentTools) {
  auto client = connect();
  auto tools = mcp_tools(client, {"s_", std::nullopt});
  ASSERT_EQ(tools.size(), 10u);
  EXPECT_EQ(tools[0]->spec().name, "s_echo");
  EXPECT_EQ(tools[0]->spec().description, "scripted echo");
  EXPECT_EQ(tools[0]->spec().parameters["properties"]["message"]["type"], "string");

  agent::ToolContext context;
  auto echo = agent::run_tool(*tools[0], Json{{"message", "hey"}}, context);
  EXPECT_FALSE(echo.is_error);
  EXPECT_EQ(echo.content, "Echo: hey");
  auto bad_args = agent::run_tool(*tools[0], Json{{"message", 5}}, context);
  EXPECT_TRUE(bad_args.is_error);  // validated against the server's schema before the call

  std::shared_ptr<agent::Tool> fail, image;
  for (auto& t : tools) {
    if (t->spec().name == "s_fail") fail = t;
    if (t->spec().name == "s_image") image = t;
  }
  auto failed = agent::run_tool(*fail, Json::object(), context);
  EXPECT_TRUE(failed.is_error);
  EXPECT_NE(failed.content.find("it broke"), std::string::npos);
  auto pic = agent::run_tool(*image, Json::object(), context);
  EXPECT_FALSE(pic.is_error);
  EXPECT_NE(pic.content.find("[image: image/png"), std::string::npos) << pic.content;
  EXPECT_EQ(pic.content.find("iVBORw0KGgo"), std::string::npos) << pic.content;
  EXPECT_NE(pic.content.find("file:///x.txt"), std::string::npos) << pic.content;
}

TEST(McpBridge, AnAgentCallsAnMcpTool) {
  using agent::testing::make_call;
  using agent::testing::text_reply;
  using agent::testing::tool_reply;
  auto client = connect();
  auto model = std::make_shared<agent::testing::ScriptedModel>();
  model->push(tool_reply({make_call("c1", "echo", {{"message", "from the model"}})}));
  model->push([](const llm::ChatRequest& request, const llm::CallOptions&) {
    return text_reply("tool said: " + request.messages.back().text());
  });
  auto agent = agent::AgentBuilder().model(model).tools(mcp_tools(client)).build();
  EXPECT_EQ(agent->prompt("go"), "tool said: Echo: from the model");
}

TEST(McpBridge, ResultMapping) {
  CallToolResult r;
  r.content.push_back(ContentBlock::make_text("a"));
  r.content.push_back(ContentBlock::make_audio("AAAA", "audio/wav"));
  ContentBlock embedded;
  embedded.type = ContentBlock::Type::resource;
  embedded.resource = ResourceContents{"test://r", "text/plain", std::string("inner"), std::nullopt};
  r.content.push_back(embedded);
  Json j = tool_result_to_json(r);
  ASSERT_TRUE(j.is_string());
  EXPECT_EQ(j.get<std::string>(), "a\n[audio: audio/wav, 3 bytes]\n[resource test://r]\ninner");
  r.structured_content = Json{{"n", 1}};
  EXPECT_EQ(tool_result_to_json(r), (Json{{"n", 1}}));
}

}  // namespace
}  // namespace alith::mcp
