// The MCP wire layer: JSON-RPC messages (valid and every malformed shape), versions, typed forms.

#include <gtest/gtest.h>

#include "alith/mcp/protocol.h"

namespace alith::mcp {
namespace {

Message must_parse(std::string_view text) {
  auto r = parse_message(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return std::move(r).value();
}

void expect_invalid(std::string_view text, bool json_syntax = false) {
  auto r = parse_message(text);
  ASSERT_FALSE(r.ok()) << text;
  EXPECT_EQ(r.error().code, ErrorCode::parse) << text;
  EXPECT_EQ(r.error().offset.has_value(), json_syntax) << text << ": " << r.error().message;
}

TEST(McpMessage, ParsesEachKind) {
  auto req = must_parse(R"({"jsonrpc":"2.0","id":7,"method":"tools/list","params":{"cursor":"x"}})");
  ASSERT_TRUE(std::holds_alternative<Request>(req));
  EXPECT_EQ(std::get<Request>(req).id, RequestId(int64_t{7}));
  EXPECT_EQ(std::get<Request>(req).method, "tools/list");
  EXPECT_EQ(std::get<Request>(req).params["cursor"], "x");

  auto sreq = must_parse(R"({"jsonrpc":"2.0","id":"abc","method":"ping"})");
  EXPECT_EQ(std::get<Request>(sreq).id, RequestId(std::string("abc")));
  EXPECT_TRUE(std::get<Request>(sreq).params.is_null());

  auto note = must_parse(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  EXPECT_EQ(std::get<Notification>(note).method, "notifications/initialized");

  auto resp = must_parse(R"({"jsonrpc":"2.0","id":1,"result":{"tools":[]}})");
  EXPECT_EQ(std::get<Response>(resp).result["tools"], Json::array());

  auto err =
      must_parse(R"({"jsonrpc":"2.0","id":2,"error":{"code":-32601,"message":"nope","data":{"x":1}}})");
  const auto& e = std::get<ErrorResponse>(err);
  EXPECT_EQ(e.error.code, rpc_error::method_not_found);
  EXPECT_EQ(e.error.message, "nope");
  EXPECT_EQ(e.error.data["x"], 1);
  EXPECT_EQ(e.id, RequestId(int64_t{2}));

  auto null_id = must_parse(R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"bad"}})");
  EXPECT_FALSE(std::get<ErrorResponse>(null_id).id.has_value());
}

TEST(McpMessage, RoundTrips) {
  std::vector<Message> messages{
      Request{int64_t{3}, "tools/call", Json{{"name", "echo"}, {"arguments", {{"message", "a\nb"}}}}},
      Request{std::string("id-1"), "ping", nullptr},
      Notification{"notifications/progress", Json{{"progressToken", 1}, {"progress", 0.5}}},
      Response{int64_t{4}, Json{{"ok", true}}},
      ErrorResponse{std::nullopt, RpcError{rpc_error::parse_error, "Parse error", nullptr}},
      ErrorResponse{RequestId(int64_t{9}), RpcError{rpc_error::invalid_params, "bad", Json{{"field", "x"}}}},
  };
  for (const auto& m : messages) {
    std::string line = serialize(m);
    EXPECT_EQ(line.find('\n'), std::string::npos) << line;
    auto back = must_parse(line);
    EXPECT_EQ(to_json(back), to_json(m)) << line;
  }
  EXPECT_EQ(to_json(Message(Response{int64_t{1}, nullptr}))["result"], Json::object());
}

TEST(McpMessage, RejectsEveryMalformedShape) {
  expect_invalid("", true);
  expect_invalid("{", true);
  expect_invalid("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\"} trailing", true);
  expect_invalid("\xff\xfe", true);
  expect_invalid("42");
  expect_invalid("\"text\"");
  expect_invalid("null");
  expect_invalid(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])");  // batches are not supported
  expect_invalid(R"({"id":1,"method":"ping"})");                    // no jsonrpc
  expect_invalid(R"({"jsonrpc":"1.0","id":1,"method":"ping"})");
  expect_invalid(R"({"jsonrpc":2.0,"id":1,"method":"ping"})");
  expect_invalid(R"({"jsonrpc":"2.0","id":1.5,"method":"ping"})");  // fractional id
  expect_invalid(R"({"jsonrpc":"2.0","id":true,"method":"ping"})");
  expect_invalid(R"({"jsonrpc":"2.0","id":{},"method":"ping"})");
  expect_invalid(R"({"jsonrpc":"2.0","id":[1],"method":"ping"})");
  expect_invalid(R"({"jsonrpc":"2.0","id":null,"method":"ping"})");
  expect_invalid(R"({"jsonrpc":"2.0","id":1,"method":5})");
  expect_invalid(R"({"jsonrpc":"2.0","id":1,"method":""})");
  expect_invalid(R"({"jsonrpc":"2.0","id":1,"method":"x","params":"s"})");
  expect_invalid(R"({"jsonrpc":"2.0","id":1,"method":"x","params":[1,2]})");
  expect_invalid(R"({"jsonrpc":"2.0","id":1,"method":"x","result":{}})");
  expect_invalid(R"({"jsonrpc":"2.0","id":1,"result":{},"error":{"code":1,"message":"m"}})");
  expect_invalid(R"({"jsonrpc":"2.0","result":{}})");  // response without id
  expect_invalid(R"({"jsonrpc":"2.0","id":1,"result":5})");
  expect_invalid(R"({"jsonrpc":"2.0","id":1,"error":"bad"})");
  expect_invalid(R"({"jsonrpc":"2.0","id":1,"error":{"message":"m"}})");
  expect_invalid(R"({"jsonrpc":"2.0","id":1,"error":{"code":"x","message":"m"}})");
  expect_invalid(R"({"jsonrpc":"2.0","id":1,"error":{"code":1.5,"message":"m"}})");
  expect_invalid(R"({"jsonrpc":"2.0","id":1,"error":{"code":99999999999,"message":"m"}})");
  expect_invalid(R"({"jsonrpc":"2.0","id":1,"error":{"code":1}})");
  expect_invalid(R"({"jsonrpc":"2.0","id":1})");
  expect_invalid(R"({"jsonrpc":"2.0","id":99999999999999999999,"method":"x"})");
  std::string deep(1000, '[');
  expect_invalid(deep, true);
}

TEST(McpMessage, OversizedIsTooLarge) {
  std::string big = R"({"jsonrpc":"2.0","method":"x","params":{"p":")" + std::string(2000, 'a') + "\"}}";
  auto r = parse_message(big, 1000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::too_large);
  EXPECT_TRUE(parse_message(big, big.size()).ok());
  auto reply = error_response_for(big, r.error());
  EXPECT_EQ(reply.error.code, rpc_error::invalid_request);
}

TEST(McpMessage, ErrorResponseForBadInput) {
  auto text = std::string("{not json");
  auto r = parse_message(text);
  ASSERT_FALSE(r.ok());
  auto reply = error_response_for(text, r.error());
  EXPECT_EQ(reply.error.code, rpc_error::parse_error);
  EXPECT_FALSE(reply.id.has_value());

  text = R"({"jsonrpc":"1.0","id":"q","method":"x"})";
  r = parse_message(text);
  ASSERT_FALSE(r.ok());
  reply = error_response_for(text, r.error());
  EXPECT_EQ(reply.error.code, rpc_error::invalid_request);
  EXPECT_EQ(reply.id, RequestId(std::string("q")));
}

TEST(McpMessage, McpErrorCarriesTheRpcError) {
  McpError e(rpc_error::invalid_params, "Unknown tool", Json{{"tool", "x"}});
  EXPECT_EQ(e.code(), ErrorCode::provider);
  EXPECT_EQ(e.rpc_code(), -32602);
  EXPECT_EQ(e.rpc_message(), "Unknown tool");
  EXPECT_EQ(e.data()["tool"], "x");
  EXPECT_NE(std::string(e.what()).find("-32602"), std::string::npos);
  EXPECT_EQ(e.to_rpc_error().code, -32602);
}

TEST(McpVersions, Negotiation) {
  EXPECT_EQ(latest_protocol_version, "2025-06-18");
  EXPECT_TRUE(is_supported_protocol_version("2025-03-26"));
  EXPECT_TRUE(is_supported_protocol_version("2024-11-05"));
  EXPECT_FALSE(is_supported_protocol_version("2025-11-25"));
  EXPECT_FALSE(is_supported_protocol_version(""));
  EXPECT_EQ(negotiate_protocol_version("2025-03-26"), "2025-03-26");
  EXPECT_EQ(negotiate_protocol_version("2025-11-25"), "2025-06-18");
  EXPECT_EQ(negotiate_protocol_version("garbage"), "2025-06-18");
}

TEST(McpMessage, ProgressToken) {
  EXPECT_EQ(progress_token_of(Json{{"_meta", {{"progressToken", 5}}}}), Json(5));
  EXPECT_EQ(progress_token_of(Json{{"_meta", {{"progressToken", "t"}}}}), Json("t"));
  EXPECT_FALSE(progress_token_of(Json{{"_meta", {{"progressToken", 1.5}}}}));
  EXPECT_FALSE(progress_token_of(Json{{"x", 1}}));
  EXPECT_FALSE(progress_token_of(Json()));
}

TEST(McpTypes, ContentBlocksOfEveryType) {
  Json blocks = Json::parse(R"([
    {"type":"text","text":"hello"},
    {"type":"image","data":"aGVsbG8=","mimeType":"image/png","annotations":{"priority":1}},
    {"type":"audio","data":"AAAA","mimeType":"audio/wav"},
    {"type":"resource_link","uri":"file:///a.txt","name":"a.txt","description":"A","mimeType":"text/plain"},
    {"type":"resource","resource":{"uri":"test://1","mimeType":"text/plain","text":"one"}},
    {"type":"resource","resource":{"uri":"test://2","blob":"AQID"}}
  ])");
  std::vector<ContentBlock::Type> types{ContentBlock::Type::text,     ContentBlock::Type::image,
                                        ContentBlock::Type::audio,    ContentBlock::Type::resource_link,
                                        ContentBlock::Type::resource, ContentBlock::Type::resource};
  for (size_t i = 0; i < blocks.size(); ++i) {
    auto r = parse<ContentBlock>(blocks[i]);
    ASSERT_TRUE(r.ok()) << blocks[i] << r.error().message;
    EXPECT_EQ(r->type, types[i]);
    EXPECT_EQ(to_json(*r), blocks[i]);
  }
  auto image = parse<ContentBlock>(blocks[1]).value();
  EXPECT_EQ(image.mime_type, "image/png");
  EXPECT_EQ(image.annotations["priority"], 1);
  auto blob = parse<ContentBlock>(blocks[5]).value();
  EXPECT_EQ(blob.resource->blob, "AQID");
  EXPECT_FALSE(blob.resource->text);

  for (const char* bad :
       {R"({"type":"text"})", R"({"type":"text","text":5})", R"({"type":"image","data":"x"})",
        R"({"type":"video","data":"x"})", R"({"type":"resource","resource":{"uri":"x"}})",
        R"({"type":"resource_link"})", R"({"text":"x"})", R"([1])"}) {
    auto r = parse<ContentBlock>(Json::parse(bad));
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, ErrorCode::parse);
    }
  }
  EXPECT_EQ(to_json(ContentBlock::make_text("t")), Json::parse(R"({"type":"text","text":"t"})"));
  EXPECT_EQ(to_json(ContentBlock::make_audio("QQ==", "audio/wav"))["type"], "audio");
}

TEST(McpTypes, ToolsAndCallResults) {
  Json list = Json::parse(R"({"tools":[
      {"name":"echo","description":"Echoes","inputSchema":{"type":"object","properties":{"message":{"type":"string"}}}},
      {"name":"structured","title":"S","inputSchema":{"type":"object"},
       "outputSchema":{"type":"object","properties":{"n":{"type":"number"}}},"annotations":{"readOnlyHint":true}}
    ],"nextCursor":"page2"})");
  auto r = parse<ListToolsResult>(list);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->tools.size(), 2u);
  EXPECT_EQ(r->tools[0].name, "echo");
  EXPECT_FALSE(r->tools[0].output_schema);
  EXPECT_EQ(r->tools[1].title, "S");
  EXPECT_EQ((*r->tools[1].output_schema)["properties"]["n"]["type"], "number");
  EXPECT_EQ(r->tools[1].annotations["readOnlyHint"], true);
  EXPECT_EQ(r->next_cursor, "page2");
  EXPECT_EQ(to_json(*r), list);

  EXPECT_FALSE(parse<ListToolsResult>(Json::parse(R"({"tools":[{"description":"no name"}]})")).ok());
  EXPECT_FALSE(parse<ListToolsResult>(Json::parse(R"({"tools":[{"name":"x"}]})")).ok());  // no inputSchema
  EXPECT_FALSE(parse<ListToolsResult>(Json::parse(R"({"tools":{}})")).ok());
  EXPECT_FALSE(parse<ListToolsResult>(Json::parse(R"({})")).ok());

  Json call = Json::parse(
      R"({"content":[{"type":"text","text":"{\"n\":3}"}],"structuredContent":{"n":3},"isError":false})");
  auto c = parse<CallToolResult>(call);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c->structured_content)["n"], 3);
  EXPECT_FALSE(c->is_error);
  auto failed =
      parse<CallToolResult>(Json::parse(R"({"content":[{"type":"text","text":"boom"}],"isError":true})"));
  ASSERT_TRUE(failed.ok());
  EXPECT_TRUE(failed->is_error);
  EXPECT_EQ(to_json(*failed)["isError"], true);
  EXPECT_FALSE(parse<CallToolResult>(Json::parse(R"({"content":[{"type":"text"}]})")).ok());
  EXPECT_FALSE(parse<CallToolResult>(Json::parse(R"({"content":[],"isError":"yes"})")).ok());
}

// Tool results are written without building their document; what is written parses to that document
// (as dump_json writes it).
TEST(McpTypes, CallResultWriterMatchesTheDocument) {
  CallToolResult text;
  text.content.push_back(ContentBlock::make_text("line one\n\"two\" caf\xC3\xA9 \xFF"));
  text.content.push_back(ContentBlock::make_text(""));
  CallToolResult mixed;
  mixed.content.push_back(ContentBlock::make_image("QQ==", "image/png"));
  ContentBlock annotated = ContentBlock::make_text("note");
  annotated.annotations = Json{{"priority", 0.5}};
  mixed.content.push_back(annotated);
  mixed.structured_content = Json{{"n", 3}, {"s", "x"}};
  mixed.is_error = true;
  CallToolResult empty;
  for (const CallToolResult* result : {&text, &mixed, &empty}) {
    std::string out;
    append_json(out, *result);
    auto parsed = parse_json(out);
    ASSERT_TRUE(parsed.ok()) << out;
    // Through dump_json: both replace invalid UTF-8 the same way.
    EXPECT_EQ(*parsed, parse_json(dump_json(to_json(*result))).value()) << out;
  }
}

TEST(McpMessage, RequestIdsAsText) {
  EXPECT_EQ(to_string(RequestId(int64_t{-42})), "-42");
  EXPECT_EQ(to_string(RequestId(INT64_MAX)), "9223372036854775807");
  EXPECT_EQ(to_string(RequestId(std::string("a\"b"))), R"("a\"b")");
  std::string out = "id:";
  append_json(out, RequestId(std::string("x")));
  EXPECT_EQ(out, R"(id:"x")");
}

TEST(McpTypes, InitializeAndCapabilities) {
  Json result = Json::parse(R"({"protocolVersion":"2025-06-18",
    "capabilities":{"tools":{"listChanged":true},"resources":{"subscribe":true},"prompts":{},"logging":{}},
    "serverInfo":{"name":"srv","version":"1.0","title":"Server"},"instructions":"be nice"})");
  auto r = parse<InitializeResult>(result);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->capabilities.tools);
  EXPECT_TRUE(r->capabilities.tools_list_changed);
  EXPECT_TRUE(r->capabilities.resources_subscribe);
  EXPECT_FALSE(r->capabilities.resources_list_changed);
  EXPECT_TRUE(r->capabilities.prompts);
  EXPECT_FALSE(r->capabilities.prompts_list_changed);
  EXPECT_TRUE(r->capabilities.logging);
  EXPECT_FALSE(r->capabilities.completions);
  EXPECT_EQ(r->server_info.title, "Server");
  EXPECT_EQ(r->instructions, "be nice");
  EXPECT_FALSE(parse<InitializeResult>(Json::parse(R"({"capabilities":{},"serverInfo":{"name":"x"}})")).ok());

  ServerCapabilities caps;
  caps.tools = true;
  caps.resources = true;
  caps.resources_subscribe = true;
  Json j = to_json(caps);
  EXPECT_EQ(j["tools"]["listChanged"], false);
  EXPECT_EQ(j["resources"]["subscribe"], true);
  EXPECT_FALSE(j.contains("prompts"));

  InitializeParams params{"2025-06-18", {}, {"alith", "0.1", ""}};
  auto back = parse<InitializeParams>(to_json(params));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->client_info.name, "alith");
  EXPECT_EQ(back->protocol_version, "2025-06-18");
}

TEST(McpTypes, ResourcesPromptsProgress) {
  Json resources = Json::parse(
      R"({"resources":[{"uri":"test://static/resource/1","name":"Resource 1","mimeType":"text/plain","size":12}]})");
  auto r = parse<ListResourcesResult>(resources);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->resources[0].size, 12);
  EXPECT_EQ(to_json(*r), resources);

  Json templates =
      Json::parse(R"({"resourceTemplates":[{"uriTemplate":"test://static/resource/{id}","name":"Static"}]})");
  auto t = parse<ListResourceTemplatesResult>(templates);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->resource_templates[0].uri_template, "test://static/resource/{id}");
  EXPECT_EQ(to_json(*t), templates);

  auto read = parse<ReadResourceResult>(
      Json::parse(R"({"contents":[{"uri":"u","text":"t"},{"uri":"v","blob":"AA=="}]})"));
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->contents[0].text, "t");
  EXPECT_EQ(read->contents[1].blob, "AA==");
  EXPECT_FALSE(parse<ReadResourceResult>(Json::parse(R"({"contents":[{"uri":"u"}]})")).ok());

  Json prompts = Json::parse(
      R"({"prompts":[{"name":"complex","description":"d","arguments":[{"name":"temperature","required":true}]}]})");
  auto p = parse<ListPromptsResult>(prompts);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->prompts[0].arguments[0].required);
  EXPECT_EQ(to_json(*p), prompts);

  Json get = Json::parse(
      R"({"description":"d","messages":[{"role":"user","content":{"type":"text","text":"hi"}}]})");
  auto g = parse<GetPromptResult>(get);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->messages[0].content.text, "hi");
  EXPECT_EQ(to_json(*g), get);
  EXPECT_FALSE(parse<GetPromptResult>(Json::parse(R"({"messages":[{"role":"user"}]})")).ok());

  auto progress =
      parse<ProgressParams>(Json::parse(R"({"progressToken":3,"progress":2,"total":10,"message":"m"})"));
  ASSERT_TRUE(progress.ok());
  EXPECT_EQ(progress->progress, 2);
  EXPECT_EQ(progress->total, 10);
  EXPECT_EQ(to_json(*progress)["progressToken"], 3);
  EXPECT_FALSE(parse<ProgressParams>(Json::parse(R"({"progressToken":3})")).ok());
  EXPECT_FALSE(parse<ProgressParams>(Json::parse(R"({"progressToken":[1],"progress":1})")).ok());
}

}  // namespace
}  // namespace alith::mcp
