#include "alith/llm/registry.h"

#include <gtest/gtest.h>

#include "alith/core/error.h"
#include "llm_test_util.h"

namespace alith::llm {
namespace {

using testing::ScriptedReply;
using testing::ScriptedServer;

Config config_with(std::vector<ProviderConfig> providers) {
  Config config;
  config.source = "/tmp/alith-test/config.yaml";
  for (auto& p : providers) config.providers[p.name] = p;
  return config;
}

template <class E>
std::string message_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const E& e) {
    return e.what();
  }
  ADD_FAILURE() << "no exception of the expected type";
  return {};
}

TEST(ModelRef, SplitsAtTheFirstColon) {
  const ModelRef a = ModelRef::parse("openai:gpt-4o-mini");
  EXPECT_EQ(a.provider, "openai");
  EXPECT_EQ(a.model, "gpt-4o-mini");
  const ModelRef b = ModelRef::parse("ollama:qwen2.5:7b-instruct");
  EXPECT_EQ(b.provider, "ollama");
  EXPECT_EQ(b.model, "qwen2.5:7b-instruct");
  const ModelRef c = ModelRef::parse(" local:/models/gemma 3.gguf ");
  EXPECT_EQ(c.provider, "local");
  EXPECT_EQ(c.model, "/models/gemma 3.gguf");
}

TEST(ModelRef, RejectsReferencesWithoutProviderOrModel) {
  EXPECT_THROW(ModelRef::parse("gpt-4o"), InvalidArgumentError);
  EXPECT_THROW(ModelRef::parse(":gpt-4o"), InvalidArgumentError);
  EXPECT_THROW(ModelRef::parse("openai:"), InvalidArgumentError);
  EXPECT_THROW(ModelRef::parse(""), InvalidArgumentError);
}

TEST(Registry, MissingOpenAIKeySaysWhatToSet) {
  const std::string message =
      message_of<ConfigError>([] { (void)make_chat_model("openai:gpt-4o-mini", config_with({})); });
  EXPECT_NE(message.find("OPENAI_API_KEY"), std::string::npos) << message;
  EXPECT_NE(message.find("providers.openai.api_key"), std::string::npos) << message;
  EXPECT_NE(message.find("/tmp/alith-test/config.yaml"), std::string::npos) << message;

  const std::string anthropic =
      message_of<ConfigError>([] { (void)make_chat_model("anthropic:claude-x", config_with({})); });
  EXPECT_NE(anthropic.find("ANTHROPIC_API_KEY"), std::string::npos) << anthropic;
}

TEST(Registry, BuiltInProvidersWithKeys) {
  ProviderConfig openai{"openai", "openai", "", "sk-1", {}};
  ProviderConfig anthropic{"anthropic", "anthropic", "", "sk-ant-1", {}};
  const Config config = config_with({openai, anthropic});
  EXPECT_EQ(make_chat_model("openai:gpt-4o-mini", config)->id(), "openai:gpt-4o-mini");
  EXPECT_EQ(make_chat_model("anthropic:claude-sonnet-4-5", config)->id(), "anthropic:claude-sonnet-4-5");
  EXPECT_EQ(make_embedding_model("openai:text-embedding-3-small", config)->id(),
            "openai:text-embedding-3-small");
  EXPECT_THROW((void)make_embedding_model("anthropic:claude-x", config), UnsupportedError);
}

TEST(Registry, LoopbackServersNeedNoKey) {
  for (const char* url : {"http://127.0.0.1:8080/v1", "http://localhost:11434/v1", "http://[::1]:8000/v1"}) {
    ProviderConfig openai{"openai", "openai", url, "", {}};
    EXPECT_EQ(make_chat_model("openai:whatever", config_with({openai}))->id(), "openai:whatever") << url;
  }
  ProviderConfig remote{"openai", "openai", "http://localhost.evil.example/v1", "", {}};
  EXPECT_THROW((void)make_chat_model("openai:m", config_with({remote})), ConfigError);
}

TEST(Registry, LocalModelsResolveToFilesOrCatalogNames) {
  const std::string missing =
      message_of<IoError>([] { (void)make_chat_model("local:/m/gemma.gguf", config_with({})); });
  EXPECT_NE(missing.find("/m/gemma.gguf"), std::string::npos) << missing;
  const std::string unknown = message_of<ConfigError>([] { (void)make_chat_model("local:mystery", config_with({})); });
  EXPECT_NE(unknown.find("gemma3-270m"), std::string::npos) << unknown;
}

TEST(Registry, UnknownProviderListsKnownOnes) {
  ProviderConfig groq{"groq", "openai", "https://api.groq.com/openai/v1", "gsk", {}};
  const std::string message =
      message_of<ConfigError>([&] { (void)make_chat_model("mystery:model", config_with({groq})); });
  EXPECT_NE(message.find("mystery"), std::string::npos) << message;
  EXPECT_NE(message.find("openai, anthropic"), std::string::npos) << message;
  EXPECT_NE(message.find("groq"), std::string::npos) << message;
}

TEST(Registry, NamedProviderMissingKeyAndBadType) {
  ProviderConfig groq{"groq", "openai", "https://api.groq.com/openai/v1", "", {}};
  const std::string message =
      message_of<ConfigError>([&] { (void)make_chat_model("groq:llama-3.1-8b", config_with({groq})); });
  EXPECT_NE(message.find("providers.groq.api_key"), std::string::npos) << message;

  ProviderConfig odd{"odd", "cohere", "https://x", "k", {}};
  EXPECT_THROW((void)make_chat_model("odd:m", config_with({odd})), ConfigError);
}

TEST(Registry, NamedOpenAICompatibleProviderTalksToItsServer) {
  ScriptedServer server;
  server.push(ScriptedReply::http(200, test::completion("from groq")));
  ProviderConfig groq{"groq", "openai", server.url() + "/openai/v1", "gsk-secret", {{"X-Team", "blue"}}};
  auto model = make_chat_model("groq:llama-3.1-8b-instant", config_with({groq}));
  EXPECT_EQ(model->id(), "groq:llama-3.1-8b-instant");
  ChatRequest request;
  request.messages = {Message::user("hi")};
  EXPECT_EQ(model->complete(request).message.text(), "from groq");
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/openai/v1/chat/completions");
  EXPECT_EQ(requests[0].header("authorization"), "Bearer gsk-secret");
  EXPECT_EQ(requests[0].header("x-team"), "blue");
  EXPECT_EQ(test::parse(requests[0].body)["model"], "llama-3.1-8b-instant");
}

TEST(Registry, NamedAnthropicProvider) {
  ScriptedServer server;
  server.push(ScriptedReply::http(
      200,
      R"({"content":[{"type":"text","text":"proxied"}],"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1}})"));
  ProviderConfig proxy{"claude-proxy", "anthropic", server.url(), "k-proxy", {}};
  auto model = make_chat_model("claude-proxy:claude-haiku", config_with({proxy}));
  ChatRequest request;
  request.messages = {Message::user("hi")};
  EXPECT_EQ(model->complete(request).message.text(), "proxied");
  EXPECT_EQ(server.requests()[0].path, "/v1/messages");
  EXPECT_EQ(server.requests()[0].header("x-api-key"), "k-proxy");
}

}  // namespace
}  // namespace alith::llm
