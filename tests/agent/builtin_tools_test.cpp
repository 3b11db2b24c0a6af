// Built-in tools: the calculator's grammar and limits, read_file's sandbox, http_get's opt-in, current_time.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <random>
#include <string>

#include "alith/agent/builtin_tools.h"
#include "support/scripted_server.h"

namespace alith::agent {
namespace {
namespace fs = std::filesystem;

double calc(const std::string& expr) {
  return evaluate_arithmetic(expr).value();
}
std::string calc_error(const std::string& expr) {
  auto r = evaluate_arithmetic(expr);
  EXPECT_FALSE(r.ok()) << expr;
  return r.ok() ? "" : r.error().message;
}

TEST(Calculator, PrecedenceAndAssociativity) {
  EXPECT_EQ(calc("1 + 2 * 3"), 7);
  EXPECT_EQ(calc("(1 + 2) * 3"), 9);
  EXPECT_EQ(calc("10 - 4 - 3"), 3);  // left-associative
  EXPECT_EQ(calc("64 / 4 / 2"), 8);
  EXPECT_EQ(calc("2 ^ 3 ^ 2"), 512);  // right-associative
  EXPECT_EQ(calc("2 ** 3"), 8);
  EXPECT_EQ(calc("-2 ^ 2"), -4);  // unary minus binds looser than ^
  EXPECT_EQ(calc("2 ^ -1"), 0.5);
  EXPECT_EQ(calc("--3"), 3);
  EXPECT_EQ(calc("+3 - -3"), 6);
  EXPECT_EQ(calc("7 % 3"), 1);
  EXPECT_EQ(calc("2 * 3 % 4"), 2);
  EXPECT_EQ(calc(" 1.5e3 + .5 "), 1500.5);
  EXPECT_EQ(calc("2E-2"), 0.02);
}

TEST(Calculator, FunctionsAndConstants) {
  EXPECT_EQ(calc("sqrt(16)"), 4);
  EXPECT_EQ(calc("abs(-2.5)"), 2.5);
  EXPECT_DOUBLE_EQ(calc("ln(e)"), 1);
  EXPECT_DOUBLE_EQ(calc("log(1000)"), 3);
  EXPECT_DOUBLE_EQ(calc("exp(0)"), 1);
  EXPECT_NEAR(calc("sin(pi / 2)"), 1, 1e-12);
  EXPECT_NEAR(calc("cos(pi)"), -1, 1e-12);
  EXPECT_NEAR(calc("tan(0)"), 0, 1e-12);
  EXPECT_EQ(calc("floor(2.7) + ceil(2.1) + round(2.5)"), 2 + 3 + 3);
  EXPECT_EQ(calc("min(3, 1, 2)"), 1);
  EXPECT_EQ(calc("max(3, 1 + 9, 2)"), 10);
  EXPECT_EQ(calc("max(-1)"), -1);
  EXPECT_DOUBLE_EQ(calc("2 * pi"), 2 * std::numbers::pi);
}

TEST(Calculator, Errors) {
  EXPECT_EQ(calc_error("1 / 0"), "division by zero");
  EXPECT_EQ(calc_error("1 % 0"), "modulo by zero");
  EXPECT_EQ(calc_error("0 ^ -1"), "division by zero (0 raised to a negative power)");
  EXPECT_EQ(calc_error("sqrt(-1)"), "sqrt of a negative number");
  EXPECT_EQ(calc_error("ln(0)"), "logarithm of a number that is not positive");
  EXPECT_EQ(calc_error("(-8) ^ 0.5"), "a negative number raised to a fractional power");
  EXPECT_EQ(calc_error("10 ^ 400"), "the result overflowed");
  EXPECT_EQ(calc_error("exp(1000)"), "exp overflowed");
  EXPECT_EQ(calc_error("1e999"), "number out of range at position 1");
  EXPECT_EQ(calc_error("1e308 + 1e308"), "the result is not a finite number");
  EXPECT_EQ(calc_error(""), "unexpected end of expression");
  EXPECT_EQ(calc_error("1 +"), "unexpected end of expression");
  EXPECT_EQ(calc_error("(1 + 2"), "missing ')'");
  EXPECT_EQ(calc_error("1 + 2)"), "unexpected ')' at position 6");
  EXPECT_EQ(calc_error("2pi"), "unexpected 'p' at position 2");
  EXPECT_EQ(calc_error("foo(1)"), "unknown function 'foo' at position 1");
  EXPECT_EQ(calc_error("x + 1"), "unknown name 'x' at position 1");
  EXPECT_EQ(calc_error("sqrt(1, 2)"), "sqrt takes one argument (position 1)");
  EXPECT_EQ(calc_error("min()"), "min takes at least one argument (position 1)");
  EXPECT_EQ(calc_error("1..2"), "unexpected '.' at position 3");
  EXPECT_EQ(calc_error("."), "unexpected '.' at position 1");
  EXPECT_EQ(calc_error("__import__('os')"), "unexpected ''' at position 12");
  EXPECT_EQ(calc_error("1; 2"), "unexpected ';' at position 2");
}

TEST(Calculator, HugeAndDeepInputsAreRejected) {
  EXPECT_NE(calc_error(std::string(1001, '1')).find("too long"), std::string::npos);
  EXPECT_NE(calc_error(std::string(100, '(') + "1" + std::string(100, ')')).find("nested too deeply"),
            std::string::npos);
  EXPECT_NE(calc_error(std::string(500, '-') + "1").find("nested too deeply"), std::string::npos);
  std::string tower = "2";
  for (int i = 0; i < 100; ++i) tower += "^1";
  EXPECT_NE(calc_error(tower).find("nested too deeply"), std::string::npos);
  EXPECT_EQ(calc(std::string(30, '(') + "1" + std::string(30, ')')), 1);
  std::string long_sum = "1";
  for (int i = 0; i < 300; ++i) long_sum += "+1";  // long but flat is fine
  EXPECT_EQ(calc(long_sum), 301);
}

TEST(Calculator, RandomBytesNeverCrash) {
  std::mt19937 rng(7);
  const std::string alphabet = "0123456789+-*/%^().,e pisqrtmaxE";
  for (int i = 0; i < 2000; ++i) {
    std::string s;
    const int n = static_cast<int>(rng() % 40);
    for (int k = 0; k < n; ++k) s += alphabet[rng() % alphabet.size()];
    auto r = evaluate_arithmetic(s);
    if (r) {
      EXPECT_TRUE(std::isfinite(*r));
    }
  }
}

TEST(Calculator, ToolFormatsResults) {
  auto tool = builtin_tool("calculator");
  EXPECT_EQ(tool->spec().name, "calculator");
  EXPECT_EQ(run_tool(*tool, Json{{"expression", "6 * 7"}}, {}).content, "42");
  EXPECT_EQ(run_tool(*tool, Json{{"expression", "0.1 + 0.2"}}, {}).content, "0.3");
  EXPECT_EQ(run_tool(*tool, Json{{"expression", "1 / 3"}}, {}).content, "0.333333333333333");
  EXPECT_EQ(run_tool(*tool, Json{{"expression", "-0"}}, {}).content, "0");
  EXPECT_EQ(run_tool(*tool, Json{{"expression", "10^20"}}, {}).content, "1e+20");
  auto err = run_tool(*tool, Json{{"expression", "1/0"}}, {});
  EXPECT_TRUE(err.is_error);
  EXPECT_EQ(err.content, "Error: tool \"calculator\" failed: division by zero");
  EXPECT_TRUE(run_tool(*tool, Json{{"expr", "1"}}, {}).is_error);
}

TEST(BuiltinTools, NamesAndUnknown) {
  EXPECT_EQ(builtin_tool_names(),
            (std::vector<std::string>{"calculator", "current_time", "http_get", "read_file"}));
  EXPECT_THROW(builtin_tool("shell"), InvalidArgumentError);
}

TEST(BuiltinTools, CurrentTime) {
  auto tool = builtin_tool("current_time");
  auto out = run_tool(*tool, Json::object(), {});
  ASSERT_FALSE(out.is_error) << out.content;
  Json j = parse_json(out.content).value();
  EXPECT_GT(j["unix"].get<int64_t>(), 1'600'000'000);
  const std::string utc = j["utc"];
  ASSERT_EQ(utc.size(), 20u);
  EXPECT_EQ(utc[10], 'T');
  EXPECT_EQ(utc.back(), 'Z');
  EXPECT_FALSE(j.contains("note"));
  Json tz = parse_json(run_tool(*tool, Json{{"timezone", "Asia/Tokyo"}}, {}).content).value();
  EXPECT_TRUE(tz.contains("note"));
}

TEST(BuiltinTools, HttpGetIsOffByDefault) {
  try {
    builtin_tool("http_get");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("allow_network"), std::string::npos);
  }
}

TEST(BuiltinTools, HttpGetFetchesAndCaps) {
  alith::testing::ScriptedServer server;
  server.push(alith::testing::ScriptedReply::http(200, "hello world", "text/plain"));
  server.push(alith::testing::ScriptedReply::http(200, std::string(5000, 'x'), "text/plain"));
  server.push(alith::testing::ScriptedReply::http(404, "not here", "text/plain"));
  BuiltinToolOptions options;
  options.allow_network = true;
  options.max_http_bytes = 1000;
  auto tool = builtin_tool("http_get", options);

  Json first = parse_json(run_tool(*tool, Json{{"url", server.url() + "/a"}}, {}).content).value();
  EXPECT_EQ(first["status"], 200);
  EXPECT_EQ(first["body"], "hello world");
  EXPECT_EQ(first["truncated"], false);
  EXPECT_EQ(first["content_type"], "text/plain");

  auto big_out = run_tool(*tool, Json{{"url", server.url() + "/b"}}, {});
  ASSERT_FALSE(big_out.is_error) << big_out.content;
  Json big = parse_json(big_out.content).value();
  EXPECT_EQ(big["body"].get<std::string>().size(), 1000u);
  EXPECT_EQ(big["truncated"], true);

  auto missing_out = run_tool(*tool, Json{{"url", server.url() + "/c"}}, {});
  ASSERT_FALSE(missing_out.is_error) << missing_out.content;
  Json missing = parse_json(missing_out.content).value();
  EXPECT_EQ(missing["status"], 404);
  EXPECT_EQ(missing["body"], "not here");

  for (const char* url : {"file:///etc/passwd", "ftp://x/y", "gopher://x", "http://a b/", "javascript:1"}) {
    auto out = run_tool(*tool, Json{{"url", url}}, {});
    EXPECT_TRUE(out.is_error) << url;
  }
  EXPECT_EQ(server.request_count(), 3u);
}

class ReadFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("alith_read_file_" + std::to_string(::getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    fs::create_directories(base_ / "box" / "sub");
    fs::create_directories(base_ / "outside");
    write(base_ / "box" / "hello.txt", "hello");
    write(base_ / "box" / "sub" / "deep.txt", "deep");
    write(base_ / "outside" / "secret.txt", "TOP-SECRET-CONTENT");
    write(base_ / "box" / "big.txt", std::string(3000, 'b'));
    options_.sandbox_dir = (base_ / "box").string();
    options_.max_file_bytes = 1000;
    tool_ = builtin_tool("read_file", options_);
  }
  void TearDown() override { fs::remove_all(base_); }

  static void write(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
  }
  ToolOutcome read(const std::string& path) { return run_tool(*tool_, Json{{"path", path}}, {}); }

  fs::path base_;
  BuiltinToolOptions options_;
  std::shared_ptr<Tool> tool_;
};

TEST_F(ReadFileTest, ReadsInsideTheSandbox) {
  EXPECT_EQ(read("hello.txt").content, "hello");
  EXPECT_EQ(read("sub/deep.txt").content, "deep");
  EXPECT_EQ(read("./sub/../hello.txt").content, "hello");
  EXPECT_EQ(read((base_ / "box" / "hello.txt").string()).content, "hello");  // absolute but inside
  auto big = read("big.txt");
  EXPECT_FALSE(big.is_error);
  EXPECT_EQ(big.content.substr(0, 1000), std::string(1000, 'b'));
  EXPECT_NE(big.content.find("[truncated: the file has 3000 bytes"), std::string::npos);
}

TEST_F(ReadFileTest, EscapesAreRejected) {
  fs::create_symlink(base_ / "outside" / "secret.txt", base_ / "box" / "link.txt");
  fs::create_directory_symlink(base_ / "outside", base_ / "box" / "linkdir");
  fs::create_symlink(base_ / "box" / "hello.txt", base_ / "box" / "inner_link.txt");
  for (const std::string& p : std::vector<std::string>{
           "../outside/secret.txt", "sub/../../outside/secret.txt", "link.txt", "linkdir/secret.txt",
           "/etc/passwd", (base_ / "outside" / "secret.txt").string(), std::string("hello.txt\0x", 11), "",
           "missing.txt", "sub", "."}) {
    auto out = read(p);
    EXPECT_TRUE(out.is_error) << p << " -> " << out.content;
    EXPECT_EQ(out.content.find("TOP-SECRET"), std::string::npos) << p;
  }
  EXPECT_NE(read("link.txt").content.find("outside the sandbox"), std::string::npos);
  EXPECT_EQ(read("inner_link.txt").content, "hello");  // a symlink that stays inside is fine
}

TEST_F(ReadFileTest, BinaryFilesAreRefused) {
  write(base_ / "box" / "bin.dat", std::string("a\0b", 3));
  EXPECT_TRUE(read("bin.dat").is_error);
}

TEST(BuiltinTools, ReadFileNeedsASandbox) {
  EXPECT_THROW(builtin_tool("read_file"), ConfigError);
  BuiltinToolOptions options;
  options.sandbox_dir = "/definitely/not/here";
  EXPECT_THROW(builtin_tool("read_file", options), ConfigError);
}

}  // namespace
}  // namespace alith::agent
