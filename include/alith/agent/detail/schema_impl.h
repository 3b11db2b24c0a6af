#pragma once

// Implementation of schema_of / to_json / try_from_json (alith/agent/schema.h). Not a public API.

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "alith/core/error.h"
#include "alith/core/json.h"

namespace alith::agent {

// Customization point for types schema_of does not know (an enum, a strong typedef...). Specialize:
//   template <> struct alith::agent::JsonCodec<Color> {
//     static Json schema();                                                  // e.g. {"enum": ["red", ...]}
//     static Json encode(const Color& value);
//     static bool decode(const Json& json, Color& out, std::string& error);  // false and a message if bad
//   };
template <class T>
struct JsonCodec;

namespace detail {

template <class T>
struct is_tuple : std::false_type {};
template <class... A>
struct is_tuple<std::tuple<A...>> : std::true_type {};

// A failed substitution (no such member) makes these false.
template <class T>
concept FieldsMember = is_tuple<std::remove_cvref_t<decltype(T::fields)>>::value;
template <class T>
concept FieldsFunction = is_tuple<std::remove_cvref_t<decltype(T::fields())>>::value;

template <class T>
concept Described = FieldsMember<T> || FieldsFunction<T>;

template <class T>
concept HasCodec = requires(const Json& j, T& out, std::string& err, const T& in) {
  { JsonCodec<T>::schema() } -> std::convertible_to<Json>;
  { JsonCodec<T>::encode(in) } -> std::convertible_to<Json>;
  { JsonCodec<T>::decode(j, out, err) } -> std::convertible_to<bool>;
};

template <Described T>
constexpr auto fields_of() {
  if constexpr (FieldsMember<T>) {
    return T::fields;
  } else {
    return T::fields();
  }
}

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class T>
struct is_vector : std::false_type {};
template <class T, class A>
struct is_vector<std::vector<T, A>> : std::true_type {};

template <class T>
struct is_string_map : std::false_type {};
template <class V, class C, class A>
struct is_string_map<std::map<std::string, V, C, A>> : std::true_type {};

// Character types are not numbers to a model; they are left unsupported.
template <class T>
constexpr bool is_integer_v = std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char> &&
                              !std::is_same_v<T, wchar_t> && !std::is_same_v<T, char8_t> &&
                              !std::is_same_v<T, char16_t> && !std::is_same_v<T, char32_t>;

// Whether schema_of<T> knows T (recursively for containers).
template <class T>
struct supported : std::bool_constant<std::is_same_v<T, bool> || is_integer_v<T> ||
                                      std::is_floating_point_v<T> || std::is_same_v<T, std::string> ||
                                      std::is_same_v<T, Json> || HasCodec<T> || Described<T>> {};
template <class T>
struct supported<std::optional<T>> : supported<T> {};
template <class T, class A>
struct supported<std::vector<T, A>> : supported<T> {};
template <class V, class C, class A>
struct supported<std::map<std::string, V, C, A>> : supported<V> {};
template <class T>
constexpr bool supported_v = supported<std::remove_cv_t<T>>::value;
template <class T>
concept Supported = supported_v<T>;

// Recursive (self-referencing) types would otherwise recurse forever at run time.
inline constexpr int kMaxTypeDepth = 32;

[[noreturn]] void throw_type_too_deep();
std::string_view type_name_of(const Json& value) noexcept;
void append_key_to_path(std::string& path, std::string_view key);
void append_index_to_path(std::string& path, size_t index);

template <class T>
Json schema_impl(int depth) {
  if (depth > kMaxTypeDepth) throw_type_too_deep();
  if constexpr (HasCodec<T>) {
    return JsonCodec<T>::schema();
  } else if constexpr (std::is_same_v<T, bool>) {
    return Json{{"type", "boolean"}};
  } else if constexpr (is_integer_v<T>) {
    if constexpr (std::is_unsigned_v<T>) {
      return Json{{"type", "integer"}, {"minimum", 0}};
    } else {
      return Json{{"type", "integer"}};
    }
  } else if constexpr (std::is_floating_point_v<T>) {
    return Json{{"type", "number"}};
  } else if constexpr (std::is_same_v<T, std::string>) {
    return Json{{"type", "string"}};
  } else if constexpr (std::is_same_v<T, Json>) {
    return Json::object();
  } else if constexpr (is_optional<T>::value) {
    Json inner = schema_impl<typename T::value_type>(depth + 1);
    auto type = inner.find("type");
    if (type != inner.end() && type->is_string()) {
      *type = Json::array({*type, "null"});
    } else if (type != inner.end() && type->is_array()) {
      type->push_back("null");
    } else {
      return Json{{"anyOf", Json::array({std::move(inner), Json{{"type", "null"}}})}};
    }
    return inner;
  } else if constexpr (is_vector<T>::value) {
    return Json{{"type", "array"}, {"items", schema_impl<typename T::value_type>(depth + 1)}};
  } else if constexpr (is_string_map<T>::value) {
    return Json{{"type", "object"},
                {"additionalProperties", schema_impl<typename T::mapped_type>(depth + 1)}};
  } else {
    static_assert(Described<T>, "schema_of: unsupported type (see alith/agent/schema.h)");
    Json properties = Json::object();
    Json required = Json::array();
    std::apply(
        [&](const auto&... f) {
          auto add = [&](const auto& one) {
            using M = std::remove_cvref_t<decltype(std::declval<T&>().*(one.member))>;
            Json s;
            if constexpr (is_optional<M>::value) {
              s = schema_impl<typename M::value_type>(depth + 1);
            } else {
              s = schema_impl<M>(depth + 1);
              required.push_back(std::string(one.name));
            }
            if (!one.description.empty() && s.is_object()) s["description"] = std::string(one.description);
            if (!one.constraints.empty() && s.is_object()) {
              auto extra = Json::parse(one.constraints, nullptr, /*allow_exceptions=*/false);
              if (!extra.is_object()) {
                throw InvalidArgumentError("field '" + std::string(one.name) + "': constraints are not a JSON object");
              }
              s.update(extra);
            }
            properties[std::string(one.name)] = std::move(s);
          };
          (add(f), ...);
        },
        fields_of<T>());
    return Json{{"type", "object"},
                {"properties", std::move(properties)},
                {"required", std::move(required)},
                {"additionalProperties", false}};
  }
}

template <class T>
Json encode_impl(const T& value) {
  if constexpr (HasCodec<T>) {
    return JsonCodec<T>::encode(value);
  } else if constexpr (std::is_same_v<T, bool> || std::is_arithmetic_v<T> || std::is_same_v<T, std::string> ||
                       std::is_same_v<T, Json>) {
    return Json(value);
  } else if constexpr (is_optional<T>::value) {
    return value ? encode_impl(*value) : Json(nullptr);
  } else if constexpr (is_vector<T>::value) {
    Json out = Json::array();
    for (const auto& item : value)
      out.push_back(encode_impl(static_cast<const typename T::value_type&>(item)));
    return out;
  } else if constexpr (is_string_map<T>::value) {
    Json out = Json::object();
    for (const auto& [k, v] : value) out[k] = encode_impl(v);
    return out;
  } else {
    static_assert(Described<T>, "to_json: unsupported type (see alith/agent/schema.h)");
    Json out = Json::object();
    std::apply(
        [&](const auto&... f) {
          auto add = [&](const auto& one) {
            const auto& member = value.*(one.member);
            using M = std::remove_cvref_t<decltype(member)>;
            if constexpr (is_optional<M>::value) {
              if (!member) return;
            }
            out[std::string(one.name)] = encode_impl(member);
          };
          (add(f), ...);
        },
        fields_of<T>());
    return out;
  }
}

// Decoding reports the first mismatch with its JSON path, without exceptions.
struct DecodeState {
  std::string path = "$";
  std::string error;
  int depth = 0;

  bool fail(std::string_view message) {
    error = path;
    error += ": ";
    error += message;
    return false;
  }
  bool expected(std::string_view type, const Json& got) {
    std::string m = "expected ";
    m += type;
    m += ", got ";
    m += type_name_of(got);
    return fail(m);
  }
};

template <class T>
bool decode_integer(const Json& j, T& out, DecodeState& st) {
  if (j.is_number_unsigned()) {
    auto v = j.get<std::uint64_t>();
    if (!std::in_range<T>(v)) return st.fail("integer out of range");
    out = static_cast<T>(v);
    return true;
  }
  if (j.is_number_integer()) {
    auto v = j.get<std::int64_t>();
    if (!std::in_range<T>(v)) return st.fail("integer out of range");
    out = static_cast<T>(v);
    return true;
  }
  if (j.is_number_float()) {
    double d = j.get<double>();
    if (!std::isfinite(d) || std::trunc(d) != d) return st.expected("integer", j);
    // [lo, hi) holds every value of T exactly representable as a double bound.
    const double hi = std::ldexp(1.0, std::numeric_limits<T>::digits);
    const double lo = std::is_signed_v<T> ? -hi : 0.0;
    if (d < lo || d >= hi) return st.fail("integer out of range");
    out = static_cast<T>(d);
    return true;
  }
  return st.expected("integer", j);
}

template <class T>
bool decode_impl(const Json& j, T& out, DecodeState& st) {
  if constexpr (HasCodec<T>) {
    std::string message;
    if (!JsonCodec<T>::decode(j, out, message)) return st.fail(message.empty() ? "invalid value" : message);
    return true;
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!j.is_boolean()) return st.expected("boolean", j);
    out = j.get<bool>();
    return true;
  } else if constexpr (is_integer_v<T>) {
    return decode_integer(j, out, st);
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!j.is_number()) return st.expected("number", j);
    double d = j.get<double>();
    if (std::isfinite(d) && std::fabs(d) > static_cast<double>(std::numeric_limits<T>::max())) {
      return st.fail("number out of range");
    }
    out = static_cast<T>(d);
    return true;
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!j.is_string()) return st.expected("string", j);
    out = j.get_ref<const std::string&>();
    return true;
  } else if constexpr (std::is_same_v<T, Json>) {
    out = j;
    return true;
  } else if constexpr (is_optional<T>::value) {
    if (j.is_null()) {
      out.reset();
      return true;
    }
    typename T::value_type inner{};
    if (!decode_impl(j, inner, st)) return false;
    out = std::move(inner);
    return true;
  } else if constexpr (is_vector<T>::value) {
    if (!j.is_array()) return st.expected("array", j);
    if (++st.depth > kMaxTypeDepth) return st.fail("nested too deeply");
    out.clear();
    out.reserve(j.size());
    const size_t len = st.path.size();
    for (size_t i = 0; i < j.size(); ++i) {
      append_index_to_path(st.path, i);
      typename T::value_type item{};
      if (!decode_impl(j[i], item, st)) return false;
      out.push_back(std::move(item));
      st.path.resize(len);
    }
    --st.depth;
    return true;
  } else if constexpr (is_string_map<T>::value) {
    if (!j.is_object()) return st.expected("object", j);
    if (++st.depth > kMaxTypeDepth) return st.fail("nested too deeply");
    out.clear();
    const size_t len = st.path.size();
    for (const auto& [k, v] : j.items()) {
      append_key_to_path(st.path, k);
      typename T::mapped_type item{};
      if (!decode_impl(v, item, st)) return false;
      out.emplace(k, std::move(item));
      st.path.resize(len);
    }
    --st.depth;
    return true;
  } else {
    static_assert(Described<T>, "from_json: unsupported type (see alith/agent/schema.h)");
    if (!j.is_object()) return st.expected("object", j);
    if (++st.depth > kMaxTypeDepth) return st.fail("nested too deeply");
    const size_t len = st.path.size();
    bool ok = std::apply(
        [&](const auto&... f) {
          auto one_field = [&](const auto& one) {
            auto& member = out.*(one.member);
            using M = std::remove_cvref_t<decltype(member)>;
            auto it = j.find(one.name);
            if (it == j.end()) {
              if constexpr (is_optional<M>::value) {
                member.reset();
                return true;
              } else {
                std::string m = "missing required property \"";
                m += one.name;
                m += '"';
                return st.fail(m);
              }
            }
            append_key_to_path(st.path, one.name);
            if (!decode_impl(*it, member, st)) return false;
            st.path.resize(len);
            return true;
          };
          return (one_field(f) && ...);
        },
        fields_of<T>());
    --st.depth;
    return ok;
  }
}

}  // namespace detail
}  // namespace alith::agent
