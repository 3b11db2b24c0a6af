// load_url against the scripted server: formats from Content-Type and extension, status errors, size caps.

#include <gtest/gtest.h>

#include "alith/core/http.h"
#include "alith/knowledge/loader.h"
#include "support/scripted_server.h"

namespace alith::knowledge {
namespace {

using alith::testing::ScriptedReply;
using alith::testing::ScriptedServer;

TEST(UrlLoader, FormatFromContentType) {
  ScriptedServer server;
  http::Client client;
  server.push(ScriptedReply::http(200, "<title>T</title><p>Hi</p>", "text/html; charset=utf-8"));
  auto docs = load_url(server.url() + "/page", client);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].metadata["format"], "html");
  EXPECT_EQ(docs[0].metadata["title"], "T");
  EXPECT_EQ(docs[0].text, "Hi");
  EXPECT_EQ(docs[0].source, server.url() + "/page");
  EXPECT_EQ(docs[0].id, server.url() + "/page");

  server.push(ScriptedReply::http(200, "a,b\n1,2\n", "text/csv"));
  docs = load_url(server.url() + "/export?x=1", client);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].id, server.url() + "/export?x=1#1");

  server.push(ScriptedReply::http(200, "{\"a\":1}\n{\"a\":2}\n", "application/x-ndjson"));
  EXPECT_EQ(load_url(server.url() + "/stream", client).size(), 2u);

  server.push(ScriptedReply::http(200, "[1,2,3]", "application/vnd.api+json"));
  EXPECT_EQ(load_url(server.url() + "/api", client).size(), 3u);
}

TEST(UrlLoader, GenericTypesFallBackToTheExtension) {
  ScriptedServer server;
  http::Client client;
  server.push(ScriptedReply::http(200, "# Heading\n", "text/plain"));
  auto docs = load_url(server.url() + "/readme.md?raw=1#top", client);
  EXPECT_EQ(docs[0].metadata["format"], "markdown");
  EXPECT_EQ(docs[0].metadata["title"], "Heading");

  server.push(ScriptedReply::http(200, "just text", "text/plain"));
  EXPECT_EQ(load_url(server.url() + "/notes", client)[0].metadata["format"], "text");

  server.push(ScriptedReply::http(200, "{\"a\":1}\n", "application/octet-stream"));
  EXPECT_EQ(load_url(server.url() + "/x.jsonl", client)[0].metadata["format"], "jsonl");

  server.push(ScriptedReply::http(200, "\x89PNG", "image/png"));
  EXPECT_THROW((void)load_url(server.url() + "/logo", client), UnsupportedError);
}

TEST(UrlLoader, ExplicitFormatWins) {
  ScriptedServer server;
  http::Client client;
  server.push(ScriptedReply::http(200, "<p>not parsed</p>", "text/html"));
  LoadOptions o;
  o.format = "text";
  EXPECT_EQ(load_url(server.url() + "/p", client, o)[0].text, "<p>not parsed</p>");
}

TEST(UrlLoader, StatusErrorsAreIoErrorsNamingTheStatus) {
  ScriptedServer server;
  http::Client client;
  for (int status : {404, 500, 403}) {
    server.push(ScriptedReply::http(status, "nope", "text/plain"));
    try {
      (void)load_url(server.url() + "/missing.txt", client);
      FAIL() << "no error for " << status;
    } catch (const IoError& e) {
      EXPECT_NE(std::string(e.what()).find("HTTP " + std::to_string(status)), std::string::npos) << e.what();
    }
  }
}

TEST(UrlLoader, BodiesOverMaxBytesAreRefused) {
  ScriptedServer server;
  http::Client client;
  server.push(ScriptedReply::http(200, std::string(1000, 'a'), "text/plain"));
  LoadOptions o;
  o.max_bytes = 100;
  EXPECT_THROW((void)load_url(server.url() + "/big.txt", client, o), TooLargeError);
}

TEST(UrlLoader, MalformedBodiesAreParseErrors) {
  ScriptedServer server;
  http::Client client;
  server.push(ScriptedReply::http(200, "[{\"a\": ", "application/json"));
  EXPECT_THROW((void)load_url(server.url() + "/cut.json", client), ParseError);
}

}  // namespace
}  // namespace alith::knowledge
