// mcp::Client against the real reference servers from npm (scripts/mcp-peers, pinned by
// tests/mcp/node/package-lock.json): @modelcontextprotocol/server-everything over stdio and over Streamable
// HTTP, and @modelcontextprotocol/server-filesystem over stdio on a temporary folder. Skips when the peers
// or node are missing.

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "agent/scripted_model.h"
#include "alith/agent/agent.h"
#include "alith/mcp/client.h"
#include "alith/mcp/config.h"
#include "support/child_process.h"
#include "support/temp_dir.h"

namespace alith::mcp {
namespace {

namespace fs = std::filesystem;

std::string node_modules() {
  if (const char* env = std::getenv("ALITH_MCP_NODE_MODULES"); env && *env) return env;
  return alith::testing::peers_dir() + "/mcp-node";
}

std::string node() {
  return alith::testing::find_in_path("node");
}

std::string everything_js() {
  return node_modules() + "/@modelcontextprotocol/server-everything/dist/index.js";
}
std::string filesystem_js() {
  return node_modules() + "/@modelcontextprotocol/server-filesystem/dist/index.js";
}

#define SKIP_WITHOUT_PEERS()                                                                     \
  do {                                                                                           \
    if (node().empty() || !fs::exists(everything_js()) || !fs::exists(filesystem_js())) {        \
      GTEST_SKIP() << "MCP reference servers not installed (scripts/mcp-peers) or node missing"; \
    }                                                                                            \
  } while (0)

std::string text_of(const CallToolResult& r) {
  std::string out;
  for (const auto& b : r.content) {
    if (b.type == ContentBlock::Type::text) out += b.text;
  }
  return out;
}

const Tool* find_tool(const std::vector<Tool>& tools, const std::string& name) {
  for (const auto& t : tools) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

// Everything the everything-server offers, over whichever transport the client has.
void exercise_everything(Client& client) {
  EXPECT_TRUE(is_supported_protocol_version(client.protocol_version()));
  EXPECT_TRUE(client.server().capabilities.tools);
  EXPECT_TRUE(client.server().capabilities.resources);
  EXPECT_TRUE(client.server().capabilities.prompts);
  client.ping();

  auto tools = client.list_all_tools();
  ASSERT_NE(find_tool(tools, "echo"), nullptr);
  ASSERT_NE(find_tool(tools, "get-sum"), nullptr);
  ASSERT_NE(find_tool(tools, "get-tiny-image"), nullptr);
  EXPECT_EQ(find_tool(tools, "echo")->input_schema["type"], "object");
  const Tool* structured = find_tool(tools, "get-structured-content");
  ASSERT_NE(structured, nullptr);
  EXPECT_TRUE(structured->output_schema.has_value());

  EXPECT_EQ(text_of(client.call_tool("echo", {{"message", "hello mcp"}})), "Echo: hello mcp");
  auto sum = client.call_tool("get-sum", {{"a", 2}, {"b", 3}});
  EXPECT_FALSE(sum.is_error);
  EXPECT_NE(text_of(sum).find('5'), std::string::npos) << text_of(sum);

  auto image = client.call_tool("get-tiny-image");
  bool has_image = false;
  for (const auto& b : image.content) {
    if (b.type == ContentBlock::Type::image) {
      has_image = true;
      EXPECT_EQ(b.mime_type, "image/png");
      EXPECT_FALSE(b.data.empty());
    }
  }
  EXPECT_TRUE(has_image);

  auto weather = client.call_tool("get-structured-content", {{"location", "New York"}});
  ASSERT_TRUE(weather.structured_content.has_value()) << dump_json(to_json(weather));
  EXPECT_TRUE(weather.structured_content->is_object());

  auto links = client.call_tool("get-resource-links", {{"count", 2}});
  int link_count = 0;
  for (const auto& b : links.content) link_count += b.type == ContentBlock::Type::resource_link;
  EXPECT_EQ(link_count, 2) << dump_json(to_json(links));

  auto reference = client.call_tool("get-resource-reference", {{"resourceType", "Text"}, {"resourceId", 1}});
  bool embedded = false;
  for (const auto& b : reference.content) embedded = embedded || b.type == ContentBlock::Type::resource;
  EXPECT_TRUE(embedded) << dump_json(to_json(reference));

  // A long-running tool reports progress to the caller.
  std::atomic<int> progress{0};
  RequestOptions with_progress;
  with_progress.on_progress = [&](const ProgressParams& p) {
    ++progress;
    EXPECT_EQ(p.total, 3);
  };
  auto done =
      client.call_tool("trigger-long-running-operation", {{"duration", 0.3}, {"steps", 3}}, with_progress);
  EXPECT_NE(text_of(done).find("completed"), std::string::npos) << text_of(done);
  EXPECT_EQ(progress.load(), 3);

  // Bad arguments: the server answers with a tool error or an invalid-params error, never a hang.
  try {
    auto bad = client.call_tool("get-sum", {{"a", "not a number"}});
    EXPECT_TRUE(bad.is_error);
  } catch (const McpError& e) {
    EXPECT_EQ(e.rpc_code(), rpc_error::invalid_params);
  }
  // An unknown tool: this SDK answers with an isError result (older ones with -32602).
  try {
    auto unknown = client.call_tool("no-such-tool");
    EXPECT_TRUE(unknown.is_error);
    EXPECT_NE(text_of(unknown).find("no-such-tool"), std::string::npos) << text_of(unknown);
  } catch (const McpError& e) {
    EXPECT_EQ(e.rpc_code(), rpc_error::invalid_params);
  }

  auto resources = client.list_all_resources();
  ASSERT_FALSE(resources.empty());
  auto read = client.read_resource(resources[0].uri);
  ASSERT_FALSE(read.contents.empty());
  EXPECT_EQ(read.contents[0].uri, resources[0].uri);
  EXPECT_TRUE(read.contents[0].text || read.contents[0].blob);

  auto templates = client.list_resource_templates();
  ASSERT_FALSE(templates.resource_templates.empty());
  EXPECT_NE(templates.resource_templates[0].uri_template.find('{'), std::string::npos);
  auto dynamic = client.read_resource("demo://resource/dynamic/text/1");
  ASSERT_FALSE(dynamic.contents.empty());
  EXPECT_TRUE(dynamic.contents[0].text.has_value());

  // Subscriptions: the server sends notifications/resources/updated outside any request (over HTTP on the
  // GET stream), at once when updates are switched on and every 5 s after.
  ASSERT_TRUE(client.server().capabilities.resources_subscribe);
  std::mutex mu;
  std::condition_variable cv;
  std::string updated;
  client.on_resource_updated([&](const std::string& uri) {
    std::lock_guard lock(mu);
    updated = uri;
    cv.notify_all();
  });
  client.subscribe(resources[0].uri);
  client.call_tool("toggle-subscriber-updates");
  {
    std::unique_lock lock(mu);
    cv.wait_for(lock, std::chrono::seconds(30), [&] { return !updated.empty(); });
  }
  EXPECT_EQ(updated, resources[0].uri);
  client.call_tool("toggle-subscriber-updates");
  client.unsubscribe(resources[0].uri);
  client.on_resource_updated([](const std::string&) {});

  auto prompts = client.list_prompts();
  bool simple = false;
  for (const auto& p : prompts.prompts) simple = simple || p.name == "simple-prompt";
  EXPECT_TRUE(simple);
  auto prompt = client.get_prompt("simple-prompt");
  ASSERT_FALSE(prompt.messages.empty());
  EXPECT_EQ(prompt.messages[0].content.type, ContentBlock::Type::text);
  auto args_prompt = client.get_prompt("args-prompt", {{"city", "Paris"}});
  ASSERT_FALSE(args_prompt.messages.empty());
  EXPECT_NE(args_prompt.messages[0].content.text.find("Paris"), std::string::npos);
}

TEST(McpReferenceServers, EverythingOverStdio) {
  SKIP_WITHOUT_PEERS();
  StdioOptions options;
  options.command = node();
  options.args = {everything_js(), "stdio"};
  options.stop_grace = std::chrono::milliseconds(1000);
  auto client = Client::connect(std::make_unique<StdioTransport>(options));
  exercise_everything(*client);
  client->close();
}

TEST(McpReferenceServers, EverythingOverStreamableHttp) {
  SKIP_WITHOUT_PEERS();
  alith::testing::TempDir dir;
  int port = alith::testing::free_loopback_port();
  alith::testing::ChildOptions child_options({node(), everything_js(), "streamableHttp"},
                                             (dir.path() / "server.log").string());
  child_options.env = {"PORT=" + std::to_string(port)};
  child_options.stop_grace = std::chrono::milliseconds(2000);
  alith::testing::ChildProcess server(child_options);
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/mcp";
  alith::testing::wait_until_ready(server, "server-everything", std::chrono::seconds(30),
                                   [&] { return alith::testing::http_status(url) != 0; });
  HttpTransportOptions options;
  options.url = url;
  auto transport = std::make_unique<StreamableHttpTransport>(options);
  auto* http = transport.get();
  auto client = Client::connect(std::move(transport));
  EXPECT_FALSE(http->session_id().empty());
  exercise_everything(*client);
  client->close();
  server.stop();
}

TEST(McpReferenceServers, FilesystemOverStdio) {
  SKIP_WITHOUT_PEERS();
  alith::testing::TempDir allowed, outside;
  std::ofstream(allowed.path() / "notes.txt") << "hello from a file\n";
  fs::create_directory(allowed.path() / "sub");
  StdioOptions options;
  options.command = node();
  options.args = {filesystem_js(), fs::canonical(allowed.path()).string()};
  options.stop_grace = std::chrono::milliseconds(1000);
  auto client = Client::connect(std::make_unique<StdioTransport>(options));
  auto tools = client->list_all_tools();
  ASSERT_NE(find_tool(tools, "list_directory"), nullptr);

  std::string root = fs::canonical(allowed.path()).string();
  auto listing = client->call_tool("list_directory", {{"path", root}});
  EXPECT_FALSE(listing.is_error);
  EXPECT_NE(text_of(listing).find("notes.txt"), std::string::npos) << text_of(listing);
  EXPECT_NE(text_of(listing).find("[DIR] sub"), std::string::npos) << text_of(listing);

  auto read = client->call_tool("read_text_file", {{"path", root + "/notes.txt"}});
  EXPECT_FALSE(read.is_error);
  EXPECT_NE(text_of(read).find("hello from a file"), std::string::npos);

  auto write_inside = client->call_tool("write_file", {{"path", root + "/new.txt"}, {"content", "written"}});
  EXPECT_FALSE(write_inside.is_error) << text_of(write_inside);

  std::string forbidden = fs::canonical(outside.path()).string() + "/evil.txt";
  auto write_outside = client->call_tool("write_file", {{"path", forbidden}, {"content", "x"}});
  EXPECT_TRUE(write_outside.is_error);
  EXPECT_FALSE(fs::exists(forbidden));
  auto edit_outside = client->call_tool(
      "edit_file", {{"path", forbidden}, {"edits", Json::array({{{"oldText", "a"}, {"newText", "b"}}})}});
  EXPECT_TRUE(edit_outside.is_error);
  client->close();
  std::ifstream in(allowed.path() / "new.txt");
  std::string content((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(content, "written");
}

// An agent (the scripted model) configured from an mcpServers file calls a real server's tool: what
// `alith ask --mcp servers.json` does.
TEST(McpReferenceServers, AgentUsesToolsFromAConfigFile) {
  SKIP_WITHOUT_PEERS();
  using agent::testing::make_call;
  using agent::testing::text_reply;
  using agent::testing::tool_reply;
  alith::testing::TempDir dir;
  auto path = dir.path() / "servers.json";
  std::ofstream(path)
      << Json{{"mcpServers", {{"everything", {{"command", node()}, {"args", {everything_js()}}}}}}}.dump();
  McpServers servers(load_config(path));
  auto model = std::make_shared<agent::testing::ScriptedModel>();
  model->push(tool_reply({make_call("c1", "get-sum", {{"a", 20}, {"b", 22}})}));
  model->push([](const llm::ChatRequest& request, const llm::CallOptions&) {
    return text_reply("tool said: " + request.messages.back().text());
  });
  auto agent = agent::AgentBuilder().model(model).tools(servers.tools()).build();
  std::string answer = agent->prompt("what is 20 + 22?");
  EXPECT_NE(answer.find("42"), std::string::npos) << answer;
  servers.close();
}

}  // namespace
}  // namespace alith::mcp
