#pragma once

// JSON Schema for tools and extraction: derived from C++ types, and a validator for the subset models use.
//
// Types map to schemas as follows (schema_of<T>()):
//   bool -> boolean; integral -> integer (unsigned adds minimum 0); floating point -> number;
//   std::string -> string; std::vector<T> -> array of T; std::map<std::string, T> -> object whose
//   additionalProperties is T; alith::Json -> {} (any value); std::optional<T> -> T or null, and as a struct
//   member it is simply left out of "required" (its schema stays T's);
//   a struct that lists its members in a static `fields` tuple -> object with properties, required and
//   additionalProperties false:
//
//     struct Weather {
//       std::string city;
//       std::optional<int> days;
//       static constexpr auto fields =
//           std::make_tuple(alith::agent::field(&Weather::city, "city", "City name"),
//                           alith::agent::field(&Weather::days, "days", "Days ahead"));
//     };
//
//   (`static constexpr auto fields() { return std::make_tuple(...); }` works too). Structs nest. Any other
//   type, an enum for instance, can take part by specializing alith::agent::JsonCodec<T> (see below).
//   Recursive types are not supported (schemas are inlined): schema_of throws InvalidArgumentError past a
//   nesting depth of 32.
//
// to_json / from_json convert such types; try_from_json never throws and names the JSON path of a mismatch.

#include <cstddef>
#include <string>
#include <string_view>

#include "alith/agent/detail/schema_impl.h"
#include "alith/core/error.h"
#include "alith/core/json.h"

namespace alith::agent {

// One described member of a struct: see the header comment.
// `constraints`, when given, is a JSON object text merged into the member's schema, for keywords the C++ type
// cannot say: R"({"maxLength": 200, "enum": ["a", "b"]})". Grammar-constrained models honour them as they
// generate, so a small limit here keeps a weak model's arguments short and well-formed.
template <class C, class M>
struct Field {
  M C::*member;
  std::string_view name;
  std::string_view description;
  std::string_view constraints;
};

template <class C, class M>
constexpr Field<C, M> field(M C::*member, std::string_view name, std::string_view description = {},
                            std::string_view constraints = {}) noexcept {
  return Field<C, M>{member, name, description, constraints};
}

// The JSON schema of T.
template <detail::Supported T>
Json schema_of() {
  return detail::schema_impl<T>(0);
}

// T as JSON. An empty optional member is left out of its object; a top-level empty optional is null.
template <detail::Supported T>
Json to_json(const T& value) {
  return detail::encode_impl(value);
}

// Decodes JSON into T, checking types, integer ranges and required members (extra object members are
// ignored: validate() against schema_of<T>() first where they must be rejected). Never throws on bad input;
// the error (code schema) names the path, e.g. "$.days: expected integer, got string".
template <detail::Supported T>
Result<T> try_from_json(const Json& json) {
  T out{};
  detail::DecodeState state;
  if (!detail::decode_impl(json, out, state)) return make_error(ErrorCode::schema, std::move(state.error));
  return out;
}

// As try_from_json, but throws SchemaError.
template <detail::Supported T>
T from_json(const Json& json) {
  return try_from_json<T>(json).value();
}

// Limits that keep validation bounded on hostile schemas and values.
struct ValidateOptions {
  size_t max_depth = 128;          // nesting of values, subschemas and $ref hops together
  size_t max_steps = 1'000'000;    // subschema evaluations in all
  size_t max_error_chars = 1'000;  // longer messages are cut
};

// Validates value against a JSON Schema. Supported: type (a name or an array of names; "integer" accepts any
// number with no fractional part), properties, required, additionalProperties (bool or schema),
// min/maxProperties, items (schema, or an array of schemas with additionalItems), prefixItems,
// min/maxItems, uniqueItems, enum, const, minimum, maximum, exclusiveMinimum/Maximum (number or draft-4
// bool), multipleOf, min/maxLength (in code points), anyOf, oneOf, allOf, not, if/then/else, "nullable":
// true, boolean schemas, and $ref to a JSON pointer into the same document ("#", "#/$defs/X",
// "#/definitions/X"). Ignored: pattern, patternProperties (additionalProperties is then not enforced),
// format, remote $refs (an error). Never throws; the error (code schema) names the JSON path: "$.days:
// expected integer, got string". An invalid schema, or one that nests too deeply or takes too many steps, is
// an error too.
Result<void> validate(const Json& value, const Json& schema, const ValidateOptions& options = {});

// The JSON type name of a value as schemas spell it: "null", "boolean", "integer", "number", "string",
// "array", "object".
std::string_view json_type_name(const Json& value) noexcept;

}  // namespace alith::agent
