// ABI values to and from JSON, the form agents and the command line pass arguments in.

#include <cmath>
#include <set>

#include "alith/web3/abi_codec.h"

namespace alith::web3::abi {
namespace {

using K = Type::Kind;

ErrorInfo schema_error(const std::string& path, const std::string& why) {
  return make_error(ErrorCode::schema,
                    "ABI argument " + (path.empty() ? std::string("(top)") : path) + ": " + why);
}

Result<U256> integer_from_json(const Type& type, const Json& j, const std::string& path) {
  bool negative = false;
  U256 magnitude;
  if (j.is_number_unsigned()) {
    magnitude = U256(j.get<std::uint64_t>());
  } else if (j.is_number_integer()) {
    std::int64_t i = j.get<std::int64_t>();
    negative = i < 0;
    magnitude = negative ? U256(std::uint64_t(0) - std::uint64_t(i)) : U256(std::uint64_t(i));
  } else if (j.is_number_float()) {
    // 1e3 or 5.0 from a model or a script: accepted while exact (integral, within double's 2^53)
    const double d = j.get<double>();
    if (!(d == std::floor(d)) || std::fabs(d) > 9007199254740992.0)
      return schema_error(path, "expected an integer, got " + j.dump());
    negative = d < 0;
    magnitude = U256(std::uint64_t(std::fabs(d)));
  } else if (j.is_string()) {
    std::string_view text = j.get_ref<const std::string&>();
    negative = !text.empty() && text[0] == '-';
    if (negative) text.remove_prefix(1);
    auto parsed = U256::parse(text);
    if (!parsed) return schema_error(path, "not an integer: " + parsed.error().message);
    magnitude = *parsed;
  } else {
    return schema_error(path, "expected an integer (a JSON integer or a decimal / 0x string)");
  }
  if (magnitude.is_zero()) return U256();
  const int bits = int(type.bits());
  if (type.kind() == K::uint) {
    if (negative) return schema_error(path, "negative value for " + type.canonical());
    if (magnitude.bit_length() > bits)
      return schema_error(path, "value out of range for " + type.canonical());
    return magnitude;
  }
  // intN holds -2^(N-1) .. 2^(N-1)-1
  const bool fits =
      negative ? (magnitude - U256(1)).bit_length() <= bits - 1 : magnitude.bit_length() <= bits - 1;
  if (!fits) return schema_error(path, "value out of range for " + type.canonical());
  return negative ? -magnitude : magnitude;
}

Result<Value> value_from_json(const Type& type, const Json& j, const std::string& path) {
  switch (type.kind()) {
    case K::uint:
    case K::int_: {
      auto v = integer_from_json(type, j, path);
      if (!v) return v.error();
      return Value(*v);
    }
    case K::boolean:
      if (j.is_boolean()) return Value(j.get<bool>());
      if (j.is_string() && (j == "true" || j == "false")) return Value(j == "true");
      return schema_error(path, "expected a bool");
    case K::address: {
      if (!j.is_string()) return schema_error(path, "expected an address as a 0x hex string");
      auto a = Address::parse(j.get_ref<const std::string&>());
      if (!a) return schema_error(path, a.error().message);
      return Value(*a);
    }
    case K::fixed_bytes:
    case K::bytes: {
      if (!j.is_string()) return schema_error(path, "expected bytes as a 0x hex string");
      const std::string& text = j.get_ref<const std::string&>();
      if (!text.starts_with("0x") && !text.starts_with("0X"))
        return schema_error(path, "expected bytes as a 0x hex string");
      auto b = parse_hex(text);
      if (!b) return schema_error(path, b.error().message);
      if (type.kind() == K::fixed_bytes && b->size() != type.size())
        return schema_error(
            path, "expected " + std::to_string(type.size()) + " bytes, got " + std::to_string(b->size()));
      return Value(std::move(b).value());
    }
    case K::string:
      if (!j.is_string()) return schema_error(path, "expected a string");
      return Value(j.get<std::string>());
    case K::array:
    case K::fixed_array: {
      if (!j.is_array()) return schema_error(path, "expected an array");
      if (type.kind() == K::fixed_array && j.size() != type.size())
        return schema_error(
            path, "expected " + std::to_string(type.size()) + " elements, got " + std::to_string(j.size()));
      Value::List items;
      items.reserve(j.size());
      for (size_t i = 0; i < j.size(); ++i) {
        auto v = value_from_json(type.element(), j[i], path + "[" + std::to_string(i) + "]");
        if (!v) return v.error();
        items.push_back(std::move(v).value());
      }
      return Value(std::move(items));
    }
    case K::tuple: {
      const auto& comps = type.components();
      const auto& names = type.component_names();
      Value::List items;
      if (j.is_array()) {
        if (j.size() != comps.size())
          return schema_error(path, "expected " + std::to_string(comps.size()) + " components, got " +
                                        std::to_string(j.size()));
        for (size_t i = 0; i < comps.size(); ++i) {
          auto v = value_from_json(comps[i], j[i], path + "[" + std::to_string(i) + "]");
          if (!v) return v.error();
          items.push_back(std::move(v).value());
        }
        return Value(std::move(items));
      }
      if (!j.is_object()) return schema_error(path, "expected an array or an object for " + type.canonical());
      std::set<std::string> known;
      for (size_t i = 0; i < comps.size(); ++i) {
        if (names[i].empty()) return schema_error(path, "tuple with unnamed components needs an array");
        auto it = j.find(names[i]);
        if (it == j.end()) return schema_error(path, "missing component \"" + names[i] + "\"");
        auto v = value_from_json(comps[i], *it, path + "." + names[i]);
        if (!v) return v.error();
        items.push_back(std::move(v).value());
        known.insert(names[i]);
      }
      for (const auto& [key, _] : j.items())
        if (!known.contains(key)) return schema_error(path, "unknown component \"" + key + "\"");
      return Value(std::move(items));
    }
  }
  return schema_error(path, "unexpected type");
}

bool names_usable(const Type& type) {
  std::set<std::string> seen;
  for (const auto& n : type.component_names())
    if (n.empty() || !seen.insert(n).second) return false;
  return true;
}

Json value_to_json(const Type& type, const Value& v) {
  auto fail = [&](const char* what) -> Json {
    throw InvalidArgumentError("ABI to_json: expected " + std::string(what) + " for " + type.canonical());
  };
  switch (type.kind()) {
    case K::uint:
      if (!v.is_uint()) return fail("an integer");
      return v.as_uint().to_string();
    case K::int_:
      if (!v.is_uint()) return fail("an integer");
      return v.as_uint().to_signed_string();
    case K::boolean:
      if (!v.is_bool()) return fail("a bool");
      return v.as_bool();
    case K::address:
      if (!v.is_address()) return fail("an address");
      return v.as_address().to_checksum();
    case K::fixed_bytes:
    case K::bytes:
      if (!v.is_bytes()) return fail("bytes");
      return to_hex(v.as_bytes());
    case K::string:
      if (!v.is_string()) return fail("a string");
      return v.as_string();
    case K::array:
    case K::fixed_array: {
      if (!v.is_list()) return fail("a list");
      Json out = Json::array();
      for (const Value& item : v.as_list()) out.push_back(value_to_json(type.element(), item));
      return out;
    }
    case K::tuple: {
      if (!v.is_list() || v.as_list().size() != type.components().size()) return fail("a tuple");
      const auto& items = v.as_list();
      if (names_usable(type)) {
        Json out = Json::object();
        for (size_t i = 0; i < items.size(); ++i)
          out[type.component_names()[i]] = value_to_json(type.components()[i], items[i]);
        return out;
      }
      Json out = Json::array();
      for (size_t i = 0; i < items.size(); ++i) out.push_back(value_to_json(type.components()[i], items[i]));
      return out;
    }
  }
  return nullptr;
}

}  // namespace

Result<Value> from_json(const Type& type, const Json& json) {
  return value_from_json(type, json, "");
}

Result<std::vector<Value>> from_json(const std::vector<Type>& types, const Json& json_array) {
  if (!json_array.is_array() || json_array.size() != types.size())
    return make_error(ErrorCode::schema,
                      "ABI arguments: expected an array of " + std::to_string(types.size()) + " values");
  std::vector<Value> out;
  out.reserve(types.size());
  for (size_t i = 0; i < types.size(); ++i) {
    auto v = value_from_json(types[i], json_array[i], "[" + std::to_string(i) + "]");
    if (!v) return v.error();
    out.push_back(std::move(v).value());
  }
  return out;
}

Json to_json(const Type& type, const Value& value) {
  return value_to_json(type, value);
}

Json to_json(const std::vector<Type>& types, const std::vector<Value>& values) {
  if (types.size() != values.size())
    throw InvalidArgumentError("ABI to_json: " + std::to_string(types.size()) + " types but " +
                               std::to_string(values.size()) + " values");
  Json out = Json::array();
  for (size_t i = 0; i < types.size(); ++i) out.push_back(value_to_json(types[i], values[i]));
  return out;
}

}  // namespace alith::web3::abi
