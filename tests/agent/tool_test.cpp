// Tool factories, schema derivation from function signatures, and run_tool's error containment.

#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "alith/agent/tool.h"

namespace alith::agent {
namespace {

struct WeatherArgs {
  std::string city;
  std::optional<int> days;
  static constexpr auto fields = std::make_tuple(field(&WeatherArgs::city, "city", "City name"),
                                                 field(&WeatherArgs::days, "days", "Days ahead"));
};

struct Forecast {
  std::string city;
  std::vector<double> temps;
  static constexpr auto fields =
      std::make_tuple(field(&Forecast::city, "city"), field(&Forecast::temps, "temps"));
};

TEST(MakeTool, DynamicToolValidatesBeforeRunning) {
  int calls = 0;
  auto tool = make_tool(
      "echo", "Echo the text",
      Json{{"type", "object"}, {"properties", {{"text", {{"type", "string"}}}}}, {"required", {"text"}}},
      [&](const Json& args, const ToolContext& ctx) -> Json {
        ++calls;
        return args["text"].get<std::string>() + "@" + ctx.call_id;
      });
  EXPECT_EQ(tool->spec().name, "echo");
  EXPECT_EQ(tool->spec().description, "Echo the text");
  auto ok = run_tool(*tool, Json{{"text", "hi"}}, ToolContext{{}, "c1"});
  EXPECT_FALSE(ok.is_error);
  EXPECT_EQ(ok.content, "hi@c1");  // strings verbatim, no JSON quotes

  auto bad = run_tool(*tool, Json{{"text", 5}}, ToolContext{});
  EXPECT_TRUE(bad.is_error);
  EXPECT_NE(bad.content.find("invalid arguments for tool \"echo\": $.text: expected string, got integer"),
            std::string::npos)
      << bad.content;
  auto missing = run_tool(*tool, Json::object(), ToolContext{});
  EXPECT_TRUE(missing.is_error);
  EXPECT_NE(missing.content.find("missing required property \"text\""), std::string::npos);
  EXPECT_EQ(calls, 1);
}

TEST(MakeTool, NonStringResultsAreJsonText) {
  auto tool = make_tool("obj", "", Json{{"type", "object"}}, [](const Json&, const ToolContext&) -> Json {
    return {{"a", 1}, {"b", {true, nullptr}}};
  });
  EXPECT_EQ(run_tool(*tool, Json::object(), {}).content, R"({"a":1,"b":[true,null]})");
}

TEST(MakeTool, ExceptionsBecomeErrorResults) {
  auto tool = make_tool("boom", "", Json{{"type", "object"}}, [](const Json&, const ToolContext&) -> Json {
    throw std::runtime_error("disk on fire");
  });
  auto out = run_tool(*tool, Json::object(), {});
  EXPECT_TRUE(out.is_error);
  EXPECT_EQ(out.content, "Error: tool \"boom\" failed: disk on fire");

  auto weird = make_tool("weird", "", Json{{"type", "object"}},
                         [](const Json&, const ToolContext&) -> Json { throw 42; });
  EXPECT_TRUE(run_tool(*weird, Json::object(), {}).is_error);
}

TEST(MakeTool, CancellationPropagates) {
  auto tool =
      make_tool("slow", "", Json{{"type", "object"}}, [](const Json&, const ToolContext& ctx) -> Json {
        ctx.cancel.check();
        return "done";
      });
  auto token = CancelToken::create();
  token.cancel();
  EXPECT_THROW(run_tool(*tool, Json::object(), ToolContext{token, "x"}), CancelledError);
}

TEST(MakeTool, RejectsBadDefinitions) {
  auto fn = [](const Json&, const ToolContext&) -> Json { return nullptr; };
  EXPECT_THROW(make_tool("", "", Json::object(), fn), InvalidArgumentError);
  EXPECT_THROW(make_tool("has space", "", Json::object(), fn), InvalidArgumentError);
  EXPECT_THROW(make_tool(std::string(65, 'a'), "", Json::object(), fn), InvalidArgumentError);
  EXPECT_THROW(make_tool("ok", "", Json::array(), fn), InvalidArgumentError);
  EXPECT_THROW(make_tool("ok", "", Json::object(), nullptr), InvalidArgumentError);
  EXPECT_TRUE(is_valid_tool_name("get_weather-2"));
}

TEST(MakeTypedTool, SchemaDerivedAndArgsDecoded) {
  auto tool = make_tool<WeatherArgs>("weather", "Forecast", [](const WeatherArgs& a) {
    return Forecast{a.city, std::vector<double>(static_cast<size_t>(a.days.value_or(1)), 20.5)};
  });
  EXPECT_EQ(tool->spec().parameters, schema_of<WeatherArgs>());
  auto out = run_tool(*tool, Json{{"city", "Oslo"}, {"days", 2}}, {});
  EXPECT_FALSE(out.is_error);
  EXPECT_EQ(parse_json(out.content).value(), Json({{"city", "Oslo"}, {"temps", {20.5, 20.5}}}));

  auto bad = run_tool(*tool, Json{{"city", "Oslo"}, {"days", "two"}}, {});
  EXPECT_TRUE(bad.is_error);
  EXPECT_NE(bad.content.find("$.days: expected integer, got string"), std::string::npos) << bad.content;
  auto extra = run_tool(*tool, Json{{"city", "Oslo"}, {"when", "now"}}, {});
  EXPECT_TRUE(extra.is_error);
  EXPECT_NE(extra.content.find("$.when: property is not allowed"), std::string::npos) << extra.content;
}

TEST(MakeTypedTool, ContextAndVoidResult) {
  std::string seen;
  auto tool = make_tool<WeatherArgs>("note", "", [&seen](const WeatherArgs& a, const ToolContext& ctx) {
    seen = a.city + "/" + ctx.call_id;
  });
  auto out = run_tool(*tool, Json{{"city", "Rome"}}, ToolContext{{}, "id7"});
  EXPECT_EQ(out.content, "ok");
  EXPECT_EQ(seen, "Rome/id7");
}

TEST(MakeFunctionTool, SchemaFromSignature) {
  auto add = make_function_tool("add", "Add two numbers", {"a", "b"}, {"first", "second"},
                                [](double a, double b) { return a + b; });
  const Json& s = add->spec().parameters;
  EXPECT_EQ(s["type"], "object");
  EXPECT_EQ(s["properties"]["a"], Json({{"type", "number"}, {"description", "first"}}));
  EXPECT_EQ(s["properties"]["b"]["type"], "number");
  EXPECT_EQ(s["required"], Json({"a", "b"}));
  EXPECT_EQ(s["additionalProperties"], false);
  EXPECT_EQ(run_tool(*add, Json{{"a", 1.5}, {"b", 2}}, {}).content, "3.5");
  auto bad = run_tool(*add, Json{{"a", 1.5}}, {});
  EXPECT_TRUE(bad.is_error);
  EXPECT_NE(bad.content.find("missing required property \"b\""), std::string::npos);
}

TEST(MakeFunctionTool, MixedParameterTypes) {
  auto tool = make_function_tool(
      "describe", "", {"name", "tags", "count", "loud"}, {},
      [](const std::string& name, std::vector<std::string> tags, std::optional<int> count, bool loud) {
        std::string out = name + ":" + std::to_string(tags.size()) + ":" + std::to_string(count.value_or(-1));
        return loud ? out + "!" : out;
      });
  const Json& s = tool->spec().parameters;
  EXPECT_EQ(s["properties"]["tags"], Json({{"type", "array"}, {"items", {{"type", "string"}}}}));
  EXPECT_EQ(s["properties"]["count"], Json({{"type", "integer"}}));
  EXPECT_EQ(s["properties"]["loud"], Json({{"type", "boolean"}}));
  EXPECT_EQ(s["required"], Json({"name", "tags", "loud"}));
  EXPECT_EQ(run_tool(*tool, Json{{"name", "x"}, {"tags", {"a", "b"}}, {"loud", true}}, {}).content,
            "x:2:-1!");
  EXPECT_EQ(run_tool(*tool, Json{{"name", "x"}, {"tags", Json::array()}, {"count", 4}, {"loud", false}}, {})
                .content,
            "x:0:4");
}

TEST(MakeFunctionTool, ContextParameterAndNoParameters) {
  auto tool = make_function_tool("who", "", {}, {}, [](const ToolContext& ctx) { return ctx.call_id; });
  EXPECT_EQ(tool->spec().parameters["properties"], Json::object());
  EXPECT_EQ(run_tool(*tool, Json::object(), ToolContext{{}, "abc"}).content, "abc");

  auto scaled = make_function_tool("scale", "", {"x"}, {}, [](int x, const ToolContext&) { return x * 2; });
  EXPECT_EQ(scaled->spec().parameters["required"], Json({"x"}));
  EXPECT_EQ(run_tool(*scaled, Json{{"x", 21}}, {}).content, "42");
}

int triple(int x) {
  return 3 * x;
}

TEST(MakeFunctionTool, PlainFunctionPointer) {
  auto tool = make_function_tool("triple", "", {"x"}, {}, &triple);
  EXPECT_EQ(run_tool(*tool, Json{{"x", 5}}, {}).content, "15");
}

TEST(MakeFunctionTool, CountMismatchThrows) {
  auto fn = [](double a, double b) { return a * b; };
  EXPECT_THROW(make_function_tool("mul", "", {"a"}, {}, fn), InvalidArgumentError);
  EXPECT_THROW(make_function_tool("mul", "", {"a", "b"}, {"only one"}, fn), InvalidArgumentError);
  EXPECT_THROW(make_function_tool("mul", "", {"a", "a"}, {}, fn), InvalidArgumentError);
}

}  // namespace
}  // namespace alith::agent
