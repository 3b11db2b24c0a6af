// The OpenAI wire format without HTTP: request bodies, reply parsing and stream assembly.

#include <gtest/gtest.h>

#include "alith/core/error.h"
#include "alith/core/sse.h"
#include "alith/llm/openai.h"
#include "llm_test_util.h"

namespace alith::llm {
namespace {

using test::chunk;
using test::parse;

ChatRequest basic_request() {
  ChatRequest r;
  r.messages = {Message::system("be brief"), Message::user("hi")};
  return r;
}

TEST(OpenAIRequest, MinimalBody) {
  const Json body = openai::request_body(basic_request(), "gpt-default", false);
  EXPECT_EQ(body["model"], "gpt-default");
  EXPECT_EQ(body["messages"],
            parse(R"([{"role":"system","content":"be brief"},{"role":"user","content":"hi"}])"));
  for (const char* key : {"stream", "stream_options", "tools", "tool_choice", "parallel_tool_calls",
                          "response_format", "temperature", "max_tokens", "stop", "top_k"}) {
    EXPECT_FALSE(body.contains(key)) << key;
  }
}

TEST(OpenAIRequest, RequestModelWinsAndIsPassedThroughUnchanged) {
  ChatRequest r = basic_request();
  r.model = "org/Some-Model:Q4_K_M";
  EXPECT_EQ(openai::request_body(r, "gpt-default", false)["model"], "org/Some-Model:Q4_K_M");
  r.model.clear();
  EXPECT_FALSE(openai::request_body(r, "", false).contains("model"));
}

TEST(OpenAIRequest, MultiPartUserContentWithImages) {
  ChatRequest r;
  Message m;
  m.role = Role::user;
  m.content = {ContentPart::make_text("what is this?"), ContentPart::make_image_url("https://x/cat.png"),
               ContentPart::make_image_base64("image/jpeg", "/9j/4AAQ")};
  r.messages = {m};
  const Json body = openai::request_body(r, "m", false);
  EXPECT_EQ(body["messages"][0]["content"], parse(R"([
    {"type":"text","text":"what is this?"},
    {"type":"image_url","image_url":{"url":"https://x/cat.png"}},
    {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4AAQ"}}])"));
}

TEST(OpenAIRequest, AssistantToolCallsAndToolResults) {
  ChatRequest r;
  r.messages = {
      Message::user("weather?"),
      Message::assistant("",
                         {ToolCall{"call_1", "get_weather", Json{{"city", "Paris"}}, "{\"city\":\"Paris\"}"},
                          ToolCall{"call_2", "broken", nullptr, "{oops"}}),
      Message::tool_result("call_1", "get_weather", "sunny"),
      Message::tool_result("call_2", "broken", "arguments were not JSON", true),
  };
  const Json body = openai::request_body(r, "m", false);
  EXPECT_EQ(body["messages"][1], parse(R"({"role":"assistant","content":null,"tool_calls":[
    {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
    {"id":"call_2","type":"function","function":{"name":"broken","arguments":"{}"}}]})"));
  EXPECT_EQ(body["messages"][2], parse(R"({"role":"tool","tool_call_id":"call_1","content":"sunny"})"));
  EXPECT_EQ(body["messages"][3]["content"], "arguments were not JSON");
  // Arguments are a JSON string on the wire.
  EXPECT_TRUE(body["messages"][1]["tool_calls"][0]["function"]["arguments"].is_string());
}

TEST(OpenAIRequest, ToolsAndToolChoice) {
  ChatRequest r = basic_request();
  r.tools = {ToolSpec{"get_weather", "Weather for a city",
                      Json{{"type", "object"}, {"properties", {{"city", {{"type", "string"}}}}}}}};
  Json body = openai::request_body(r, "m", false);
  EXPECT_EQ(body["tools"], parse(R"([{"type":"function","function":{"name":"get_weather",
    "description":"Weather for a city",
    "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}])"));
  EXPECT_EQ(body["tool_choice"], "auto");
  EXPECT_FALSE(body.contains("parallel_tool_calls"));

  r.tool_choice = ToolChoice::none_choice();
  EXPECT_EQ(openai::request_body(r, "m", false)["tool_choice"], "none");
  r.tool_choice = ToolChoice::required_choice();
  EXPECT_EQ(openai::request_body(r, "m", false)["tool_choice"], "required");
  r.tool_choice = ToolChoice::named("get_weather");
  EXPECT_EQ(openai::request_body(r, "m", false)["tool_choice"],
            parse(R"({"type":"function","function":{"name":"get_weather"}})"));

  r.parallel_tool_calls = false;
  EXPECT_EQ(openai::request_body(r, "m", false)["parallel_tool_calls"], false);

  // Without tools neither tool_choice nor parallel_tool_calls is sent (OpenAI rejects them).
  r.tools.clear();
  body = openai::request_body(r, "m", false);
  EXPECT_FALSE(body.contains("tool_choice"));
  EXPECT_FALSE(body.contains("parallel_tool_calls"));
}

TEST(OpenAIRequest, ResponseFormats) {
  ChatRequest r = basic_request();
  r.response_format.kind = ResponseFormat::Kind::json_object;
  EXPECT_EQ(openai::request_body(r, "m", false)["response_format"], parse(R"({"type":"json_object"})"));
  r.response_format.kind = ResponseFormat::Kind::json_schema;
  r.response_format.name = "person";
  r.response_format.schema = Json{{"type", "object"}};
  r.response_format.strict = false;
  EXPECT_EQ(
      openai::request_body(r, "m", false)["response_format"],
      parse(
          R"({"type":"json_schema","json_schema":{"name":"person","schema":{"type":"object"},"strict":false}})"));
}

TEST(OpenAIRequest, SamplingStopAndMaxTokens) {
  ChatRequest r = basic_request();
  r.sampling.temperature = 0.25;
  r.sampling.top_p = 0.9;
  r.sampling.seed = 42;
  r.sampling.presence_penalty = 0.5;
  r.sampling.frequency_penalty = -0.5;
  r.sampling.top_k = 40;
  r.sampling.min_p = 0.05;
  r.sampling.repeat_penalty = 1.1;
  r.stop = {"\n\n", "END"};
  r.max_tokens = 128;
  const Json body = openai::request_body(r, "m", false);
  EXPECT_EQ(body["temperature"], 0.25);
  EXPECT_EQ(body["top_p"], 0.9);
  EXPECT_EQ(body["seed"], 42);
  EXPECT_EQ(body["presence_penalty"], 0.5);
  EXPECT_EQ(body["frequency_penalty"], -0.5);
  EXPECT_EQ(body["top_k"], 40);
  EXPECT_EQ(body["min_p"], 0.05);
  EXPECT_EQ(body["repeat_penalty"], 1.1);
  EXPECT_EQ(body["stop"], parse(R"(["\n\n","END"])"));
  EXPECT_EQ(body["max_tokens"], 128);
}

TEST(OpenAIRequest, StreamingAsksForUsage) {
  const Json body = openai::request_body(basic_request(), "m", true);
  EXPECT_EQ(body["stream"], true);
  EXPECT_EQ(body["stream_options"], parse(R"({"include_usage":true})"));
}

TEST(OpenAIRequest, ExtraIsMergedLast) {
  ChatRequest r = basic_request();
  r.max_tokens = 10;
  r.extra = Json{{"max_tokens", nullptr},
                 {"max_completion_tokens", 10},
                 {"model", "override"},
                 {"stream_options", {{"continuous_usage_stats", true}}}};
  const Json body = openai::request_body(r, "m", true);
  EXPECT_FALSE(body.contains("max_tokens"));
  EXPECT_EQ(body["max_completion_tokens"], 10);
  EXPECT_EQ(body["model"], "override");
  EXPECT_EQ(body["stream_options"], parse(R"({"include_usage":true,"continuous_usage_stats":true})"));

  r.extra = Json::array();
  EXPECT_THROW((void)openai::request_body(r, "m", false), InvalidArgumentError);
}

TEST(OpenAIResponse, TextUsageAndIds) {
  const ChatResponse r = openai::parse_response(parse(test::completion("Hello!")));
  EXPECT_EQ(r.message.role, Role::assistant);
  EXPECT_EQ(r.message.text(), "Hello!");
  EXPECT_EQ(r.finish_reason, FinishReason::stop);
  EXPECT_EQ(r.raw_finish_reason, "stop");
  EXPECT_EQ(r.usage.prompt_tokens, 11);
  EXPECT_EQ(r.usage.completion_tokens, 7);
  EXPECT_EQ(r.usage.total_tokens, 18);
  EXPECT_EQ(r.model, "gpt-test-2024");
  EXPECT_EQ(r.id, "chatcmpl-1");
}

TEST(OpenAIResponse, SeveralToolCallsAndMalformedArguments) {
  const ChatResponse r = openai::parse_response(parse(R"({
    "id":"x","model":"m","choices":[{"index":0,"finish_reason":"tool_calls","message":{
      "role":"assistant","content":null,"tool_calls":[
        {"id":"c1","type":"function","function":{"name":"a","arguments":"{\"q\":\"x\"}"}},
        {"id":"c2","type":"function","function":{"name":"b","arguments":"{\"q\": "}},
        {"id":"c3","type":"function","function":{"name":"c","arguments":""}},
        {"id":"c4","type":"function","function":{"name":"d","arguments":{"inline":true}}}]}}]})"));
  EXPECT_EQ(r.finish_reason, FinishReason::tool_calls);
  EXPECT_EQ(r.message.text(), "");
  ASSERT_EQ(r.message.tool_calls.size(), 4u);
  EXPECT_EQ(r.message.tool_calls[0].id, "c1");
  EXPECT_EQ(r.message.tool_calls[0].name, "a");
  EXPECT_EQ(r.message.tool_calls[0].arguments, (Json{{"q", "x"}}));
  EXPECT_TRUE(r.message.tool_calls[1].arguments.is_null());
  EXPECT_EQ(r.message.tool_calls[1].raw_arguments, "{\"q\": ");
  EXPECT_EQ(r.message.tool_calls[2].arguments, Json::object());
  EXPECT_EQ(r.message.tool_calls[3].arguments, (Json{{"inline", true}}));
}

TEST(OpenAIResponse, ContentAsPartsAndFinishReasons) {
  const ChatResponse r = openai::parse_response(parse(R"({"choices":[{"finish_reason":"length",
    "message":{"role":"assistant","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}}]})"));
  EXPECT_EQ(r.message.text(), "ab");
  EXPECT_EQ(r.finish_reason, FinishReason::length);
  EXPECT_EQ(r.usage.total_tokens, 0);

  const auto reason = [](const char* raw) {
    return openai::parse_response(parse(std::string(R"({"choices":[{"finish_reason":")") + raw +
                                        R"(","message":{"content":"x"}}]})"))
        .finish_reason;
  };
  EXPECT_EQ(reason("content_filter"), FinishReason::content_filter);
  EXPECT_EQ(reason("function_call"), FinishReason::tool_calls);
  EXPECT_EQ(reason("something_new"), FinishReason::other);
}

TEST(OpenAIResponse, StopWithToolCallsMeansToolCalls) {
  const ChatResponse r = openai::parse_response(parse(R"({"choices":[{"finish_reason":"stop",
    "message":{"content":"","tool_calls":[{"id":"1","function":{"name":"f","arguments":"{}"}}]}}]})"));
  EXPECT_EQ(r.finish_reason, FinishReason::tool_calls);
  EXPECT_EQ(r.raw_finish_reason, "stop");
}

TEST(OpenAIResponse, ErrorObjectIsProviderError) {
  try {
    (void)openai::parse_response(
        parse(R"({"error":{"message":"model not found","type":"invalid_request_error"}})"));
    FAIL();
  } catch (const ProviderError& e) {
    EXPECT_NE(std::string(e.what()).find("model not found"), std::string::npos);
    EXPECT_EQ(e.code(), ErrorCode::provider);
  }
}

TEST(OpenAIResponse, WrongShapesAreParseErrors) {
  for (const char* text :
       {R"([])", R"("x")", R"({})", R"({"choices":[]})", R"({"choices":[1]})",
        R"({"choices":[{"message":"hi"}]})", R"({"choices":[{"message":{"tool_calls":{"a":1}}}]})",
        R"({"choices":[{"message":{"tool_calls":[{"id":"x"}]}}]})"}) {
    EXPECT_THROW((void)openai::parse_response(parse(text)), ParseError) << text;
  }
}

// ---- streaming ----------------------------------------------------------------------------------------

struct Collected {
  std::string text;
  std::vector<StreamEvent> events;
  void operator()(const StreamEvent& e) {
    if (e.kind == StreamEvent::Kind::text_delta) text += e.text;
    events.push_back(e);
  }
};

std::string join_sse(const std::vector<std::string>& events) {
  std::string out;
  for (const auto& e : events) out += e + "\n\n";
  return out;
}

void expect_tool_stream_result(const ChatResponse& r) {
  EXPECT_EQ(r.message.text(), "Let me check – ünïcode ✓.");
  ASSERT_EQ(r.message.tool_calls.size(), 2u);
  EXPECT_EQ(r.message.tool_calls[0].id, "call_a");
  EXPECT_EQ(r.message.tool_calls[0].name, "get_weather");
  EXPECT_EQ(r.message.tool_calls[0].arguments, (Json{{"city", "Paris"}}));
  EXPECT_EQ(r.message.tool_calls[1].id, "call_b");
  EXPECT_EQ(r.message.tool_calls[1].name, "get_time");
  EXPECT_EQ(r.message.tool_calls[1].arguments, (Json{{"tz", "CET"}}));
  EXPECT_EQ(r.finish_reason, FinishReason::tool_calls);
  EXPECT_EQ(r.usage.prompt_tokens, 21);
  EXPECT_EQ(r.usage.completion_tokens, 9);
  EXPECT_EQ(r.usage.total_tokens, 30);
  EXPECT_EQ(r.model, "gpt-test-2024");
  EXPECT_EQ(r.id, "chatcmpl-s");
}

TEST(OpenAIStream, AssemblesTextToolCallsAndUsage) {
  openai::StreamAssembler assembler;
  Collected got;
  for (const auto& e : test::tool_stream_events()) {
    assembler.on_data(e.substr(6), std::ref(got));  // strip "data: "
  }
  EXPECT_TRUE(assembler.done());
  expect_tool_stream_result(assembler.finish());

  // Events: 2 text deltas, start+delta(empty args are not events), 2 deltas for call 0, start+2 deltas for
  // call 1 ... checked by kind sequence.
  std::vector<StreamEvent::Kind> kinds;
  for (const auto& e : got.events) kinds.push_back(e.kind);
  using K = StreamEvent::Kind;
  EXPECT_EQ(kinds, (std::vector<K>{K::text_delta, K::text_delta, K::tool_call_start, K::tool_call_delta,
                                   K::tool_call_delta, K::tool_call_start, K::tool_call_delta,
                                   K::tool_call_delta, K::usage}));
  EXPECT_EQ(got.events[2].id, "call_a");
  EXPECT_EQ(got.events[2].name, "get_weather");
  EXPECT_EQ(got.events[2].index, 0);
  EXPECT_EQ(got.events[5].index, 1);
  EXPECT_EQ(got.events[5].name, "get_time");
  EXPECT_EQ(got.events[8].usage.total_tokens, 30);
}

// Every split point of the byte stream (one feed of bytes [0, i), another of [i, n)) must give the same
// reply; this covers splits inside "data:", inside CRLF/LF pairs, inside JSON and inside UTF-8 characters.
TEST(OpenAIStream, EverySplitPointGivesTheSameReply) {
  for (const char* newline : {"\n", "\r\n"}) {
    std::string bytes = join_sse(test::tool_stream_events());
    if (std::string(newline) == "\r\n") {
      std::string crlf;
      for (char c : bytes) c == '\n' ? crlf += "\r\n" : crlf += c;
      bytes = crlf;
    }
    for (size_t split = 0; split <= bytes.size(); ++split) {
      sse::Parser parser;
      openai::StreamAssembler assembler;
      Collected got;
      const auto on_event = [&](sse::Event&& e) { assembler.on_data(e.data, std::ref(got)); };
      ASSERT_TRUE(parser.feed(std::string_view(bytes).substr(0, split), on_event).ok()) << split;
      ASSERT_TRUE(parser.feed(std::string_view(bytes).substr(split), on_event).ok()) << split;
      ASSERT_TRUE(parser.finish().ok());
      ASSERT_TRUE(assembler.done());
      const ChatResponse r = assembler.finish();
      ASSERT_EQ(r.message.tool_calls.size(), 2u) << split;
      ASSERT_EQ(r.message.tool_calls[1].arguments, (Json{{"tz", "CET"}})) << split;
      ASSERT_EQ(got.text, "Let me check – ünïcode ✓.") << split;
      ASSERT_EQ(r.usage.total_tokens, 30) << split;
    }
  }
}

TEST(OpenAIStream, ByteAtATime) {
  const std::string bytes = join_sse(test::tool_stream_events());
  sse::Parser parser;
  openai::StreamAssembler assembler;
  Collected got;
  for (char c : bytes) {
    ASSERT_TRUE(
        parser
            .feed(std::string_view(&c, 1), [&](sse::Event&& e) { assembler.on_data(e.data, std::ref(got)); })
            .ok());
  }
  expect_tool_stream_result(assembler.finish());
}

TEST(OpenAIStream, TruncatedStreamIsParseError) {
  openai::StreamAssembler assembler;
  Collected got;
  assembler.on_data(chunk({{"content", "partial"}}).substr(6), std::ref(got));
  EXPECT_FALSE(assembler.done());
  EXPECT_THROW((void)assembler.finish(), ParseError);
}

TEST(OpenAIStream, FinishReasonWithoutDoneIsAccepted) {
  openai::StreamAssembler assembler;
  Collected got;
  assembler.on_data(chunk({{"content", "ok"}}, "stop").substr(6), std::ref(got));
  const ChatResponse r = assembler.finish();
  EXPECT_EQ(r.message.text(), "ok");
  EXPECT_EQ(r.finish_reason, FinishReason::stop);
}

TEST(OpenAIStream, MalformedChunkAndErrorPayload) {
  openai::StreamAssembler assembler;
  Collected got;
  EXPECT_THROW(assembler.on_data("{not json", std::ref(got)), ParseError);
  EXPECT_THROW(assembler.on_data("[1,2]", std::ref(got)), ParseError);
  EXPECT_THROW(
      assembler.on_data(R"({"error":{"message":"server melted","type":"server_error"}})", std::ref(got)),
      ProviderError);
}

TEST(OpenAIStream, MalformedToolArgumentsKeepRawText) {
  openai::StreamAssembler assembler;
  Collected got;
  assembler.on_data(
      chunk({{"tool_calls",
              {{{"index", 0}, {"id", "c"}, {"function", {{"name", "f"}, {"arguments", "{\"a\":"}}}}}}})
          .substr(6),
      std::ref(got));
  assembler.on_data(chunk(Json::object(), "tool_calls").substr(6), std::ref(got));
  assembler.on_data("[DONE]", std::ref(got));
  const ChatResponse r = assembler.finish();
  ASSERT_EQ(r.message.tool_calls.size(), 1u);
  EXPECT_TRUE(r.message.tool_calls[0].arguments.is_null());
  EXPECT_EQ(r.message.tool_calls[0].raw_arguments, "{\"a\":");
}

TEST(OpenAIStream, ToolCallsWithoutIndexAndWholeInOneChunk) {
  openai::StreamAssembler assembler;
  Collected got;
  assembler.on_data(chunk({{"tool_calls",
                            {{{"id", "x1"}, {"function", {{"name", "f"}, {"arguments", "{}"}}}},
                             {{"id", "x2"}, {"function", {{"name", "g"}, {"arguments", "{\"k\":1}"}}}}}}})
                        .substr(6),
                    std::ref(got));
  assembler.on_data("[DONE]", std::ref(got));
  const ChatResponse r = assembler.finish();
  ASSERT_EQ(r.message.tool_calls.size(), 2u);
  EXPECT_EQ(r.message.tool_calls[1].name, "g");
  EXPECT_EQ(r.message.tool_calls[1].arguments, (Json{{"k", 1}}));
  EXPECT_EQ(r.finish_reason, FinishReason::tool_calls);
}

TEST(OpenAIStream, HugeToolIndexIsRejected) {
  openai::StreamAssembler assembler;
  Collected got;
  EXPECT_THROW(assembler.on_data(chunk({{"tool_calls", {{{"index", 1000000000}, {"id", "x"}}}}}).substr(6),
                                 std::ref(got)),
               ParseError);
}

}  // namespace
}  // namespace alith::llm
