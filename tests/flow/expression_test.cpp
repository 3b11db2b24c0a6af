#include "alith/flow/expression.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "alith/core/error.h"

namespace alith::flow {
namespace {

const Json& state() {
  static const Json s = Json::parse(R"({
    "approved": true,
    "rejected": false,
    "notes": ["a", "b", "c"],
    "count": 3,
    "ratio": 0.5,
    "name": "Ada",
    "empty": "",
    "nothing": null,
    "zero": 0,
    "list": [],
    "obj": {},
    "user": {"name": "Bob", "tags": ["x", "y"], "address": {"city": "Paris"}, "age": null},
    "items": [{"id": 1}, {"id": 2, "score": 9.5}],
    "text": "héllo wörld ☃ 😀",
    "in": "keyword key",
    "max": 9223372036854775807,
    "min": -9223372036854775808,
    "huge": 18446744073709551615
  })");
  return s;
}

Expression parsed(std::string_view text) {
  auto e = Expression::parse(text);
  if (!e.ok()) throw std::runtime_error("unexpected parse error: " + e.error().message);
  return std::move(e).value();
}

Json eval(std::string_view text, const Json& s = state()) {
  return parsed(text).evaluate(s);
}

ErrorInfo parse_error(std::string_view text) {
  auto e = Expression::parse(text);
  if (e.ok()) {
    ADD_FAILURE() << "parsed but should not: " << text;
    return ErrorInfo{ErrorCode::invalid_argument, "", std::nullopt};
  }
  return e.error();
}

// The message of the InvalidArgumentError evaluation throws, or "" (and a failure) when it does not throw.
std::string type_error(std::string_view text, const Json& s = state()) {
  const Expression e = parsed(text);
  try {
    (void)e.evaluate(s);
  } catch (const InvalidArgumentError& err) {
    EXPECT_EQ(err.code(), ErrorCode::invalid_argument);
    return err.what();
  }
  ADD_FAILURE() << "evaluated without a type error: " << text;
  return "";
}

// ---------------------------------------------------------------------------------------------------------
// Literals

TEST(Expression, NumberLiteralsKeepIntegersAsInt64) {
  const Json i = eval("42");
  EXPECT_TRUE(i.is_number_integer());
  EXPECT_EQ(i, 42);
  EXPECT_EQ(eval("9223372036854775807").get<int64_t>(), std::numeric_limits<int64_t>::max());
  const Json big = eval("9223372036854775808");  // past int64: a float, as JSON readers do
  EXPECT_TRUE(big.is_number_float());
  EXPECT_DOUBLE_EQ(big.get<double>(), 9223372036854775808.0);
  EXPECT_TRUE(eval("1.5").is_number_float());
  EXPECT_DOUBLE_EQ(eval("1.5").get<double>(), 1.5);
  EXPECT_DOUBLE_EQ(eval("2e3").get<double>(), 2000.0);
  EXPECT_TRUE(eval("2e3").is_number_float());
  EXPECT_DOUBLE_EQ(eval("2.5E-1").get<double>(), 0.25);
  EXPECT_DOUBLE_EQ(eval("1e+2").get<double>(), 100.0);
  EXPECT_EQ(eval("0"), 0);
  EXPECT_DOUBLE_EQ(eval("0.125").get<double>(), 0.125);
}

TEST(Expression, StringLiteralsInBothQuotesWithEscapes) {
  EXPECT_EQ(eval("'abc'"), "abc");
  EXPECT_EQ(eval("\"abc\""), "abc");
  EXPECT_EQ(eval(R"('it\'s')"), "it's");
  EXPECT_EQ(eval(R"("say \"hi\"")"), "say \"hi\"");
  EXPECT_EQ(eval(R"('"' + "'")"), "\"'");
  EXPECT_EQ(eval(R"('a\\b')"), "a\\b");
  EXPECT_EQ(eval(R"('a\nb\tc\rd')"), "a\nb\tc\rd");
  EXPECT_EQ(eval(R"('\u00e9\u2603')"), "é☃");
  EXPECT_EQ(eval(R"('\uD83D\uDE00')"), "😀");  // a surrogate pair is one code point
  EXPECT_EQ(eval(R"('\u0041\u0062')"), "Ab");
  EXPECT_EQ(eval("''"), "");
}

TEST(Expression, KeywordLiteralsAndArrays) {
  EXPECT_EQ(eval("true"), true);
  EXPECT_EQ(eval("false"), false);
  EXPECT_TRUE(eval("null").is_null());
  EXPECT_EQ(eval("[]"), Json::array());
  EXPECT_EQ(eval("[1, 'a', null, [true]]"), Json::parse(R"([1, "a", null, [true]])"));
  EXPECT_EQ(eval("[count, name, count + 1]"), Json::parse(R"([3, "Ada", 4])"));
  EXPECT_EQ(eval("[[1, 2], [3]][0][1]"), 2);
}

// ---------------------------------------------------------------------------------------------------------
// Paths

TEST(Expression, PathsReadNestedFieldsAndIndexes) {
  EXPECT_EQ(eval("name"), "Ada");
  EXPECT_EQ(eval("user.name"), "Bob");
  EXPECT_EQ(eval("user.address.city"), "Paris");
  EXPECT_EQ(eval("user.tags[1]"), "y");
  EXPECT_EQ(eval("items[1].score"), 9.5);
  EXPECT_EQ(eval("user[\"name\"]"), "Bob");
  EXPECT_EQ(eval("user['address']['city']"), "Paris");
  EXPECT_EQ(eval("notes[count - 1]"), "c");  // an index may be computed
  EXPECT_EQ(eval("user[lower('NAME')]"), "Bob");
  EXPECT_EQ(eval("(user).name"), "Bob");
  EXPECT_EQ(eval("items[0]"), Json::parse(R"({"id": 1})"));
}

TEST(Expression, NegativeIndexesCountFromTheEnd) {
  EXPECT_EQ(eval("notes[-1]"), "c");
  EXPECT_EQ(eval("notes[-3]"), "a");
  EXPECT_TRUE(eval("notes[-4]").is_null());
  EXPECT_EQ(eval("items[-1].id"), 2);
  EXPECT_TRUE(eval("notes[-9223372036854775807 - 1]").is_null());
  EXPECT_TRUE(eval("notes[min]").is_null());
  EXPECT_TRUE(eval("notes[max]").is_null());
  EXPECT_TRUE(eval("notes[huge]").is_null());
}

TEST(Expression, MissingPathsAreNull) {
  EXPECT_TRUE(eval("missing").is_null());
  EXPECT_TRUE(eval("missing.deeper[3].still").is_null());
  EXPECT_TRUE(eval("user.missing").is_null());
  EXPECT_TRUE(eval("notes[3]").is_null());
  EXPECT_TRUE(eval("notes.length").is_null());  // a field of an array
  EXPECT_TRUE(eval("name.first").is_null());    // a field of a string
  EXPECT_TRUE(eval("user[0]").is_null());       // an integer index into an object
  EXPECT_TRUE(eval("notes['a']").is_null());    // a key into an array
  EXPECT_TRUE(eval("name[0]").is_null());       // strings are not indexed
  EXPECT_TRUE(eval("user.age").is_null());      // present but null reads the same
  EXPECT_EQ(eval("missing == null"), true);
  EXPECT_TRUE(eval("anything", Json()).is_null());  // a null state is an empty one
}

TEST(Expression, KeywordsAreReservedButReadableWithAStringIndex) {
  EXPECT_EQ(parse_error("in").code, ErrorCode::parse);
  const ErrorInfo field = parse_error("user.in");
  EXPECT_EQ(field.offset, 5u);
  EXPECT_NE(field.message.find("keyword"), std::string::npos) << field.message;
  EXPECT_EQ(parse_error("not.x").code, ErrorCode::parse);
  EXPECT_TRUE(eval("x['in']", Json{{"x", {{"in", 1}}}}) == 1);
  // An identifier that only starts like a keyword is an identifier.
  EXPECT_EQ(eval("notes_count", Json{{"notes_count", 2}}), 2);
  EXPECT_EQ(eval("android or nullable", Json{{"android", false}, {"nullable", true}}), true);
  // True with a capital is not a keyword (nor a boolean): it names a key.
  EXPECT_TRUE(eval("True").is_null());
}

TEST(Expression, BadIndexTypesAreTypeErrors) {
  EXPECT_NE(type_error("notes[1.0]").find("index must be an integer or a string"), std::string::npos);
  type_error("notes[true]");
  type_error("notes[null]");
  type_error("notes[[0]]");
  type_error("missing[1.5]");  // checked even when the base is missing
}

// ---------------------------------------------------------------------------------------------------------
// Arithmetic

TEST(Expression, ArithmeticOnIntegersStaysInteger) {
  EXPECT_EQ(eval("1 + 2"), 3);
  EXPECT_TRUE(eval("1 + 2").is_number_integer());
  EXPECT_EQ(eval("10 - 3 - 2"), 5);  // left-associative
  EXPECT_EQ(eval("4 * count"), 12);
  EXPECT_EQ(eval("6 / 3"), 2);
  EXPECT_TRUE(eval("6 / 3").is_number_integer());
  EXPECT_EQ(eval("8 / 2 / 2"), 2);
  EXPECT_EQ(eval("7 % 3"), 1);
  EXPECT_EQ(eval("-7 % 3"), -1);  // truncates like C
  EXPECT_EQ(eval("7 % -3"), 1);
  EXPECT_EQ(eval("min % -1"), 0);
  EXPECT_EQ(eval("-count"), -3);
  EXPECT_EQ(eval("--3"), 3);
  EXPECT_EQ(eval("- -3"), 3);
}

TEST(Expression, InexactAndOverflowingArithmeticGivesFloats) {
  EXPECT_DOUBLE_EQ(eval("7 / 2").get<double>(), 3.5);
  EXPECT_DOUBLE_EQ(eval("1 + 0.5").get<double>(), 1.5);
  EXPECT_DOUBLE_EQ(eval("ratio * 4").get<double>(), 2.0);
  EXPECT_TRUE(eval("ratio * 4").is_number_float());
  EXPECT_DOUBLE_EQ(eval("3.0 - 1").get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(eval("1 / 4.0").get<double>(), 0.25);
  EXPECT_TRUE(eval("max + 1").is_number_float());
  EXPECT_DOUBLE_EQ(eval("max + 1").get<double>(), 9223372036854775808.0);
  EXPECT_TRUE(eval("min - 1").is_number_float());
  EXPECT_TRUE(eval("max * 2").is_number_float());
  EXPECT_TRUE(eval("-min").is_number_float());
  EXPECT_DOUBLE_EQ(eval("min / -1").get<double>(), 9223372036854775808.0);
  EXPECT_DOUBLE_EQ(eval("huge + 1").get<double>(), 18446744073709551616.0);
  EXPECT_DOUBLE_EQ(eval("-ratio").get<double>(), -0.5);
}

TEST(Expression, PlusConcatenatesStringsAndArrays) {
  EXPECT_EQ(eval("name + '!'"), "Ada!");
  EXPECT_EQ(eval("'☃' + text"), "☃héllo wörld ☃ 😀");
  EXPECT_EQ(eval("notes + ['d']"), Json::parse(R"(["a", "b", "c", "d"])"));
  EXPECT_EQ(eval("[] + []"), Json::array());
}

TEST(Expression, ArithmeticTypeErrors) {
  EXPECT_NE(type_error("name + 1").find("cannot add a string and an integer"), std::string::npos);
  type_error("1 + 'a'");
  type_error("notes + 'd'");
  type_error("null + 1");
  type_error("true + 1");
  type_error("user + user");
  EXPECT_NE(type_error("name - 1").find("cannot subtract"), std::string::npos);
  EXPECT_NE(type_error("name * 2").find("cannot multiply"), std::string::npos);
  EXPECT_NE(type_error("notes / 2").find("cannot divide"), std::string::npos);
  EXPECT_NE(type_error("-name").find("cannot negate a string"), std::string::npos);
  type_error("-null");
  EXPECT_NE(type_error("1 / 0").find("division by zero"), std::string::npos);
  EXPECT_NE(type_error("1.5 / 0.0").find("division by zero"), std::string::npos);
  EXPECT_NE(type_error("count / zero").find("division by zero"), std::string::npos);
  EXPECT_NE(type_error("5 % 0").find("modulo by zero"), std::string::npos);
  EXPECT_NE(type_error("5.5 % 2").find("'%' needs two integers"), std::string::npos);
  type_error("5 % 2.0");
  type_error("huge % 2");  // beyond int64
  EXPECT_NE(type_error("1e308 * 10").find("not a finite number"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------------------
// Comparisons

TEST(Expression, EqualityIsDeepAndNumeric) {
  EXPECT_EQ(eval("1 == 1.0"), true);
  EXPECT_EQ(eval("count == 3.0"), true);
  EXPECT_EQ(eval("1 != 1.0"), false);
  EXPECT_EQ(eval("0.5 == ratio"), true);
  EXPECT_EQ(eval("'1' == 1"), false);  // different types are unequal, not an error
  EXPECT_EQ(eval("null == false"), false);
  EXPECT_EQ(eval("nothing == null"), true);
  EXPECT_EQ(eval("notes == ['a', 'b', 'c']"), true);
  EXPECT_EQ(eval("[1, [2.0]] == [1.0, [2]]"), true);
  EXPECT_EQ(eval("notes != ['a', 'b']"), true);
  EXPECT_EQ(eval("items[0] == items[0]"), true);
  EXPECT_EQ(eval("items[0] == items[1]"), false);
  EXPECT_EQ(eval("a.b == c.d", Json::object()), true);  // missing == missing
  EXPECT_EQ(eval("a == b", Json{{"a", {{"x", 1}, {"y", 2}}}, {"b", {{"y", 2.0}, {"x", 1}}}}), true);
  EXPECT_EQ(eval("a == b", Json{{"a", {{"x", 1}}}, {"b", {{"y", 1}}}}), false);
  EXPECT_EQ(eval("obj == list"), false);
  // Exact across int64, uint64 and double: 2^63 - 1 is not the double 2^63.
  EXPECT_EQ(eval("max == 9223372036854775808"), false);
  EXPECT_EQ(eval("max < 9223372036854775808"), true);
  EXPECT_EQ(eval("huge > max"), true);
  EXPECT_EQ(eval("huge == 18446744073709551615"), false);  // the literal is the double 2^64
  EXPECT_EQ(eval("min < huge"), true);
  EXPECT_EQ(eval("9007199254740993 == 9007199254740992.0"), false);
}

TEST(Expression, OrderingNumbersAndStrings) {
  EXPECT_EQ(eval("1 < 2"), true);
  EXPECT_EQ(eval("2 < 1"), false);
  EXPECT_EQ(eval("2 <= 2"), true);
  EXPECT_EQ(eval("2 > 1.5"), true);
  EXPECT_EQ(eval("1.5 >= 1.5"), true);
  EXPECT_EQ(eval("count >= 3 and count <= 3"), true);
  EXPECT_EQ(eval("-1 < -0.5"), true);
  EXPECT_EQ(eval("'apple' < 'banana'"), true);
  EXPECT_EQ(eval("'b' > 'abc'"), true);
  EXPECT_EQ(eval("'' < 'a'"), true);
  EXPECT_EQ(eval("'z' < 'é'"), true);  // code point order
  EXPECT_EQ(eval("'é' < '😀'"), true);
}

TEST(Expression, OrderingDifferentTypesIsATypeError) {
  EXPECT_NE(type_error("name < 1").find("cannot order a string and an integer"), std::string::npos);
  type_error("1 > '0'");
  type_error("missing > 1");
  type_error("true < false");
  type_error("notes <= notes");
  type_error("user >= user");
  type_error("null < null");
}

TEST(Expression, InAndNotIn) {
  EXPECT_EQ(eval("'b' in notes"), true);
  EXPECT_EQ(eval("'z' in notes"), false);
  EXPECT_EQ(eval("'z' not in notes"), true);
  EXPECT_EQ(eval("1 in [1.0, 2]"), true);
  EXPECT_EQ(eval("[2] in [[1], [2]]"), true);
  EXPECT_EQ(eval("null in [null]"), true);
  EXPECT_EQ(eval("'da' in name"), true);
  EXPECT_EQ(eval("'' in name"), true);
  EXPECT_EQ(eval("'wör' in text"), true);
  EXPECT_EQ(eval("'x' not in name"), true);
  EXPECT_EQ(eval("'city' in user.address"), true);
  EXPECT_EQ(eval("'age' in user"), true);  // present with a null value
  EXPECT_EQ(eval("'zip' not in user.address"), true);
  EXPECT_EQ(eval("'a' in list"), false);
}

TEST(Expression, InTypeErrors) {
  EXPECT_NE(type_error("1 in name").find("'in' needs a string to look for"), std::string::npos);
  EXPECT_NE(type_error("1 in user").find("'in' needs a string"), std::string::npos);
  EXPECT_NE(type_error("'a' in count").find("to look in, not an integer"), std::string::npos);
  EXPECT_NE(type_error("'a' not in missing").find("'not in'"), std::string::npos);
  type_error("'a' in true");
}

// ---------------------------------------------------------------------------------------------------------
// Logic

TEST(Expression, LogicalOperatorsGiveBooleans) {
  EXPECT_EQ(eval("approved and count"), true);
  EXPECT_EQ(eval("approved && rejected"), false);
  EXPECT_EQ(eval("rejected or name"), true);
  EXPECT_EQ(eval("rejected || empty"), false);
  EXPECT_EQ(eval("not approved"), false);
  EXPECT_EQ(eval("!rejected"), true);
  EXPECT_EQ(eval("not not name"), true);
  EXPECT_EQ(eval("!!zero"), false);
  EXPECT_EQ(eval("!missing"), true);
  EXPECT_EQ(eval("approved == true and len(notes) >= 3"), true);
}

TEST(Expression, TruthinessOfEveryType) {
  const Json s = Json::parse(R"({
    "null": null, "f": false, "t": true, "zero": 0, "fzero": 0.0, "neg": -1, "small": 0.001,
    "es": "", "s": "0", "ea": [], "a": [0], "eo": {}, "o": {"k": null}, "u": 18446744073709551615
  })");
  const std::pair<const char*, bool> cases[] = {
      {"x['null']", false}, {"f", false},    {"t", true},   {"zero", false},    {"fzero", false},
      {"neg", true},        {"small", true}, {"es", false}, {"s", true},        {"ea", false},
      {"a", true},          {"eo", false},   {"o", true},   {"missing", false}, {"u", true},
  };
  for (const auto& [text, want] : cases) {
    const Json st = std::string(text).starts_with("x[") ? Json{{"x", s}} : s;
    EXPECT_EQ(parsed(text).test(st), want) << text;
  }
  EXPECT_FALSE(Expression::truthy(Json()));
  EXPECT_FALSE(Expression::truthy(-0.0));
  EXPECT_TRUE(Expression::truthy(Json::binary({1})));
  EXPECT_FALSE(Expression::truthy(Json::binary({})));
}

TEST(Expression, AndOrShortCircuit) {
  const Json s{{"x", {{"y", "a string"}}}};
  // The right side would be a type error (a string ordered against a number), but is never evaluated.
  EXPECT_EQ(eval("false and x.y > 1", s), false);
  EXPECT_EQ(eval("true or x.y > 1", s), true);
  EXPECT_EQ(eval("x.missing and x.y / 0", s), false);
  EXPECT_EQ(eval("x.y or len(5)", s), true);
  EXPECT_EQ(eval("false && 1 / 0 || true", s), true);
  type_error("true and x.y > 1", s);
  type_error("false or x.y > 1", s);
}

// ---------------------------------------------------------------------------------------------------------
// Precedence

TEST(Expression, Precedence) {
  EXPECT_EQ(eval("1 + 2 * 3"), 7);
  EXPECT_EQ(eval("(1 + 2) * 3"), 9);
  EXPECT_EQ(eval("2 * 3 % 4"), 2);  // same level, left to right
  EXPECT_EQ(eval("2 + 7 % 4"), 5);
  EXPECT_EQ(eval("-2 * 3"), -6);
  EXPECT_EQ(eval("-items[1].id"), -2);  // postfix binds tighter than unary minus
  EXPECT_EQ(eval("1 + 2 == 3"), true);  // arithmetic before comparison
  EXPECT_EQ(eval("'a' + 'b' in ['ab']"), true);
  EXPECT_EQ(eval("not 1 == 2"), true);  // not (1 == 2)
  EXPECT_EQ(eval("not count in [3]"), false);
  EXPECT_EQ(eval("not true and false"), false);  // (not true) and false
  EXPECT_EQ(eval("not false and false"), false);
  EXPECT_EQ(eval("true or false and false"), true);  // and before or
  EXPECT_EQ(eval("(true or false) and false"), false);
  EXPECT_EQ(eval("false and false or true"), true);
  EXPECT_EQ(eval("!approved || count == 3 && name == 'Ada'"), true);
}

TEST(Expression, ComparisonsDoNotChain) {
  const ErrorInfo e = parse_error("a < b < c");
  EXPECT_EQ(e.code, ErrorCode::parse);
  EXPECT_EQ(e.offset, 6u);
  EXPECT_NE(e.message.find("do not chain"), std::string::npos) << e.message;
  parse_error("1 == 1 == 1");
  parse_error("a in b in c");
  parse_error("a not in b == c");
  EXPECT_EQ(eval("(1 < 2) == true"), true);
  EXPECT_EQ(eval("1 < 2 and 2 < 3"), true);
}

// ---------------------------------------------------------------------------------------------------------
// Functions

TEST(Expression, LenCountsCodePointsElementsAndKeys) {
  EXPECT_EQ(eval("len(name)"), 3);
  EXPECT_EQ(eval("len(empty)"), 0);
  EXPECT_EQ(eval("len(text)"), 15);
  EXPECT_EQ(eval("len('😀')"), 1);
  EXPECT_EQ(eval("len('\\u00e9')"), 1);
  EXPECT_EQ(eval("len(notes)"), 3);
  EXPECT_EQ(eval("len(list)"), 0);
  EXPECT_EQ(eval("len(user)"), 4);
  EXPECT_EQ(eval("len(obj)"), 0);
  EXPECT_TRUE(eval("len(notes)").is_number_integer());
  EXPECT_NE(type_error("len(count)").find("len() needs a string, an array or an object, not an integer"),
            std::string::npos);
  type_error("len(missing)");
  type_error("len(true)");
}

TEST(Expression, LowerAndUpperMapAsciiLetters) {
  EXPECT_EQ(eval("lower('HeLLo 42')"), "hello 42");
  EXPECT_EQ(eval("upper(name)"), "ADA");
  EXPECT_EQ(eval("upper(text)"), "HéLLO WöRLD ☃ 😀");
  EXPECT_EQ(eval("lower(upper(name)) == 'ada'"), true);
  EXPECT_NE(type_error("lower(1)").find("lower() needs a string as argument 1"), std::string::npos);
  type_error("upper(notes)");
}

TEST(Expression, ContainsStartswithEndswith) {
  EXPECT_EQ(eval("contains(notes, 'a')"), true);
  EXPECT_EQ(eval("contains(notes, 'q')"), false);
  EXPECT_EQ(eval("contains(name, 'd')"), true);
  EXPECT_EQ(eval("contains(user, 'tags')"), true);
  EXPECT_NE(type_error("contains(count, 1)").find("contains()"), std::string::npos);
  EXPECT_EQ(eval("startswith(name, 'Ad')"), true);
  EXPECT_EQ(eval("startswith(name, '')"), true);
  EXPECT_EQ(eval("startswith(name, 'Ada!')"), false);
  EXPECT_EQ(eval("endswith(text, '😀')"), true);
  EXPECT_EQ(eval("endswith(name, 'A')"), false);
  EXPECT_NE(type_error("startswith(name, 1)").find("argument 2"), std::string::npos);
  type_error("endswith(notes, 'c')");
}

TEST(Expression, ExistsTellsPresentFromMissing) {
  EXPECT_EQ(eval("exists(name)"), true);
  EXPECT_EQ(eval("exists(nothing)"), true);   // present with a null value
  EXPECT_EQ(eval("exists(user.age)"), true);  // likewise, nested
  EXPECT_EQ(eval("exists(missing)"), false);
  EXPECT_EQ(eval("exists(user.address.city)"), true);
  EXPECT_EQ(eval("exists(user.address.zip)"), false);
  EXPECT_EQ(eval("exists(missing.deeper)"), false);
  EXPECT_EQ(eval("exists(notes[2])"), true);
  EXPECT_EQ(eval("exists(notes[3])"), false);
  EXPECT_EQ(eval("exists(notes[-3])"), true);
  EXPECT_EQ(eval("exists(notes[-4])"), false);
  EXPECT_EQ(eval("exists(user['tags'][0])"), true);
  EXPECT_EQ(eval("exists(name.first)"), false);
  EXPECT_EQ(eval("exists(x)", Json()), false);
  EXPECT_EQ(eval("not exists(missing) and exists(approved)"), true);
  type_error("exists(notes[true])");
  const ErrorInfo e = parse_error("exists(len(name))");
  EXPECT_EQ(e.offset, 7u);
  EXPECT_NE(e.message.find("exists() takes a path"), std::string::npos) << e.message;
  parse_error("exists('name')");
  parse_error("exists(name + 1)");
}

TEST(Expression, IntConvertsNumbersBooleansAndStrings) {
  EXPECT_EQ(eval("int(3.9)"), 3);
  EXPECT_EQ(eval("int(-3.9)"), -3);
  EXPECT_TRUE(eval("int(2.0)").is_number_integer());
  EXPECT_EQ(eval("int(count)"), 3);
  EXPECT_EQ(eval("int(true)"), 1);
  EXPECT_EQ(eval("int(false)"), 0);
  EXPECT_EQ(eval("int('42')"), 42);
  EXPECT_EQ(eval("int(' -7 ')"), -7);
  EXPECT_EQ(eval("int('+5')"), 5);
  EXPECT_EQ(eval("int('9223372036854775807')"), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(eval("int(max)"), std::numeric_limits<int64_t>::max());
  EXPECT_NE(type_error("int('4.5')").find("is not an integer"), std::string::npos);
  type_error("int('abc')");
  type_error("int('')");
  type_error("int('12abc')");
  type_error("int('9223372036854775808')");
  type_error("int('+')");
  type_error("int('--1')");
  EXPECT_NE(type_error("int(1e300)").find("out of range"), std::string::npos);
  type_error("int(huge)");
  type_error("int(null)");
  type_error("int(notes)");
}

TEST(Expression, FloatConvertsNumbersBooleansAndStrings) {
  EXPECT_TRUE(eval("float(3)").is_number_float());
  EXPECT_DOUBLE_EQ(eval("float(3)").get<double>(), 3.0);
  EXPECT_DOUBLE_EQ(eval("float(ratio)").get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(eval("float(true)").get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(eval("float('2.5')").get<double>(), 2.5);
  EXPECT_DOUBLE_EQ(eval("float(' -1e3 ')").get<double>(), -1000.0);
  EXPECT_DOUBLE_EQ(eval("float('+.5')").get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(eval("float('7')").get<double>(), 7.0);
  EXPECT_DOUBLE_EQ(eval("float(huge)").get<double>(), 18446744073709551615.0);
  EXPECT_NE(type_error("float('abc')").find("is not a finite number"), std::string::npos);
  type_error("float('inf')");
  type_error("float('nan')");
  type_error("float('1e999')");
  type_error("float('')");
  type_error("float(null)");
  type_error("float(user)");
}

TEST(Expression, StrGivesStringsAsIsAndOtherValuesAsJson) {
  EXPECT_EQ(eval("str(name)"), "Ada");
  EXPECT_EQ(eval("str(count)"), "3");
  EXPECT_EQ(eval("str(ratio)"), "0.5");
  EXPECT_EQ(eval("str(true)"), "true");
  EXPECT_EQ(eval("str(missing)"), "null");
  EXPECT_EQ(eval("str(notes)"), R"(["a","b","c"])");
  EXPECT_EQ(eval("str(user.address)"), R"({"city":"Paris"})");
  EXPECT_EQ(eval("str(count) + '!'"), "3!");
  EXPECT_EQ(eval("int(str(count)) == count"), true);
}

TEST(Expression, FunctionArityAndNamesAreCheckedWhenParsing) {
  const ErrorInfo unknown = parse_error("approved and frobnicate(1)");
  EXPECT_EQ(unknown.offset, 13u);
  EXPECT_NE(unknown.message.find("unknown function 'frobnicate'"), std::string::npos) << unknown.message;
  const ErrorInfo arity = parse_error("len(a, b)");
  EXPECT_EQ(arity.offset, 0u);
  EXPECT_NE(arity.message.find("len() takes 1 argument, got 2"), std::string::npos) << arity.message;
  EXPECT_NE(parse_error("startswith(a)").message.find("takes 2 arguments, got 1"), std::string::npos);
  parse_error("str()");
  parse_error("Len(name)");  // names are case-sensitive
  // A function's name without a call is an ordinary key.
  EXPECT_EQ(eval("len + 1", Json{{"len", 1}}), 2);
}

// ---------------------------------------------------------------------------------------------------------
// Unicode

TEST(Expression, UnicodeStrings) {
  EXPECT_EQ(eval("text == 'héllo wörld ☃ 😀'"), true);
  EXPECT_EQ(eval(R"(text == 'h\u00e9llo w\u00f6rld \u2603 \ud83d\ude00')"), true);
  EXPECT_EQ(eval("'☃' in text"), true);
  EXPECT_EQ(eval("startswith(text, 'hé')"), true);
  EXPECT_EQ(parse_error("x.ключ").offset, 2u);  // identifiers are ASCII
}

TEST(Expression, InvalidUtf8IsAParseError) {
  const ErrorInfo in_string = parse_error("name == 'ab\xC3('");
  EXPECT_EQ(in_string.offset, 11u);
  EXPECT_NE(in_string.message.find("invalid UTF-8"), std::string::npos) << in_string.message;
  EXPECT_EQ(parse_error("'\xED\xA0\x80'").offset, 1u);      // an encoded surrogate
  EXPECT_EQ(parse_error("'\xC0\xAF'").offset, 1u);          // overlong
  EXPECT_EQ(parse_error("'\xF4\x90\x80\x80'").offset, 1u);  // above U+10FFFF
  EXPECT_EQ(parse_error("'\xE2\x98'").offset, 1u);          // truncated
  EXPECT_EQ(parse_error("name == \xC3\xA9").offset, 8u);    // non-ASCII outside a string
}

// ---------------------------------------------------------------------------------------------------------
// Parse errors

TEST(Expression, ParseErrorsSayWhatAndWhere) {
  const ErrorInfo trailing = parse_error("approved true");
  EXPECT_EQ(trailing.code, ErrorCode::parse);
  EXPECT_EQ(trailing.offset, 9u);
  EXPECT_NE(trailing.message.find("unexpected 'true' after the expression"), std::string::npos)
      << trailing.message;
  EXPECT_NE(trailing.message.find("byte 9"), std::string::npos);

  const ErrorInfo paren = parse_error("(1 + 2");
  EXPECT_EQ(paren.offset, 6u);
  EXPECT_NE(paren.message.find("expected ')', found the end"), std::string::npos) << paren.message;

  const ErrorInfo assign = parse_error("count = 3");
  EXPECT_EQ(assign.offset, 6u);
  EXPECT_NE(assign.message.find("'=='"), std::string::npos) << assign.message;

  const ErrorInfo unterminated = parse_error("name == 'Ada");
  EXPECT_EQ(unterminated.offset, 8u);
  EXPECT_NE(unterminated.message.find("unterminated string"), std::string::npos);

  const ErrorInfo escape = parse_error(R"('a\qb')");
  EXPECT_EQ(escape.offset, 2u);
  EXPECT_NE(escape.message.find("unknown escape '\\q'"), std::string::npos) << escape.message;

  const ErrorInfo missing_operand = parse_error("count >");
  EXPECT_EQ(missing_operand.offset, 7u);
  EXPECT_NE(missing_operand.message.find("expected a value"), std::string::npos);

  EXPECT_EQ(parse_error("").offset, 0u);
  EXPECT_EQ(parse_error("   ").offset, 3u);
  EXPECT_EQ(parse_error("1 + 01").offset, 4u);
  EXPECT_EQ(parse_error("1.").offset, 2u);
  EXPECT_EQ(parse_error("1e+").offset, 3u);
  EXPECT_EQ(parse_error("12abc").offset, 2u);
  EXPECT_EQ(parse_error("1e999").offset, 0u);
  EXPECT_EQ(parse_error("a # b").offset, 2u);
  // The leftmost problem wins, even when the lexer would stop later on.
  EXPECT_EQ(parse_error("(a b) == 'unterminated").offset, 3u);
}

TEST(Expression, ParseErrorValueThrowsParseError) {
  auto e = Expression::parse("1 +");
  ASSERT_FALSE(e.ok());
  try {
    (void)std::move(e).value();
    FAIL() << "no throw";
  } catch (const ParseError& err) {
    EXPECT_EQ(err.code(), ErrorCode::parse);
    EXPECT_EQ(err.offset(), 3u);
  }
}

TEST(Expression, MalformedInputsAreParseErrors) {
  const char* const malformed[] = {
      "",                  // nothing
      "(",                 // unclosed
      ")",                 // stray
      "(a",                // unclosed
      "a)",                // trailing
      "[1, 2",             // unclosed array
      "[1, 2,]",           // trailing comma
      "[,]",               // no element
      "a..b",              // empty field
      "a.",                // nothing after the dot
      "a.1",               // a number as a field
      "a[]",               // empty index
      "a[1",               // unclosed index
      "a +",               // missing operand
      "* a",               // missing operand
      "a and",             // missing operand
      "or a",              // missing operand
      "not",               // missing operand
      "a not b",           // not is not a binary operator
      "a in",              // missing operand
      "a == == b",         // doubled operator
      "a = b",             // assignment
      "a & b",             // half an operator
      "a | b",             // half an operator
      "a <> b",            // not an operator
      "a < b < c",         // chained comparison
      "1 == 2 != 3",       // chained comparison
      "+1",                // no unary plus
      "a == !b",           // not sits below comparisons
      "1 + not a",         // likewise
      "len(a,)",           // trailing comma in a call
      "len(,)",            // no argument
      "nosuch(1)",         // unknown function
      "len()",             // wrong arity
      "'abc",              // unterminated string
      "\"abc'",            // mismatched quotes
      "'\\",               // backslash at the end
      "'\\u12'",           // short \u escape
      "'\\uZZZZ'",         // bad hex
      "'\\uD800'",         // lone high surrogate
      "'\\uDC00'",         // lone low surrogate
      "'\\uD800\\u0041'",  // high surrogate without its low half
      "00",                // leading zero
      "1.5.2",             // two dots
      "0x10",              // no hex numbers
      "a ? b : c",         // no conditional operator
      "{}",                // no object literals
      "a;",                // trailing garbage
      "`a`",               // backquotes
      "user.and",          // keyword as a field
      "true = false",      // assignment again
      "a\x01",             // control character
  };
  for (const char* text : malformed) {
    auto e = Expression::parse(text);
    ASSERT_FALSE(e.ok()) << "parsed: " << text;
    EXPECT_EQ(e.error().code, ErrorCode::parse) << text;
    ASSERT_TRUE(e.error().offset.has_value()) << text;
    EXPECT_LE(*e.error().offset, std::string_view(text).size()) << text;
    EXPECT_NE(e.error().message.find("invalid expression at byte"), std::string::npos) << text;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Limits

TEST(Expression, TextLengthIsCapped) {
  std::string ok = "1" + std::string(Expression::max_text_bytes - 1, ' ');
  EXPECT_TRUE(Expression::parse(ok).ok());
  const ErrorInfo e = parse_error(ok + " ");
  EXPECT_EQ(e.offset, Expression::max_text_bytes);
  EXPECT_NE(e.message.find("longer than 4096 bytes"), std::string::npos) << e.message;
}

TEST(Expression, NestingIsCapped) {
  const auto parens = [](size_t n) { return std::string(n, '(') + "1" + std::string(n, ')'); };
  EXPECT_EQ(eval(parens(64)), 1);
  const ErrorInfo deep = parse_error(parens(65));
  EXPECT_EQ(deep.offset, 64u);
  EXPECT_NE(deep.message.find("nesting deeper than 64"), std::string::npos) << deep.message;
  EXPECT_EQ(eval(std::string(64, '-') + "1"), 1);
  EXPECT_EQ(parse_error(std::string(65, '-') + "1").offset, 64u);
  EXPECT_EQ(eval(std::string(64, '!') + "true"), true);
  parse_error(std::string(65, '!') + "true");
  parse_error(std::string(65, '[') + std::string(65, ']'));
  parse_error("a" + std::string(65, '[') + "0" + std::string(65, ']'));
  std::string calls;
  for (int i = 0; i < 65; ++i) calls += "str(";
  parse_error(calls + "1" + std::string(65, ')'));
  // A deep text far beyond the cap costs no stack: it stops at the cap.
  parse_error(std::string(4000, '('));
}

TEST(Expression, NodeCountIsCapped) {
  const auto sum = [](size_t terms) {
    std::string s = "1";
    for (size_t i = 1; i < terms; ++i) s += "+1";
    return s;
  };
  // n terms make n literals and n - 1 additions.
  EXPECT_EQ(eval(sum(512)), 512);
  const ErrorInfo e = parse_error(sum(513));
  EXPECT_NE(e.message.find("more than 1024 nodes"), std::string::npos) << e.message;
  EXPECT_EQ(e.offset, 2u * 512 - 1);  // the 1025th node is the last '+'
  std::string path = "a";
  for (int i = 0; i < 1100; ++i) path += ".b";
  parse_error(path);
}

// ---------------------------------------------------------------------------------------------------------
// The API around evaluation

TEST(Expression, TypeErrorsNameTheExpression) {
  const std::string message = type_error("count > 'x'");
  EXPECT_NE(message.find("expression \"count > 'x'\""), std::string::npos) << message;
  EXPECT_NE(message.find("at byte 6"), std::string::npos) << message;
  const std::string long_text = "name < 1 or " + std::string(300, ' ') + "true";
  const std::string cut = type_error(long_text);
  EXPECT_LT(cut.size(), 300u) << cut;
}

TEST(Expression, StateMustBeAnObjectOrNull) {
  const Expression e = parsed("a");
  EXPECT_THROW((void)e.evaluate(Json::array()), InvalidArgumentError);
  EXPECT_THROW((void)e.evaluate(1), InvalidArgumentError);
  EXPECT_THROW((void)e.test("a"), InvalidArgumentError);
  EXPECT_TRUE(e.evaluate(Json()).is_null());
  EXPECT_FALSE(e.test(Json()));
}

TEST(Expression, TestAppliesTruthiness) {
  EXPECT_TRUE(parsed("approved == true and len(notes) >= 3").test(state()));
  EXPECT_FALSE(parsed("len(notes) > 3").test(state()));
  EXPECT_TRUE(parsed("notes").test(state()));
  EXPECT_FALSE(parsed("list").test(state()));
  EXPECT_FALSE(parsed("user.missing").test(state()));
  EXPECT_TRUE(parsed("count - 2").test(state()));
}

TEST(Expression, CopiesShareTheParsedTreeAndEvaluateConcurrently) {
  const Expression original = parsed("len(notes) >= n and 'x' in user.tags");
  Expression copy = original;
  EXPECT_EQ(copy.text(), original.text());
  EXPECT_EQ(&copy.text(), &original.text());  // shared, not reparsed
  std::vector<std::thread> threads;
  std::vector<int> hits(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      const Expression mine = copy;
      for (int i = 0; i < 200; ++i) {
        Json s = state();
        s["n"] = (i + t) % 5;
        hits[t] += mine.test(s) ? 1 : 0;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 8; ++t) EXPECT_EQ(hits[t], 160) << t;  // n in 0..3 of every 5
}

TEST(Expression, EvaluateReturnsCopiesIndependentOfTheState) {
  Json s = Json{{"x", {{"y", Json::array({1, 2})}}}};
  const Json got = eval("x.y", s);
  s["x"]["y"].push_back(3);
  EXPECT_EQ(got, Json::array({1, 2}));
  EXPECT_EQ(eval("[x.y, 3][0][1]", s), 2);  // a path into a value built during evaluation
  EXPECT_EQ(eval("(x.y + [9])[-1]", s), 9);
}

}  // namespace
}  // namespace alith::flow
