// The Anthropic Messages API provider: request bodies, replies, streamed events, and the HTTP side against a
// scripted server replaying the API's documented shapes.

#include <gtest/gtest.h>

#include "alith/core/error.h"
#include "alith/core/sse.h"
#include "alith/llm/anthropic.h"
#include "llm_test_util.h"

namespace alith::llm {
namespace {

using test::parse;
using testing::ScriptedReply;
using testing::ScriptedServer;

AnthropicOptions wire_options() {
  AnthropicOptions o;
  o.model = "claude-test";
  o.default_max_tokens = 1024;
  return o;
}

TEST(AnthropicRequest, SystemJoinedAndMaxTokensRequired) {
  ChatRequest r;
  r.messages = {Message::system("You are terse."), Message::user("hi"), Message::system("Answer in French.")};
  Json body = anthropic::request_body(r, wire_options(), false);
  EXPECT_EQ(body["model"], "claude-test");
  EXPECT_EQ(body["max_tokens"], 1024);
  EXPECT_EQ(body["system"], "You are terse.\n\nAnswer in French.");
  EXPECT_EQ(body["messages"], parse(R"([{"role":"user","content":[{"type":"text","text":"hi"}]}])"));
  EXPECT_FALSE(body.contains("stream"));
  EXPECT_FALSE(body.contains("tools"));

  r.max_tokens = 77;
  r.model = "claude-other";
  body = anthropic::request_body(r, wire_options(), true);
  EXPECT_EQ(body["max_tokens"], 77);
  EXPECT_EQ(body["model"], "claude-other");
  EXPECT_EQ(body["stream"], true);
}

TEST(AnthropicRequest, ToolUseAndMergedToolResults) {
  ChatRequest r;
  r.messages = {
      Message::user("weather and time?"),
      Message::assistant("Checking both.", {ToolCall{"toolu_1", "get_weather", Json{{"city", "Paris"}}, ""},
                                            ToolCall{"toolu_2", "get_time", nullptr, "{bad"}}),
      Message::tool_result("toolu_1", "get_weather", "sunny"),
      Message::tool_result("toolu_2", "get_time", "arguments were not JSON", true),
      Message::user("thanks"),
  };
  const Json body = anthropic::request_body(r, wire_options(), false);
  EXPECT_EQ(body["messages"], parse(R"([
    {"role":"user","content":[{"type":"text","text":"weather and time?"}]},
    {"role":"assistant","content":[
      {"type":"text","text":"Checking both."},
      {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}},
      {"type":"tool_use","id":"toolu_2","name":"get_time","input":{}}]},
    {"role":"user","content":[
      {"type":"tool_result","tool_use_id":"toolu_1","content":"sunny"},
      {"type":"tool_result","tool_use_id":"toolu_2","content":"arguments were not JSON","is_error":true},
      {"type":"text","text":"thanks"}]}])"));
}

TEST(AnthropicRequest, Images) {
  ChatRequest r;
  Message m;
  m.role = Role::user;
  m.content = {ContentPart::make_image_base64("image/png", "iVBOR"),
               ContentPart::make_image_url("https://x/a.jpg"),
               ContentPart::make_image_url("data:image/gif;base64,R0lG"), ContentPart::make_text("describe")};
  r.messages = {m};
  const Json body = anthropic::request_body(r, wire_options(), false);
  EXPECT_EQ(body["messages"][0]["content"], parse(R"([
    {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBOR"}},
    {"type":"image","source":{"type":"url","url":"https://x/a.jpg"}},
    {"type":"image","source":{"type":"base64","media_type":"image/gif","data":"R0lG"}},
    {"type":"text","text":"describe"}])"));
}

TEST(AnthropicRequest, ToolsChoiceAndSampling) {
  ChatRequest r;
  r.messages = {Message::user("x")};
  r.tools = {ToolSpec{"lookup", "Look a word up", Json{{"type", "object"}}}};
  r.sampling.temperature = 0.5;
  r.sampling.top_p = 0.8;
  r.sampling.top_k = 20;
  r.sampling.seed = 1;  // not in the Messages API: dropped
  r.stop = {"###"};
  Json body = anthropic::request_body(r, wire_options(), false);
  EXPECT_EQ(body["tools"],
            parse(R"([{"name":"lookup","description":"Look a word up","input_schema":{"type":"object"}}])"));
  EXPECT_EQ(body["tool_choice"], parse(R"({"type":"auto"})"));
  EXPECT_EQ(body["temperature"], 0.5);
  EXPECT_EQ(body["top_p"], 0.8);
  EXPECT_EQ(body["top_k"], 20);
  EXPECT_EQ(body["stop_sequences"], parse(R"(["###"])"));
  EXPECT_FALSE(body.contains("seed"));

  r.tool_choice = ToolChoice::required_choice();
  EXPECT_EQ(anthropic::request_body(r, wire_options(), false)["tool_choice"], parse(R"({"type":"any"})"));
  r.tool_choice = ToolChoice::none_choice();
  EXPECT_EQ(anthropic::request_body(r, wire_options(), false)["tool_choice"], parse(R"({"type":"none"})"));
  r.tool_choice = ToolChoice::named("lookup");
  r.parallel_tool_calls = false;
  EXPECT_EQ(anthropic::request_body(r, wire_options(), false)["tool_choice"],
            parse(R"({"type":"tool","name":"lookup","disable_parallel_tool_use":true})"));

  r.extra = Json{{"metadata", {{"user_id", "u1"}}}, {"temperature", nullptr}};
  body = anthropic::request_body(r, wire_options(), false);
  EXPECT_EQ(body["metadata"]["user_id"], "u1");
  EXPECT_FALSE(body.contains("temperature"));
}

// A reply in the documented shape with text and tool_use blocks interleaved.
const char* kInterleavedReply = R"({
  "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
  "type": "message",
  "role": "assistant",
  "model": "claude-sonnet-4-5-20250929",
  "content": [
    {"type": "text", "text": "I'll check the weather. "},
    {"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "get_weather",
     "input": {"location": "San Francisco, CA", "unit": "celsius"}},
    {"type": "text", "text": "And the time."},
    {"type": "tool_use", "id": "toolu_01B", "name": "get_time", "input": {}}
  ],
  "stop_reason": "tool_use",
  "stop_sequence": null,
  "usage": {"input_tokens": 472, "output_tokens": 91, "cache_read_input_tokens": 8}
})";

TEST(AnthropicResponse, InterleavedTextAndToolUse) {
  const ChatResponse r = anthropic::parse_response(parse(kInterleavedReply));
  EXPECT_EQ(r.message.text(), "I'll check the weather. And the time.");
  ASSERT_EQ(r.message.tool_calls.size(), 2u);
  EXPECT_EQ(r.message.tool_calls[0].id, "toolu_01A09q90qw90lq917835lq9");
  EXPECT_EQ(r.message.tool_calls[0].name, "get_weather");
  EXPECT_EQ(r.message.tool_calls[0].arguments["location"], "San Francisco, CA");
  EXPECT_EQ(r.message.tool_calls[1].name, "get_time");
  EXPECT_EQ(r.message.tool_calls[1].arguments, Json::object());
  EXPECT_EQ(r.finish_reason, FinishReason::tool_calls);
  EXPECT_EQ(r.raw_finish_reason, "tool_use");
  EXPECT_EQ(r.usage.prompt_tokens, 480);
  EXPECT_EQ(r.usage.completion_tokens, 91);
  EXPECT_EQ(r.usage.total_tokens, 571);
  EXPECT_EQ(r.model, "claude-sonnet-4-5-20250929");
  EXPECT_EQ(r.id, "msg_01XFDUDYJgAACzvnptvVoYEL");
}

TEST(AnthropicResponse, StopReasons) {
  const auto reason = [](const char* raw) {
    return anthropic::parse_response(
               parse(std::string(R"({"content":[{"type":"text","text":"x"}],"stop_reason":")") + raw + "\"}"))
        .finish_reason;
  };
  EXPECT_EQ(reason("end_turn"), FinishReason::stop);
  EXPECT_EQ(reason("stop_sequence"), FinishReason::stop);
  EXPECT_EQ(reason("max_tokens"), FinishReason::length);
  EXPECT_EQ(reason("tool_use"), FinishReason::tool_calls);
  EXPECT_EQ(reason("refusal"), FinishReason::content_filter);
  EXPECT_EQ(reason("pause_turn"), FinishReason::other);
}

TEST(AnthropicResponse, ErrorsAndWrongShapes) {
  try {
    (void)anthropic::parse_response(
        parse(R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})"));
    FAIL();
  } catch (const ProviderError& e) {
    EXPECT_EQ(e.status(), 529);
  }
  EXPECT_THROW((void)anthropic::parse_response(parse("[]")), ParseError);
  EXPECT_THROW((void)anthropic::parse_response(parse(R"({"content":"text"})")), ParseError);
}

// The documented streaming sequence: text block, then two tool_use blocks whose input arrives as
// input_json_delta fragments, with pings in between.
std::vector<std::string> stream_events() {
  return {
      R"(event: message_start
data: {"type":"message_start","message":{"id":"msg_014p7gG3wDgGV9EUtLvnow3U","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","stop_sequence":null,"usage":{"input_tokens":472,"output_tokens":2},"content":[],"stop_reason":null}})",
      R"(event: content_block_start
data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})",
      R"(event: ping
data: {"type": "ping"})",
      R"(event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Okay, let me check "}})",
      R"(event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"the weather — ☀?"}})",
      R"(event: content_block_stop
data: {"type":"content_block_stop","index":0})",
      R"(event: content_block_start
data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"get_weather","input":{}}})",
      R"(event: content_block_delta
data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}})",
      R"(event: content_block_delta
data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"location\":"}})",
      R"(event: content_block_delta
data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":" \"San Francisco, CA\"}"}})",
      R"(event: content_block_stop
data: {"type":"content_block_stop","index":1})",
      R"(event: ping
data: {"type": "ping"})",
      R"(event: content_block_start
data: {"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_02","name":"get_time","input":{}}})",
      R"(event: content_block_delta
data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"tz\": \"PST\"}"}})",
      R"(event: content_block_stop
data: {"type":"content_block_stop","index":2})",
      R"(event: message_delta
data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":89}})",
      R"(event: message_stop
data: {"type":"message_stop"})",
  };
}

void expect_stream_result(const ChatResponse& r) {
  EXPECT_EQ(r.message.text(), "Okay, let me check the weather — ☀?");
  ASSERT_EQ(r.message.tool_calls.size(), 2u);
  EXPECT_EQ(r.message.tool_calls[0].id, "toolu_01T1x1fJ34qAmk2tNTrN7Up6");
  EXPECT_EQ(r.message.tool_calls[0].arguments, (Json{{"location", "San Francisco, CA"}}));
  EXPECT_EQ(r.message.tool_calls[1].name, "get_time");
  EXPECT_EQ(r.message.tool_calls[1].arguments, (Json{{"tz", "PST"}}));
  EXPECT_EQ(r.finish_reason, FinishReason::tool_calls);
  EXPECT_EQ(r.usage.prompt_tokens, 472);
  EXPECT_EQ(r.usage.completion_tokens, 89);
  EXPECT_EQ(r.usage.total_tokens, 561);
  EXPECT_EQ(r.id, "msg_014p7gG3wDgGV9EUtLvnow3U");
  EXPECT_EQ(r.model, "claude-sonnet-4-5-20250929");
}

TEST(AnthropicStream, FullEventSequenceAtEverySplitPoint) {
  std::string bytes;
  for (const auto& e : stream_events()) bytes += e + "\n\n";
  for (size_t split = 0; split <= bytes.size(); split += 1) {
    sse::Parser parser;
    anthropic::StreamAssembler assembler;
    std::vector<StreamEvent> events;
    const auto on_sse = [&](sse::Event&& e) {
      assembler.on_event(e.type, e.data, [&](const StreamEvent& ev) { events.push_back(ev); });
    };
    ASSERT_TRUE(parser.feed(std::string_view(bytes).substr(0, split), on_sse).ok());
    ASSERT_TRUE(parser.feed(std::string_view(bytes).substr(split), on_sse).ok());
    ASSERT_TRUE(assembler.done());
    const ChatResponse r = assembler.finish();
    ASSERT_EQ(r.message.tool_calls.size(), 2u) << split;
    ASSERT_EQ(r.message.tool_calls[0].arguments, (Json{{"location", "San Francisco, CA"}})) << split;
    if (split == 0) {
      expect_stream_result(r);
      using K = StreamEvent::Kind;
      std::vector<K> kinds;
      for (const auto& e : events) kinds.push_back(e.kind);
      EXPECT_EQ(kinds,
                (std::vector<K>{K::text_delta, K::text_delta, K::tool_call_start, K::tool_call_delta,
                                K::tool_call_delta, K::tool_call_start, K::tool_call_delta, K::usage}));
      EXPECT_EQ(events[2].index, 0);
      EXPECT_EQ(events[2].name, "get_weather");
      EXPECT_EQ(events[5].index, 1);
      EXPECT_EQ(events[5].id, "toolu_02");
    }
  }
}

TEST(AnthropicStream, ErrorEventIsProviderError) {
  anthropic::StreamAssembler assembler;
  const auto ignore = [](const StreamEvent&) {};
  try {
    assembler.on_event(
        "error", R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})", ignore);
    FAIL();
  } catch (const ProviderError& e) {
    EXPECT_EQ(e.status(), 529);
    EXPECT_NE(std::string(e.what()).find("Overloaded"), std::string::npos);
  }
  EXPECT_THROW(
      assembler.on_event("error", R"({"type":"error","error":{"type":"rate_limit_error","message":"slow"}})",
                         ignore),
      RateLimitedError);
}

TEST(AnthropicStream, MalformedEventsAreParseErrors) {
  anthropic::StreamAssembler assembler;
  const auto ignore = [](const StreamEvent&) {};
  EXPECT_THROW(assembler.on_event("message_start", "{nope", ignore), ParseError);
  EXPECT_THROW(assembler.on_event("content_block_delta",
                                  R"({"index":3,"delta":{"type":"text_delta","text":"x"}})", ignore),
               ParseError);
  EXPECT_THROW(assembler.on_event("content_block_start",
                                  R"({"index":99999999,"content_block":{"type":"text"}})", ignore),
               ParseError);
  assembler.on_event("some_future_event", R"({"type":"some_future_event"})", ignore);  // skipped
  EXPECT_THROW((void)assembler.finish(), ParseError);  // never reached message_stop
}

TEST(AnthropicStream, MalformedToolInputKeepsRawText) {
  anthropic::StreamAssembler assembler;
  const auto ignore = [](const StreamEvent&) {};
  assembler.on_event("content_block_start",
                     R"({"index":0,"content_block":{"type":"tool_use","id":"t","name":"f","input":{}}})",
                     ignore);
  assembler.on_event("content_block_delta",
                     R"({"index":0,"delta":{"type":"input_json_delta","partial_json":"{\"a\": tru"}})",
                     ignore);
  assembler.on_event("message_delta", R"({"delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":3}})",
                     ignore);
  assembler.on_event("message_stop", R"({"type":"message_stop"})", ignore);
  const ChatResponse r = assembler.finish();
  ASSERT_EQ(r.message.tool_calls.size(), 1u);
  EXPECT_TRUE(r.message.tool_calls[0].arguments.is_null());
  EXPECT_EQ(r.message.tool_calls[0].raw_arguments, "{\"a\": tru");
}

// ---- over HTTP ----------------------------------------------------------------------------------------

ChatRequest hello() {
  ChatRequest r;
  r.messages = {Message::system("sys"), Message::user("hello")};
  return r;
}

TEST(AnthropicModel, CompletePostsMessagesWithHeaders) {
  ScriptedServer server;
  server.push(ScriptedReply::http(200, kInterleavedReply));
  AnthropicChatModel model(test::anthropic_options(server));
  EXPECT_EQ(model.id(), "anthropic:claude-test");
  const ChatResponse r = model.complete(hello());
  EXPECT_EQ(r.message.tool_calls.size(), 2u);

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/v1/messages");
  EXPECT_EQ(requests[0].header("x-api-key"), "sk-ant-test");
  EXPECT_EQ(requests[0].header("anthropic-version"), "2023-06-01");
  EXPECT_NE(requests[0].header("content-type").find("application/json"), std::string::npos);
  EXPECT_EQ(requests[0].header("authorization"), "");
  const Json body = parse(requests[0].body);
  EXPECT_EQ(body["system"], "sys");
  EXPECT_EQ(body["max_tokens"], 4096);
}

TEST(AnthropicModel, StreamsTheFullSequenceByteByByte) {
  ScriptedServer server;
  ScriptedReply reply = ScriptedReply::sse(stream_events());
  reply.chunk_size = 1;
  server.push(reply);
  AnthropicChatModel model(test::anthropic_options(server));
  std::string text;
  const ChatResponse r = model.stream(hello(), [&](const StreamEvent& e) {
    if (e.kind == StreamEvent::Kind::text_delta) text += e.text;
  });
  EXPECT_EQ(text, "Okay, let me check the weather — ☀?");
  expect_stream_result(r);
  EXPECT_EQ(parse(server.requests()[0].body)["stream"], true);
}

TEST(AnthropicModel, OverloadedStreamErrorIsRetriedWhenNothingWasDelivered) {
  ScriptedServer server;
  server.push(ScriptedReply::sse(
      {"event: error\ndata: "
       "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"}));
  server.push(ScriptedReply::sse(stream_events()));
  AnthropicChatModel model(test::anthropic_options(server));
  expect_stream_result(model.stream(hello(), [](const StreamEvent&) {}));
  EXPECT_EQ(server.request_count(), 2u);
}

TEST(AnthropicModel, ErrorAfterDeliveryIsNotRetried) {
  ScriptedServer server;
  auto events = stream_events();
  events.resize(4);  // message_start, block start, ping, first text delta
  events.push_back(
      "event: error\ndata: "
      "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");
  server.push(ScriptedReply::sse(events));
  AnthropicChatModel model(test::anthropic_options(server));
  EXPECT_THROW((void)model.stream(hello(), [](const StreamEvent&) {}), ProviderError);
  EXPECT_EQ(server.request_count(), 1u);
}

TEST(AnthropicModel, RateLimitedWithRetryAfterThenSuccess) {
  ScriptedServer server;
  server.push(ScriptedReply::http(
      429,
      R"({"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"}})",
      "application/json", {"retry-after: 0"}));
  server.push(ScriptedReply::http(200, kInterleavedReply));
  AnthropicChatModel model(test::anthropic_options(server));
  EXPECT_EQ(model.complete(hello()).message.tool_calls.size(), 2u);
  EXPECT_EQ(server.request_count(), 2u);
}

TEST(AnthropicModel, HttpErrorsAreMapped) {
  ScriptedServer server;
  auto options = test::anthropic_options(server);
  options.retry.max_attempts = 1;
  AnthropicChatModel model(options);
  server.push(ScriptedReply::http(
      400,
      R"({"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: Field required"}})"));
  try {
    (void)model.complete(hello());
    FAIL();
  } catch (const ProviderError& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_NE(std::string(e.what()).find("max_tokens: Field required"), std::string::npos);
  }
  server.push(ScriptedReply::http(429,
                                  R"({"type":"error","error":{"type":"rate_limit_error","message":"slow"}})",
                                  "application/json", {"retry-after: 12"}));
  try {
    (void)model.stream(hello(), [](const StreamEvent&) {});
    FAIL();
  } catch (const RateLimitedError& e) {
    ASSERT_TRUE(e.retry_after_seconds());
    EXPECT_DOUBLE_EQ(*e.retry_after_seconds(), 12.0);
  }
}

TEST(AnthropicModel, StreamEndingBeforeMessageStopIsTruncated) {
  ScriptedServer server;
  auto events = stream_events();
  events.resize(5);
  server.push(ScriptedReply::sse(events));
  AnthropicChatModel model(test::anthropic_options(server));
  try {
    (void)model.stream(hello(), [](const StreamEvent&) {});
    FAIL();
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos);
  }
}

}  // namespace
}  // namespace alith::llm
