// The JSON Schema validator: keywords, error messages with paths, and hostile inputs.

#include <gtest/gtest.h>

#include <string>

#include "alith/agent/schema.h"

namespace alith::agent {
namespace {

Json J(const char* text) {
  return parse_json(text).value();
}

// "" when valid, else the error message.
std::string check(const Json& value, const Json& schema) {
  auto r = validate(value, schema);
  if (r) return "";
  EXPECT_EQ(r.error().code, ErrorCode::schema);
  return r.error().message;
}

TEST(Validate, Types) {
  EXPECT_EQ(check(J("1"), J(R"({"type":"integer"})")), "");
  EXPECT_EQ(check(J("1.0"), J(R"({"type":"integer"})")), "");
  EXPECT_EQ(check(J("1.5"), J(R"({"type":"integer"})")), "$: expected integer, got number");
  EXPECT_EQ(check(J("1"), J(R"({"type":"number"})")), "");
  EXPECT_EQ(check(J("\"1\""), J(R"({"type":"number"})")), "$: expected number, got string");
  EXPECT_EQ(check(J("true"), J(R"({"type":"integer"})")), "$: expected integer, got boolean");
  EXPECT_EQ(check(J("null"), J(R"({"type":["string","null"]})")), "");
  EXPECT_EQ(check(J("3"), J(R"({"type":["string","null"]})")), "$: expected string or null, got integer");
  EXPECT_EQ(check(J("{}"), J(R"({"type":"object"})")), "");
  EXPECT_EQ(check(J("[]"), J(R"({"type":"array"})")), "");
  EXPECT_EQ(check(J("null"), J(R"({"type":"string","nullable":true})")), "");
  EXPECT_EQ(check(J("1"), J("{}")), "");
  EXPECT_EQ(check(J("1"), J("true")), "");
  EXPECT_EQ(check(J("1"), J("false")), "$: no value is allowed here");
}

TEST(Validate, Objects) {
  Json s =
      J(R"({"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer","minimum":1}},
                 "required":["city"],"additionalProperties":false})");
  EXPECT_EQ(check(J(R"({"city":"Oslo"})"), s), "");
  EXPECT_EQ(check(J(R"({"city":"Oslo","days":2})"), s), "");
  EXPECT_EQ(check(J(R"({"city":"Oslo","days":"2"})"), s), "$.days: expected integer, got string");
  EXPECT_EQ(check(J(R"({"city":"Oslo","days":0})"), s), "$.days: must be >= 1, got 0");
  EXPECT_EQ(check(J(R"({"days":2})"), s), "$: missing required property \"city\"");
  EXPECT_EQ(check(J(R"({"city":"Oslo","x":1})"), s),
            "$.x: property is not allowed (the schema admits no additional properties)");
  Json extra = J(R"({"type":"object","properties":{"a":{}},"additionalProperties":{"type":"number"}})");
  EXPECT_EQ(check(J(R"({"a":"s","b":1})"), extra), "");
  EXPECT_EQ(check(J(R"({"a":"s","b c":"x"})"), extra), "$[\"b c\"]: expected number, got string");
  Json counts = J(R"({"minProperties":1,"maxProperties":2})");
  EXPECT_EQ(check(J("{}"), counts), "$: must have at least 1 properties");
  EXPECT_EQ(check(J(R"({"a":1,"b":2,"c":3})"), counts), "$: must have at most 2 properties");
}

TEST(Validate, Arrays) {
  Json s = J(R"({"type":"array","items":{"type":"string","minLength":2},"minItems":1,"maxItems":3})");
  EXPECT_EQ(check(J(R"(["ab","cd"])"), s), "");
  EXPECT_EQ(check(J("[]"), s), "$: must have at least 1 items");
  EXPECT_EQ(check(J(R"(["ab","cd","ef","gh"])"), s), "$: must have at most 3 items");
  EXPECT_EQ(check(J(R"(["ab","c"])"), s), "$[1]: must be at least 2 characters long");
  EXPECT_EQ(check(J(R"([1,2,1])"), J(R"({"uniqueItems":true})")), "$: items must be unique; 1 repeats");
  EXPECT_EQ(check(J(R"([1,1.0])"), J(R"({"uniqueItems":true})")), "$: items must be unique; 1.0 repeats");
  Json tuple = J(R"({"items":[{"type":"string"},{"type":"integer"}],"additionalItems":false})");
  EXPECT_EQ(check(J(R"(["a",1])"), tuple), "");
  EXPECT_EQ(check(J(R"(["a","b"])"), tuple), "$[1]: expected integer, got string");
  EXPECT_EQ(check(J(R"(["a",1,2])"), tuple), "$[2]: no value is allowed here");
  Json prefix = J(R"({"prefixItems":[{"type":"string"}],"items":{"type":"integer"}})");
  EXPECT_EQ(check(J(R"(["a",1,2])"), prefix), "");
  EXPECT_EQ(check(J(R"(["a",1,"x"])"), prefix), "$[2]: expected integer, got string");
}

TEST(Validate, StringsCountCodePoints) {
  Json s = J(R"({"type":"string","maxLength":3})");
  EXPECT_EQ(check(Json("héé"), s), "");  // 5 bytes, 3 code points
  EXPECT_EQ(check(Json("abcd"), s), "$: must be at most 3 characters long");
}

TEST(Validate, Numbers) {
  EXPECT_EQ(check(J("5"), J(R"({"maximum":5})")), "");
  EXPECT_EQ(check(J("5"), J(R"({"exclusiveMaximum":5})")), "$: must be < 5, got 5");
  EXPECT_EQ(check(J("5"), J(R"({"exclusiveMinimum":5})")), "$: must be > 5, got 5");
  EXPECT_EQ(check(J("5"), J(R"({"minimum":5,"exclusiveMinimum":true})")),
            "$: must be > 5, got 5");  // draft 4
  EXPECT_EQ(check(J("5.5"), J(R"({"maximum":5})")), "$: must be <= 5, got 5.5");
  EXPECT_EQ(check(J("9"), J(R"({"multipleOf":3})")), "");
  EXPECT_EQ(check(J("0.3"), J(R"({"multipleOf":0.1})")), "");
  EXPECT_EQ(check(J("10"), J(R"({"multipleOf":3})")), "$: must be a multiple of 3");
  EXPECT_EQ(check(J("\"x\""), J(R"({"minimum":5})")), "");  // bounds ignore other types
}

TEST(Validate, EnumAndConst) {
  Json s = J(R"({"enum":["c","f",null,1]})");
  EXPECT_EQ(check(J("\"c\""), s), "");
  EXPECT_EQ(check(J("null"), s), "");
  EXPECT_EQ(check(J("1.0"), s), "");
  EXPECT_EQ(check(J("\"k\""), s), "$: must be one of \"c\", \"f\", null, 1, got \"k\"");
  EXPECT_EQ(check(J(R"({"a":[1]})"), J(R"({"const":{"a":[1]}})")), "");
  EXPECT_EQ(check(J(R"({"a":[2]})"), J(R"({"const":{"a":[1]}})")), "$: must equal {\"a\":[1]}");
}

TEST(Validate, Combinators) {
  Json any = J(R"({"anyOf":[{"type":"string"},{"type":"integer","minimum":0}]})");
  EXPECT_EQ(check(J("\"a\""), any), "");
  EXPECT_EQ(check(J("3"), any), "");
  EXPECT_EQ(
      check(J("-3"), any),
      "$: matches none of the anyOf alternatives: (0) $: expected string, got integer; (1) $: must be >= 0, "
      "got -3");
  Json one = J(R"({"oneOf":[{"type":"integer"},{"type":"number"}]})");
  EXPECT_EQ(check(J("1.5"), one), "");
  EXPECT_EQ(check(J("1"), one), "$: matches more than one oneOf alternative (0 and 1)");
  EXPECT_NE(check(J("\"x\""), one), "");
  Json all = J(R"({"allOf":[{"type":"integer"},{"maximum":3}]})");
  EXPECT_EQ(check(J("3"), all), "");
  EXPECT_EQ(check(J("4"), all), "$: must be <= 3, got 4");
  EXPECT_EQ(check(J("4"), J(R"({"not":{"type":"string"}})")), "");
  EXPECT_EQ(check(J("\"4\""), J(R"({"not":{"type":"string"}})")), "$: must not match the 'not' schema");
  Json cond = J(R"({"if":{"type":"integer"},"then":{"minimum":10},"else":{"type":"string"}})");
  EXPECT_EQ(check(J("11"), cond), "");
  EXPECT_EQ(check(J("\"s\""), cond), "");
  EXPECT_EQ(check(J("9"), cond), "$: must be >= 10, got 9");
  EXPECT_EQ(check(J("true"), cond), "$: expected string, got boolean");
}

TEST(Validate, Refs) {
  Json s = J(R"({"$defs":{"Point":{"type":"object","properties":{"x":{"type":"number"}},"required":["x"]}},
                 "definitions":{"Name":{"type":"string"}},
                 "type":"object",
                 "properties":{"p":{"$ref":"#/$defs/Point"},"n":{"$ref":"#/definitions/Name"},
                               "list":{"type":"array","items":{"$ref":"#/$defs/Point"}}}})");
  EXPECT_EQ(check(J(R"({"p":{"x":1},"n":"a","list":[{"x":2}]})"), s), "");
  EXPECT_EQ(check(J(R"({"list":[{"x":2},{"y":1}]})"), s), "$.list[1]: missing required property \"x\"");
  EXPECT_EQ(check(J(R"({"n":1})"), s), "$.n: expected string, got integer");
  Json tree = J(R"({"type":"object","properties":{"v":{"type":"integer"},
                    "kids":{"type":"array","items":{"$ref":"#"}}}})");
  EXPECT_EQ(check(J(R"({"v":1,"kids":[{"v":2,"kids":[{"v":3}]}]})"), tree), "");
  EXPECT_EQ(check(J(R"({"v":1,"kids":[{"v":2,"kids":[{"v":"x"}]}]})"), tree),
            "$.kids[0].kids[0].v: expected integer, got string");
  EXPECT_NE(check(J("1"), J(R"({"$ref":"#/$defs/Missing"})")).find("unresolvable $ref"), std::string::npos);
  EXPECT_NE(check(J("1"), J(R"({"$ref":"http://example.com/s.json"})")).find("unresolvable $ref"),
            std::string::npos);
  EXPECT_EQ(check(J("1"), J(R"({"a/b":{"x~y":{"type":"integer"}},"$ref":"#/a~1b/x~0y"})")), "");
}

TEST(Validate, InvalidSchemasAreErrorsNotCrashes) {
  EXPECT_NE(check(J("1"), J(R"({"type":"int"})")).find("invalid schema"), std::string::npos);
  EXPECT_NE(check(J("1"), J(R"({"type":7})")).find("invalid schema"), std::string::npos);
  EXPECT_NE(check(J("1"), J("[1]")).find("invalid schema"), std::string::npos);
  EXPECT_NE(check(J("{}"), J(R"({"required":"a"})")).find("invalid schema"), std::string::npos);
  EXPECT_NE(check(J("1"), J(R"({"anyOf":[]})")).find("invalid schema"), std::string::npos);
  EXPECT_NE(check(J("1"), J(R"({"multipleOf":0})")).find("invalid schema"), std::string::npos);
  EXPECT_NE(check(J("1"), J(R"({"maximum":"3"})")).find("invalid schema"), std::string::npos);
  // An invalid branch inside anyOf is fatal, not silently skipped.
  EXPECT_NE(check(J("1"), J(R"({"anyOf":[{"type":"nope"},{"type":"integer"}]})")).find("invalid schema"),
            std::string::npos);
}

TEST(Validate, RefCycleIsBounded) {
  std::string m = check(J("1"), J(R"({"$ref":"#"})"));
  EXPECT_NE(m.find("nested too deeply"), std::string::npos) << m;
  m = check(J("1"), J(R"({"$defs":{"a":{"$ref":"#/$defs/b"},"b":{"$ref":"#/$defs/a"}},"$ref":"#/$defs/a"})"));
  EXPECT_NE(m.find("nested too deeply"), std::string::npos) << m;
}

TEST(Validate, ExponentialSchemaIsBounded) {
  // 60 levels of two branches each, failing only at the bottom: 2^60 evaluations without a budget, while
  // staying under the depth limit.
  Json s = Json{{"$ref", "#/$defs/L0"}};
  for (int i = 0; i < 60; ++i) {
    Json next = Json{{"$ref", "#/$defs/L" + std::to_string(i + 1)}};
    s["$defs"]["L" + std::to_string(i)] = Json{{"anyOf", {next, next}}};
  }
  s["$defs"]["L60"] = Json{{"type", "string"}};
  ValidateOptions options;
  options.max_steps = 50'000;
  auto r = validate(J("1"), s, options);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("too many steps"), std::string::npos) << r.error().message;
  EXPECT_LE(r.error().message.size(), options.max_error_chars + 3);
}

TEST(Validate, DeepValuesAreBounded) {
  auto nest = [](Json inner, int levels) {
    for (int i = 0; i < levels; ++i) {
      Json outer = Json::array();
      outer.push_back(std::move(inner));
      inner = std::move(outer);
    }
    return inner;
  };
  Json deep = nest(1, 1000);
  Json s = J(R"({"$defs":{"n":{"anyOf":[{"type":"integer"},{"type":"array","items":{"$ref":"#/$defs/n"}}]}},
                 "$ref":"#/$defs/n"})");
  auto r = validate(deep, s);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("nested too deeply"), std::string::npos);
  // Without combinators: plain item schemas nested as deep as the value.
  Json deep_schema = Json{{"type", "integer"}};
  for (int i = 0; i < 1000; ++i) {
    Json outer = Json{{"type", "array"}};
    outer["items"] = std::move(deep_schema);
    deep_schema = std::move(outer);
  }
  EXPECT_FALSE(validate(deep, deep_schema).ok());
  // A legitimate, moderately deep value passes.
  Json ok = nest(1, 30);
  EXPECT_TRUE(validate(ok, s).ok());
}

TEST(Validate, LongErrorsAreCut) {
  Json s = Json::object();
  Json any = Json::array();
  for (int i = 0; i < 200; ++i) any.push_back(Json{{"const", std::string(50, 'a') + std::to_string(i)}});
  s["anyOf"] = any;
  auto r = validate(J("1"), s);
  ASSERT_FALSE(r.ok());
  EXPECT_LE(r.error().message.size(), 1003u);
}

struct Item {
  std::string sku;
  std::optional<int> qty;
  static constexpr auto fields = std::make_tuple(field(&Item::sku, "sku"), field(&Item::qty, "qty"));
};

TEST(Validate, DerivedSchemaRoundTrip) {
  Json s = schema_of<std::vector<Item>>();
  EXPECT_EQ(check(to_json(std::vector<Item>{{"a", 1}, {"b", std::nullopt}}), s), "");
  EXPECT_EQ(check(J(R"([{"sku":"a","qty":"1"}])"), s), "$[0].qty: expected integer, got string");
  EXPECT_EQ(json_type_name(J("1.5")), "number");
}

}  // namespace
}  // namespace alith::agent
