#include "alith/core/log.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace alith::log {
namespace {

void expect_hidden(const std::string& text, const std::string& secret) {
  const std::string out = redact(text);
  EXPECT_EQ(out.find(secret), std::string::npos) << out;
  EXPECT_NE(out.find("[REDACTED]"), std::string::npos) << out;
}

TEST(Redact, AuthorizationHeaderToEndOfLine) {
  const std::string out = redact("GET /x\nAuthorization: Basic dXNlcjpwYXNz\nAccept: */*");
  EXPECT_EQ(out, "GET /x\nAuthorization: [REDACTED]\nAccept: */*");
  expect_hidden("authorization: Bearer abc.def.ghi", "abc.def.ghi");
  expect_hidden("Proxy-Authorization: Basic Zm9vOmJhcg==", "Zm9vOmJhcg==");
}

TEST(Redact, BearerTokens) {
  const std::string out = redact("sent header bearer eyJhbGciOiJIUzI1NiJ9.payload.sig to host");
  EXPECT_EQ(out, "sent header bearer [REDACTED] to host");
  EXPECT_EQ(redact("the Bearer of bad news"), "the Bearer of bad news");
}

TEST(Redact, ApiKeyHeadersAndJsonValues) {
  EXPECT_EQ(redact("x-api-key: abc123secret"), "x-api-key: [REDACTED]");
  EXPECT_EQ(redact(R"({"api_key": "abc123secret", "model": "gpt"})"),
            R"({"api_key": "[REDACTED]", "model": "gpt"})");
  EXPECT_EQ(redact(R"({"api-key":"v\"q","n":1})"), R"({"api-key":"[REDACTED]","n":1})");
  EXPECT_EQ(redact("https://x/?key=1&api_key=abc123&b=2"), "https://x/?key=1&api_key=[REDACTED]&b=2");
  EXPECT_EQ(redact("password = hunter2 next"), "password = [REDACTED] next");
  EXPECT_EQ(redact("my_api_key_name is fine"), "my_api_key_name is fine");
}

TEST(Redact, OpenAiAndAnthropicKeysKeepAShortPrefix) {
  EXPECT_EQ(redact("key sk-proj-abcdefghijklmnop1234 end"), "key sk-[REDACTED] end");
  EXPECT_EQ(redact("key=sk-ant-api03-abcdefghijklmnopqrstuv"), "key=sk-ant-[REDACTED]");
  EXPECT_EQ(redact("task-manager and sk-short"), "task-manager and sk-short");
}

TEST(Redact, HexPrivateKeys) {
  const std::string key(64, 'a');
  EXPECT_EQ(redact("pk 0x" + key + " done"), "pk 0x[REDACTED] done");
  EXPECT_EQ(redact("pk " + key), "pk [REDACTED]");
  const std::string longer(66, 'b');  // not a 32-byte key
  EXPECT_EQ(redact(longer), longer);
  EXPECT_EQ(redact("0x1234"), "0x1234");
}

TEST(Redact, ExtraSecretsVerbatim) {
  EXPECT_EQ(redact("user token is hunter2!", {"hunter2"}), "user token is [REDACTED]!");
  EXPECT_EQ(redact("nothing", {""}), "nothing");
}

TEST(Logger, SinkReceivesOnlyRedactedTextAtEnabledLevels) {
  std::vector<std::pair<Level, std::string>> seen;
  Logger logger(Level::info, [&](Level l, std::string_view m) { seen.emplace_back(l, std::string(m)); });
  logger.add_secret("my-own-secret");
  logger.debug("hidden");
  logger.info("using sk-abcdefghijklmnopqrst and my-own-secret");
  logger.error("Authorization: Bearer xyz");
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].first, Level::info);
  EXPECT_EQ(seen[0].second, "using sk-[REDACTED] and [REDACTED]");
  EXPECT_EQ(seen[1].second, "Authorization: [REDACTED]");
}

TEST(Logger, OffDisablesEverything) {
  int calls = 0;
  Logger logger(Level::off, [&](Level, std::string_view) { ++calls; });
  logger.error("x");
  EXPECT_EQ(calls, 0);
  EXPECT_FALSE(logger.enabled(Level::error));
}

TEST(Logger, ParseLevel) {
  EXPECT_EQ(parse_level("DEBUG"), Level::debug);
  EXPECT_EQ(parse_level("warning"), Level::warn);
  EXPECT_EQ(parse_level("bogus", Level::error), Level::error);
  EXPECT_EQ(to_string(Level::trace), "trace");
  EXPECT_NE(Logger::default_logger(), nullptr);
  EXPECT_EQ(Logger::default_logger(), Logger::default_logger());
}

}  // namespace
}  // namespace alith::log
