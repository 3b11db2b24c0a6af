#include "alith/core/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "alith/core/error.h"

namespace alith {
namespace {

class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    path_ = std::filesystem::temp_directory_path() /
            ("alith_config_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter()++) + ".yaml");
    std::ofstream(path_) << content;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::filesystem::path path_;
};

Config::Getenv env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

constexpr const char* kYaml = R"(default_model: openai:gpt-4o-mini
providers:
  openai:
    api_key: sk-file
    base_url: https://api.openai.com/v1
  anthropic:
    api_key_env: MY_ANTHROPIC_KEY
  groq:
    type: openai
    base_url: https://api.groq.com/openai/v1
    api_key_env: GROQ_API_KEY
    headers: { X-Extra: value }
)";

TEST(Config, ReadsFile) {
  TempFile file(kYaml);
  const Config c = Config::load_file(file.path(), env({{"MY_ANTHROPIC_KEY", "ak"}, {"GROQ_API_KEY", "gk"}}));
  EXPECT_EQ(c.source, file.path());
  EXPECT_EQ(c.default_model, "openai:gpt-4o-mini");
  ASSERT_NE(c.provider("openai"), nullptr);
  EXPECT_EQ(c.provider("openai")->type, "openai");
  EXPECT_EQ(c.provider("openai")->api_key, "sk-file");
  EXPECT_EQ(c.provider("anthropic")->type, "anthropic");
  EXPECT_EQ(c.provider("anthropic")->api_key, "ak");
  const ProviderConfig* groq = c.provider("groq");
  ASSERT_NE(groq, nullptr);
  EXPECT_EQ(groq->name, "groq");
  EXPECT_EQ(groq->type, "openai");
  EXPECT_EQ(groq->api_key, "gk");
  EXPECT_EQ(groq->headers.at("X-Extra"), "value");
  EXPECT_EQ(c.provider("missing"), nullptr);
}

TEST(Config, EnvironmentOverridesFile) {
  TempFile file(kYaml);
  const Config c = Config::load_file(file.path(), env({{"OPENAI_API_KEY", "sk-env"},
                                                       {"OPENAI_BASE_URL", "http://127.0.0.1:9/v1"},
                                                       {"ALITH_MODEL", "anthropic:claude"}}));
  EXPECT_EQ(c.provider("openai")->api_key, "sk-env");
  EXPECT_EQ(c.provider("openai")->base_url, "http://127.0.0.1:9/v1");
  EXPECT_EQ(c.default_model, "anthropic:claude");
}

TEST(Config, EnvironmentAloneCreatesProviders) {
  const Config c = Config::load_file("/nonexistent/alith.yaml",
                                     env({{"ANTHROPIC_API_KEY", "ak"}, {"ANTHROPIC_BASE_URL", "http://h"}}));
  EXPECT_EQ(c.source, "");
  const ProviderConfig* p = c.provider("anthropic");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->name, "anthropic");
  EXPECT_EQ(p->type, "anthropic");
  EXPECT_EQ(p->api_key, "ak");
  EXPECT_EQ(p->base_url, "http://h");
  EXPECT_EQ(c.provider("openai"), nullptr);
}

TEST(Config, LoadUsesAlithConfigPath) {
  TempFile file("default_model: x:y\n");
  const Config c = Config::load(env({{"ALITH_CONFIG", file.path()}}));
  EXPECT_EQ(c.default_model, "x:y");
}

TEST(Config, MissingExplicitConfigFileIsAnError) {
  EXPECT_THROW(Config::load(env({{"ALITH_CONFIG", "/nonexistent/alith.yaml"}})), ConfigError);
  // Without ALITH_CONFIG a missing default file just means "no file".
  EXPECT_NO_THROW(Config::load(env({{"HOME", "/nonexistent-home"}})));
}

TEST(Config, DefaultPath) {
  EXPECT_EQ(Config::default_path(env({{"ALITH_CONFIG", "/a.yaml"}, {"HOME", "/h"}})), "/a.yaml");
  EXPECT_EQ(Config::default_path(env({{"XDG_CONFIG_HOME", "/x"}, {"HOME", "/h"}})), "/x/alith/config.yaml");
  EXPECT_EQ(Config::default_path(env({{"HOME", "/h"}})), "/h/.config/alith/config.yaml");
}

std::string config_error(const std::string& yaml) {
  TempFile file(yaml);
  try {
    (void)Config::load_file(file.path(), env({}));
  } catch (const ConfigError& e) {
    std::string what = e.what();
    // Strip the temporary path so tests compare the location and message.
    if (what.rfind(file.path(), 0) == 0) what.erase(0, file.path().size());
    return what;
  }
  return "no error";
}

TEST(Config, MalformedYamlNamesLineAndColumn) {
  const std::string e = config_error("default_model: a\nproviders:\n  openai: [unclosed\n");
  EXPECT_TRUE(e.rfind(":4:", 0) == 0 || e.rfind(":3:", 0) == 0) << e;
}

TEST(Config, WrongTypesNameTheLine) {
  EXPECT_EQ(config_error("default_model: [a, b]\n").substr(0, 3), ":1:");
  const std::string e = config_error("providers:\n  openai:\n    base_url: {a: 1}\n");
  EXPECT_EQ(e.substr(0, 3), ":3:") << e;
  EXPECT_NE(e.find("providers.openai.base_url"), std::string::npos) << e;
  EXPECT_NE(config_error("providers: [1]\n").find("providers must be a mapping"), std::string::npos);
  EXPECT_NE(config_error("- 1\n").find("must be a mapping"), std::string::npos);
}

TEST(Config, CustomProviderNeedsAType) {
  const std::string e = config_error("providers:\n  groq:\n    base_url: http://x\n");
  EXPECT_NE(e.find("providers.groq.type"), std::string::npos) << e;
}

TEST(Config, EmptyFileIsFine) {
  TempFile file("");
  const Config c = Config::load_file(file.path(), env({}));
  EXPECT_TRUE(c.providers.empty());
}

}  // namespace
}  // namespace alith
