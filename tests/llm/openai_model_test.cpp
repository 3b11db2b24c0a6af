// OpenAIChatModel / OpenAIEmbeddingModel over HTTP against a scripted server.

#include <gtest/gtest.h>

#include <thread>

#include "alith/core/error.h"
#include "alith/llm/openai.h"
#include "llm_test_util.h"

namespace alith::llm {
namespace {

using test::parse;
using testing::ScriptedReply;
using testing::ScriptedServer;

ChatRequest hello() {
  ChatRequest r;
  r.messages = {Message::user("hello")};
  return r;
}

TEST(OpenAIModel, CompletePostsToChatCompletionsWithHeaders) {
  ScriptedServer server;
  server.push(ScriptedReply::http(200, test::completion("Hi there")));
  auto options = test::openai_options(server);
  options.extra_headers = {{"X-Title", "alith-tests"}};
  OpenAIChatModel model(options);
  EXPECT_EQ(model.id(), "openai:gpt-test");

  const ChatResponse r = model.complete(hello());
  EXPECT_EQ(r.message.text(), "Hi there");
  EXPECT_EQ(r.usage.total_tokens, 18);

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].path, "/v1/chat/completions");
  EXPECT_EQ(requests[0].header("authorization"), "Bearer sk-test-key");
  EXPECT_NE(requests[0].header("content-type").find("application/json"), std::string::npos);
  EXPECT_EQ(requests[0].header("x-title"), "alith-tests");
  const Json body = parse(requests[0].body);
  EXPECT_EQ(body["model"], "gpt-test");
  EXPECT_EQ(body["messages"], parse(R"([{"role":"user","content":"hello"}])"));
  EXPECT_FALSE(body.contains("stream"));
}

TEST(OpenAIModel, NoKeyMeansNoAuthorizationHeader) {
  ScriptedServer server;
  server.push(ScriptedReply::http(200, test::completion("ok")));
  OpenAIChatModel model(test::openai_options(server, ""));
  (void)model.complete(hello());
  EXPECT_EQ(server.requests()[0].header("authorization"), "");
}

TEST(OpenAIModel, RateLimitedThenSuccessRetries) {
  ScriptedServer server;
  server.push(ScriptedReply::http(429, R"({"error":{"message":"Rate limit reached","type":"requests"}})",
                                  "application/json", {"Retry-After: 0"}));
  server.push(ScriptedReply::http(200, test::completion("after retry")));
  OpenAIChatModel model(test::openai_options(server));
  EXPECT_EQ(model.complete(hello()).message.text(), "after retry");
  EXPECT_EQ(server.request_count(), 2u);
}

TEST(OpenAIModel, ServerErrorThenSuccessRetries) {
  ScriptedServer server;
  server.push(ScriptedReply::http(500, R"({"error":{"message":"internal"}})"));
  server.push(ScriptedReply::http(200, test::completion("recovered")));
  OpenAIChatModel model(test::openai_options(server));
  EXPECT_EQ(model.complete(hello()).message.text(), "recovered");
  EXPECT_EQ(server.request_count(), 2u);
}

TEST(OpenAIModel, BadRequestIsNotRetried) {
  ScriptedServer server;
  server.push(ScriptedReply::http(
      400, R"({"error":{"message":"Invalid value for 'temperature'","type":"invalid_request_error"}})"));
  OpenAIChatModel model(test::openai_options(server));
  try {
    (void)model.complete(hello());
    FAIL() << "expected ProviderError";
  } catch (const ProviderError& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_NE(std::string(e.what()).find("Invalid value for 'temperature'"), std::string::npos);
  }
  EXPECT_EQ(server.request_count(), 1u);
}

TEST(OpenAIModel, ServerErrorBodyGivesProviderErrorWithMessage) {
  ScriptedServer server;
  auto options = test::openai_options(server);
  options.retry.max_attempts = 1;
  server.push(ScriptedReply::http(500, "upstream exploded: worker 7 died", "text/plain"));
  OpenAIChatModel model(options);
  try {
    (void)model.complete(hello());
    FAIL() << "expected ProviderError";
  } catch (const ProviderError& e) {
    EXPECT_EQ(e.status(), 500);
    EXPECT_EQ(e.code(), ErrorCode::provider);
    EXPECT_NE(std::string(e.what()).find("upstream exploded"), std::string::npos);
    EXPECT_EQ(e.body(), "upstream exploded: worker 7 died");
  }
}

TEST(OpenAIModel, RateLimitCarriesRetryAfterSecondsAndDates) {
  ScriptedServer server;
  auto options = test::openai_options(server);
  options.retry.max_attempts = 1;
  OpenAIChatModel model(options);

  server.push(ScriptedReply::http(429, "{}", "application/json", {"Retry-After: 7"}));
  try {
    (void)model.complete(hello());
    FAIL();
  } catch (const RateLimitedError& e) {
    EXPECT_EQ(e.status(), 429);
    EXPECT_EQ(e.code(), ErrorCode::rate_limited);
    ASSERT_TRUE(e.retry_after_seconds());
    EXPECT_DOUBLE_EQ(*e.retry_after_seconds(), 7.0);
  }

  server.push(
      ScriptedReply::http(429, "{}", "application/json", {"Retry-After: Wed, 21 Oct 2015 07:28:00 GMT"}));
  try {
    (void)model.complete(hello());
    FAIL();
  } catch (const RateLimitedError& e) {
    ASSERT_TRUE(e.retry_after_seconds());
    EXPECT_DOUBLE_EQ(*e.retry_after_seconds(), 0.0);  // a date in the past: retry now
  }

  server.push(ScriptedReply::http(429, "{}", "application/json",
                                  {"x-ratelimit-reset-requests: 1m30s", "x-ratelimit-reset-tokens: 250ms"}));
  try {
    (void)model.complete(hello());
    FAIL();
  } catch (const RateLimitedError& e) {
    ASSERT_TRUE(e.retry_after_seconds());
    EXPECT_DOUBLE_EQ(*e.retry_after_seconds(), 0.25);
  }

  server.push(ScriptedReply::http(429, "{}"));
  try {
    (void)model.complete(hello());
    FAIL();
  } catch (const RateLimitedError& e) {
    EXPECT_FALSE(e.retry_after_seconds());
  }
}

TEST(OpenAIModel, HtmlPageWithStatus200IsParseError) {
  ScriptedServer server;
  server.push(
      ScriptedReply::http(200, "<!DOCTYPE html><html><body>Captive portal</body></html>", "text/html"));
  OpenAIChatModel model(test::openai_options(server));
  try {
    (void)model.complete(hello());
    FAIL() << "expected ParseError";
  } catch (const ParseError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("not JSON"), std::string::npos) << what;
    EXPECT_NE(what.find("text/html"), std::string::npos) << what;
    EXPECT_NE(what.find("Captive portal"), std::string::npos) << what;
  }
  EXPECT_EQ(server.request_count(), 1u);
}

TEST(OpenAIModel, ErrorObjectInA200BodyIsProviderError) {
  ScriptedServer server;
  server.push(ScriptedReply::http(200, R"({"error":{"message":"context length exceeded","code":400}})"));
  OpenAIChatModel model(test::openai_options(server));
  try {
    (void)model.complete(hello());
    FAIL();
  } catch (const ProviderError& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_NE(std::string(e.what()).find("context length exceeded"), std::string::npos);
  }
}

TEST(OpenAIModel, InvalidUtf8InContentDoesNotCrash) {
  ScriptedServer server;
  const std::string bad = std::string(R"({"choices":[{"finish_reason":"stop","message":{"content":"caf)") +
                          "\xC3\x28 \xFF" + R"("}}]})";
  server.push(ScriptedReply::http(200, bad));
  server.push(ScriptedReply::sse(
      {"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\xFF\xFE\"}}]}", "data: [DONE]"}));
  OpenAIChatModel model(test::openai_options(server));
  for (int i = 0; i < 2; ++i) {
    try {
      const ChatResponse r =
          i == 0 ? model.complete(hello()) : model.stream(hello(), [](const StreamEvent&) {});
      (void)dump_json(to_json(r.message));  // whatever came back must serialize
    } catch (const ParseError&) {
      // rejecting the bytes is fine too; crashing or another error type is not
    }
  }
}

TEST(OpenAIModel, EndlessResponseIsTooLarge) {
  ScriptedServer server;
  auto options = test::openai_options(server);
  options.http.max_response_bytes = 4096;
  OpenAIChatModel model(options);

  server.push(ScriptedReply::http(200, std::string(1 << 20, ' ')));
  EXPECT_THROW((void)model.complete(hello()), TooLargeError);

  std::vector<std::string> events(20000, test::chunk({{"content", "more "}}));
  server.push(ScriptedReply::sse(events));
  EXPECT_THROW((void)model.stream(hello(), [&](const StreamEvent&) {}), TooLargeError);
}

TEST(OpenAIModel, StreamsTextAndToolCallsSplitAtEveryByte) {
  ScriptedServer server;
  ScriptedReply reply = ScriptedReply::sse(test::tool_stream_events());
  reply.chunk_size = 1;
  server.push(reply);
  OpenAIChatModel model(test::openai_options(server));

  std::vector<StreamEvent> events;
  std::string text;
  const ChatResponse r = model.stream(hello(), [&](const StreamEvent& e) {
    events.push_back(e);
    if (e.kind == StreamEvent::Kind::text_delta) text += e.text;
  });
  EXPECT_EQ(text, "Let me check – ünïcode ✓.");
  EXPECT_EQ(r.message.text(), text);
  ASSERT_EQ(r.message.tool_calls.size(), 2u);
  EXPECT_EQ(r.message.tool_calls[0].arguments, (Json{{"city", "Paris"}}));
  EXPECT_EQ(r.message.tool_calls[1].arguments, (Json{{"tz", "CET"}}));
  EXPECT_EQ(r.finish_reason, FinishReason::tool_calls);
  EXPECT_EQ(r.usage.total_tokens, 30);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().kind, StreamEvent::Kind::usage);

  const auto requests = server.requests();
  const Json body = parse(requests[0].body);
  EXPECT_EQ(body["stream"], true);
  EXPECT_EQ(body["stream_options"]["include_usage"], true);
  EXPECT_EQ(requests[0].header("accept"), "text/event-stream");
}

TEST(OpenAIModel, StreamRetriesWhenNothingWasDelivered) {
  ScriptedServer server;
  server.push(ScriptedReply::http(503, R"({"error":{"message":"busy"}})"));
  server.push(ScriptedReply::sse({test::chunk({{"content", "fine"}}, "stop"), "data: [DONE]"}));
  OpenAIChatModel model(test::openai_options(server));
  std::string text;
  const ChatResponse r = model.stream(hello(), [&](const StreamEvent& e) { text += e.text; });
  EXPECT_EQ(text, "fine");
  EXPECT_EQ(r.message.text(), "fine");
  EXPECT_EQ(server.request_count(), 2u);
}

TEST(OpenAIModel, StreamDroppedMidwayIsTypedErrorAndNotRetried) {
  ScriptedServer server;
  // Headers, one full event, then half an event and the connection closes.
  ScriptedReply reply = ScriptedReply::sse({test::chunk({{"content", "Hel"}})});
  reply.raw += "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo";
  server.push(reply);
  OpenAIChatModel model(test::openai_options(server));
  std::string text;
  try {
    (void)model.stream(hello(), [&](const StreamEvent& e) { text += e.text; });
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_TRUE(e.code() == ErrorCode::parse || e.code() == ErrorCode::io) << e.what();
  }
  EXPECT_EQ(text, "Hel");
  EXPECT_EQ(server.request_count(), 1u);  // events were delivered: no retry
}

TEST(OpenAIModel, StreamWithoutDoneOrFinishIsTruncated) {
  ScriptedServer server;
  server.push(ScriptedReply::sse({test::chunk({{"content", "partial"}})}));
  OpenAIChatModel model(test::openai_options(server));
  try {
    (void)model.stream(hello(), [](const StreamEvent&) {});
    FAIL();
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos);
  }
}

TEST(OpenAIModel, StreamEndsAtDoneEvenIfTheServerKeepsTheConnectionOpen) {
  ScriptedServer server;
  auto reply = ScriptedReply::sse({test::chunk({{"content", "hi"}}, "stop"), "data: [DONE]"});
  reply.keep_alive = true;  // no Content-Length and no close: only [DONE] tells the stream is over
  server.push(reply);
  auto options = test::openai_options(server);
  options.http.timeout = std::chrono::seconds(20);
  OpenAIChatModel model(options);
  auto response = model.stream(hello(), [](const StreamEvent&) {});
  EXPECT_EQ(response.message.text(), "hi");
}

TEST(OpenAIModel, StreamContentLengthShortfallIsTypedError) {
  ScriptedServer server;
  const std::string body = test::chunk({{"content", "x"}}) + "\n\n";
  ScriptedReply reply;
  reply.raw = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: " +
              std::to_string(body.size() + 500) + "\r\n\r\n" + body;
  server.push(reply);
  OpenAIChatModel model(test::openai_options(server));
  try {
    (void)model.stream(hello(), [](const StreamEvent&) {});
    FAIL();
  } catch (const Error& e) {
    EXPECT_TRUE(e.code() == ErrorCode::parse || e.code() == ErrorCode::io) << e.what();
  }
}

TEST(OpenAIModel, StreamErrorPayloadIsProviderError) {
  ScriptedServer server;
  server.push(ScriptedReply::sse({R"(data: {"error":{"message":"model crashed","type":"server_error"}})"}));
  server.push(ScriptedReply::sse({"event: error\ndata: {\"message\":\"bad things\"}"}));
  auto options = test::openai_options(server);
  options.retry.max_attempts = 1;
  OpenAIChatModel model(options);
  EXPECT_THROW((void)model.stream(hello(), [](const StreamEvent&) {}), ProviderError);
  try {
    (void)model.stream(hello(), [](const StreamEvent&) {});
    FAIL();
  } catch (const ProviderError& e) {
    EXPECT_NE(std::string(e.what()).find("bad things"), std::string::npos);
  }
}

TEST(OpenAIModel, StreamOfAServerThatIgnoresStreamTrue) {
  ScriptedServer server;
  server.push(ScriptedReply::http(200, test::completion("whole reply")));
  server.push(ScriptedReply::http(200, "<html><body>Bad gateway</body></html>", "text/html"));
  OpenAIChatModel model(test::openai_options(server));
  std::string text;
  const ChatResponse r = model.stream(hello(), [&](const StreamEvent& e) { text += e.text; });
  EXPECT_EQ(text, "whole reply");
  EXPECT_EQ(r.usage.total_tokens, 18);
  EXPECT_THROW((void)model.stream(hello(), [](const StreamEvent&) {}), ParseError);
}

TEST(OpenAIModel, StreamHttpErrorStatusIsMapped) {
  ScriptedServer server;
  server.push(ScriptedReply::http(401, R"({"error":{"message":"Incorrect API key provided: sk-abc123"}})"));
  OpenAIChatModel model(test::openai_options(server));
  try {
    (void)model.stream(hello(), [](const StreamEvent&) {});
    FAIL();
  } catch (const ProviderError& e) {
    EXPECT_EQ(e.status(), 401);
    EXPECT_NE(std::string(e.what()).find("Incorrect API key"), std::string::npos);
  }
  EXPECT_EQ(server.request_count(), 1u);
}

TEST(OpenAIModel, TimeoutIsNotRetried) {
  ScriptedServer server;
  ScriptedReply silent;
  silent.never_respond = true;
  server.push(silent);
  OpenAIChatModel model(test::openai_options(server));
  CallOptions call;
  call.timeout = std::chrono::milliseconds(200);
  EXPECT_THROW((void)model.complete(hello(), call), TimeoutError);
  EXPECT_EQ(server.request_count(), 1u);
}

TEST(OpenAIModel, CancelStopsAWaitingCall) {
  ScriptedServer server;
  ScriptedReply silent;
  silent.never_respond = true;
  server.push(silent);
  OpenAIChatModel model(test::openai_options(server));
  CallOptions call;
  call.cancel = CancelToken::create();
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    call.cancel.cancel();
  });
  EXPECT_THROW((void)model.stream(
                   hello(), [](const StreamEvent&) {}, call),
               CancelledError);
  canceller.join();
}

TEST(OpenAIModel, CancelFromTheStreamHandler) {
  ScriptedServer server;
  ScriptedReply reply =
      ScriptedReply::sse({test::chunk({{"content", "one"}}), test::chunk({{"content", "two"}}),
                          test::chunk({{"content", "three"}}, "stop"), "data: [DONE]"});
  reply.chunk_size = 16;
  reply.chunk_delay = std::chrono::milliseconds(2);
  server.push(reply);
  OpenAIChatModel model(test::openai_options(server));
  CallOptions call;
  call.cancel = CancelToken::create();
  EXPECT_THROW((void)model.stream(
                   hello(), [&](const StreamEvent&) { call.cancel.cancel(); }, call),
               CancelledError);
}

TEST(OpenAIEmbeddings, SortsByIndexAndBatches) {
  ScriptedServer server;
  server.set_handler([](const testing::RecordedRequest& request) {
    const Json body = parse_json(request.body).value();
    const auto& input = body["input"];
    Json data = Json::array();
    // Reply in reverse order; the index says which input each vector belongs to.
    for (size_t i = input.size(); i-- > 0;) {
      const std::string text = input[i].get<std::string>();
      data.push_back(Json{{"object", "embedding"},
                          {"index", i},
                          {"embedding", {static_cast<double>(std::stoi(text.substr(5))), 0.5}}});
    }
    return ScriptedReply::http(200, dump_json(Json{{"object", "list"}, {"data", data}, {"model", "emb"}}));
  });
  auto options = test::openai_options(server);
  options.model = "text-embedding-3-small";
  OpenAIEmbeddingModel model(options);
  EXPECT_EQ(model.id(), "openai:text-embedding-3-small");

  std::vector<std::string> inputs;
  for (int i = 0; i < 300; ++i) inputs.push_back("text " + std::to_string(i));
  const auto vectors = model.embed(inputs);
  ASSERT_EQ(vectors.size(), 300u);
  for (int i = 0; i < 300; ++i) {
    ASSERT_EQ(vectors[static_cast<size_t>(i)].size(), 2u);
    EXPECT_FLOAT_EQ(vectors[static_cast<size_t>(i)][0], static_cast<float>(i));
  }
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].path, "/v1/embeddings");
  const Json first = parse(requests[0].body);
  EXPECT_EQ(first["model"], "text-embedding-3-small");
  EXPECT_EQ(first["input"].size(), 256u);
  EXPECT_EQ(parse(requests[1].body)["input"].size(), 44u);

  EXPECT_TRUE(model.embed({}).empty());
}

TEST(OpenAIEmbeddings, WrongShapesAreParseErrors) {
  ScriptedServer server;
  auto options = test::openai_options(server);
  options.retry.max_attempts = 1;
  OpenAIEmbeddingModel model(options);
  for (const char* body : {R"({"data":[]})", R"({"data":[{"index":0,"embedding":"AAAA"}]})",
                           R"({"data":[{"index":5,"embedding":[1]}]})",
                           R"({"data":[{"index":0,"embedding":[1e300]}]})", R"({"nothing":1})"}) {
    server.push(ScriptedReply::http(200, body));
    EXPECT_THROW((void)model.embed({"x"}), ParseError) << body;
  }
}

}  // namespace
}  // namespace alith::llm
