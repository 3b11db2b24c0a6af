// Schema derivation from C++ types and typed encode/decode.

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "alith/agent/schema.h"

namespace alith::agent {
namespace {

struct Weather {
  std::string city;
  std::optional<int> days;
  static constexpr auto fields = std::make_tuple(field(&Weather::city, "city", "City name"),
                                                 field(&Weather::days, "days", "Days ahead"));
};

struct Point {
  double x = 0;
  double y = 0;
  static constexpr auto fields() { return std::make_tuple(field(&Point::x, "x"), field(&Point::y, "y")); }
};

struct Route {
  std::string name;
  std::vector<Point> points;
  std::optional<Point> start;
  std::map<std::string, int64_t> tags;
  bool closed = false;
  uint8_t lanes = 0;
  Json extra;
  static constexpr auto fields = std::make_tuple(
      field(&Route::name, "name"), field(&Route::points, "points", "Waypoints"),
      field(&Route::start, "start"), field(&Route::tags, "tags"), field(&Route::closed, "closed"),
      field(&Route::lanes, "lanes"), field(&Route::extra, "extra"));
};

enum class Color { red, green };

}  // namespace

template <>
struct JsonCodec<Color> {
  static Json schema() { return Json{{"type", "string"}, {"enum", {"red", "green"}}}; }
  static Json encode(const Color& c) { return c == Color::red ? "red" : "green"; }
  static bool decode(const Json& j, Color& out, std::string& error) {
    if (j == "red") {
      out = Color::red;
    } else if (j == "green") {
      out = Color::green;
    } else {
      error = "not a color";
      return false;
    }
    return true;
  }
};

namespace {

struct Paint {
  Color color = Color::red;
  std::vector<Color> others;
  static constexpr auto fields =
      std::make_tuple(field(&Paint::color, "color"), field(&Paint::others, "others"));
};

struct Constrained {
  std::string code;
  static constexpr auto fields =
      std::make_tuple(alith::agent::field(&Constrained::code, "code", "A code", R"({"maxLength": 8, "enum": ["a"]})"));
};

struct BadConstraint {
  int n = 0;
  static constexpr auto fields = std::make_tuple(alith::agent::field(&BadConstraint::n, "n", "", "[1]"));
};

TEST(SchemaOf, FieldConstraintsMergeIntoTheMemberSchema) {
  const Json s = schema_of<Constrained>();
  EXPECT_EQ(s["properties"]["code"]["type"], "string");
  EXPECT_EQ(s["properties"]["code"]["maxLength"], 8);
  EXPECT_EQ(s["properties"]["code"]["enum"], Json::array({"a"}));
  EXPECT_THROW(schema_of<BadConstraint>(), InvalidArgumentError);
}

TEST(SchemaOf, Scalars) {
  EXPECT_EQ(schema_of<bool>(), Json({{"type", "boolean"}}));
  EXPECT_EQ(schema_of<int>(), Json({{"type", "integer"}}));
  EXPECT_EQ(schema_of<unsigned>(), Json({{"type", "integer"}, {"minimum", 0}}));
  EXPECT_EQ(schema_of<double>(), Json({{"type", "number"}}));
  EXPECT_EQ(schema_of<float>(), Json({{"type", "number"}}));
  EXPECT_EQ(schema_of<std::string>(), Json({{"type", "string"}}));
  EXPECT_EQ(schema_of<Json>(), Json::object());
}

TEST(SchemaOf, Containers) {
  EXPECT_EQ(schema_of<std::vector<int>>(), Json({{"type", "array"}, {"items", {{"type", "integer"}}}}));
  using BoolMap = std::map<std::string, bool>;
  EXPECT_EQ(schema_of<BoolMap>(),
            Json({{"type", "object"}, {"additionalProperties", {{"type", "boolean"}}}}));
  EXPECT_EQ(schema_of<std::optional<std::string>>(), Json({{"type", {"string", "null"}}}));
  EXPECT_EQ(schema_of<std::optional<Json>>(), Json({{"anyOf", {Json::object(), {{"type", "null"}}}}}));
}

TEST(SchemaOf, StructWithOptionalField) {
  Json s = schema_of<Weather>();
  EXPECT_EQ(s["type"], "object");
  EXPECT_EQ(s["properties"]["city"], Json({{"type", "string"}, {"description", "City name"}}));
  EXPECT_EQ(s["properties"]["days"], Json({{"type", "integer"}, {"description", "Days ahead"}}));
  EXPECT_EQ(s["required"], Json({"city"}));
  EXPECT_EQ(s["additionalProperties"], false);
}

TEST(SchemaOf, NestedStructsAndFunctionFields) {
  Json s = schema_of<Route>();
  EXPECT_EQ(s["properties"]["points"]["type"], "array");
  EXPECT_EQ(s["properties"]["points"]["description"], "Waypoints");
  EXPECT_EQ(s["properties"]["points"]["items"]["properties"]["x"]["type"], "number");
  EXPECT_EQ(s["properties"]["points"]["items"]["required"], Json({"x", "y"}));
  EXPECT_EQ(s["properties"]["start"]["type"], "object");  // optional: plain schema, not required
  EXPECT_EQ(s["properties"]["tags"]["additionalProperties"]["type"], "integer");
  EXPECT_EQ(s["properties"]["lanes"]["minimum"], 0);
  EXPECT_EQ(s["properties"]["extra"], Json::object());
  Json required = s["required"];
  EXPECT_EQ(required.size(), 6u);
  EXPECT_EQ(std::count(required.begin(), required.end(), Json("start")), 0);
}

TEST(SchemaOf, CustomCodec) {
  Json s = schema_of<Paint>();
  EXPECT_EQ(s["properties"]["color"]["enum"], Json({"red", "green"}));
  EXPECT_EQ(s["properties"]["others"]["items"]["enum"], Json({"red", "green"}));
  Paint p = from_json<Paint>(Json{{"color", "green"}, {"others", {"red"}}});
  EXPECT_EQ(p.color, Color::green);
  ASSERT_EQ(p.others.size(), 1u);
  EXPECT_EQ(to_json(p), Json({{"color", "green"}, {"others", {"red"}}}));
  auto bad = try_from_json<Paint>(Json{{"color", "blue"}, {"others", Json::array()}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "$.color: not a color");
}

TEST(FromJson, DecodesAndRoundTrips) {
  Json j = {{"name", "loop"},     {"points", {{{"x", 1}, {"y", 2.5}}, {{"x", -1}, {"y", 0}}}},
            {"tags", {{"a", 1}}}, {"closed", true},
            {"lanes", 3},         {"extra", {{"any", {1, 2}}}}};
  Route r = from_json<Route>(j);
  EXPECT_EQ(r.name, "loop");
  ASSERT_EQ(r.points.size(), 2u);
  EXPECT_DOUBLE_EQ(r.points[0].y, 2.5);
  EXPECT_FALSE(r.start.has_value());
  EXPECT_EQ(r.tags.at("a"), 1);
  EXPECT_TRUE(r.closed);
  EXPECT_EQ(r.lanes, 3);
  EXPECT_EQ(r.extra["any"][1], 2);
  EXPECT_EQ(to_json(r), j);  // empty optional left out

  r.start = Point{4, 5};
  EXPECT_EQ(to_json(r)["start"], Json({{"x", 4.0}, {"y", 5.0}}));
  EXPECT_EQ(from_json<Route>(to_json(r)).start->x, 4);
}

TEST(FromJson, OptionalAcceptsNullAndAbsence) {
  EXPECT_FALSE(from_json<Weather>(Json{{"city", "Oslo"}, {"days", nullptr}}).days);
  EXPECT_EQ(from_json<Weather>(Json{{"city", "Oslo"}, {"days", 3}}).days, 3);
  EXPECT_EQ(from_json<Weather>(Json{{"city", "Oslo"}, {"days", 3.0}}).days, 3);  // integral float
  EXPECT_EQ(to_json(std::optional<int>()), Json(nullptr));
}

TEST(FromJson, ErrorsNamePaths) {
  auto r = try_from_json<Weather>(Json{{"city", "Oslo"}, {"days", "two"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::schema);
  EXPECT_EQ(r.error().message, "$.days: expected integer, got string");

  EXPECT_EQ(try_from_json<Weather>(Json{{"days", 1}}).error().message,
            "$: missing required property \"city\"");
  EXPECT_EQ(try_from_json<Weather>(Json::array()).error().message, "$: expected object, got array");
  EXPECT_EQ(try_from_json<Route>(Json{{"name", "x"},
                                      {"points", {{{"x", 1}, {"y", "?"}}}},
                                      {"tags", Json::object()},
                                      {"closed", false},
                                      {"lanes", 1},
                                      {"extra", nullptr}})
                .error()
                .message,
            "$.points[0].y: expected number, got string");
  using IntMap = std::map<std::string, int>;
  EXPECT_EQ(try_from_json<IntMap>(Json{{"two words", true}}).error().message,
            "$[\"two words\"]: expected integer, got boolean");
  EXPECT_THROW(from_json<Weather>(Json(1)), SchemaError);
}

TEST(FromJson, IntegerRanges) {
  EXPECT_EQ(try_from_json<int>(Json(3.5)).error().message, "$: expected integer, got number");
  EXPECT_EQ(try_from_json<int>(Json(int64_t{1} << 40)).error().message, "$: integer out of range");
  EXPECT_EQ(try_from_json<uint8_t>(Json(-1)).error().message, "$: integer out of range");
  EXPECT_EQ(try_from_json<uint8_t>(Json(256)).error().message, "$: integer out of range");
  EXPECT_EQ(try_from_json<int64_t>(Json(1e19)).error().message, "$: integer out of range");
  EXPECT_EQ(try_from_json<int64_t>(Json(-9.3e18)).error().message, "$: integer out of range");
  EXPECT_EQ(try_from_json<uint64_t>(Json(UINT64_MAX)).value(), UINT64_MAX);
  EXPECT_EQ(try_from_json<int64_t>(Json(INT64_MIN)).value(), INT64_MIN);
  EXPECT_EQ(try_from_json<float>(Json(1e300)).error().message, "$: number out of range");
  EXPECT_FALSE(try_from_json<bool>(Json(1)).ok());
  EXPECT_FALSE(try_from_json<double>(Json("1")).ok());
}

TEST(FromJson, DeepValueIsRejectedNotOverflowed) {
  Json deep = Json::array();
  for (int i = 0; i < 100; ++i) deep = Json::array({deep});
  auto r = try_from_json<std::vector<std::vector<std::vector<Json>>>>(deep);
  EXPECT_TRUE(r.ok());  // Json leaves stop the typed walk early
  Json deep_map = Json::object();
  for (int i = 0; i < 10; ++i) deep_map = Json{{"a", deep_map}};
  using NestedMap = std::map<std::string, std::map<std::string, int>>;
  EXPECT_FALSE(try_from_json<NestedMap>(deep_map).ok());
}

}  // namespace
}  // namespace alith::agent
