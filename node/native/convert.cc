#include "convert.h"

#include <cmath>
#include <cstdint>
#include <string>

namespace {

constexpr int kMaxDepth = 256;  // deeper values are cyclic or hostile; JSON from models never nests so far

alith::Json FromJsAt(Napi::Value value, int depth) {
  if (depth > kMaxDepth) throw Napi::TypeError::New(value.Env(), "value nests too deeply (a cycle?)");
  switch (value.Type()) {
    case napi_undefined:
    case napi_null:
    case napi_function:
    case napi_symbol:
      return nullptr;
    case napi_boolean:
      return value.As<Napi::Boolean>().Value();
    case napi_number: {
      double d = value.As<Napi::Number>().DoubleValue();
      if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) <= 9007199254740992.0) {
        return static_cast<int64_t>(d);
      }
      if (!std::isfinite(d)) return nullptr;  // as JSON.stringify does
      return d;
    }
    case napi_bigint: {
      bool lossless = false;
      auto big = value.As<Napi::BigInt>();
      int64_t i = big.Int64Value(&lossless);
      if (lossless) return i;
      uint64_t u = big.Uint64Value(&lossless);
      if (lossless) return u;
      throw Napi::RangeError::New(value.Env(), "BigInt out of the 64-bit range");
    }
    case napi_string:
      return value.As<Napi::String>().Utf8Value();
    case napi_object: {
      if (value.IsArray()) {
        auto array = value.As<Napi::Array>();
        alith::Json out = alith::Json::array();
        uint32_t n = array.Length();
        for (uint32_t i = 0; i < n; ++i) out.push_back(FromJsAt(array.Get(i), depth + 1));
        return out;
      }
      if (value.IsTypedArray()) {
        auto typed = value.As<Napi::TypedArray>();
        if (typed.TypedArrayType() == napi_float32_array) {
          auto f = value.As<Napi::Float32Array>();
          alith::Json out = alith::Json::array();
          for (size_t i = 0; i < f.ElementLength(); ++i) out.push_back(f[i]);
          return out;
        }
      }
      auto object = value.As<Napi::Object>();
      Napi::Value to_json = object.Get("toJSON");
      if (to_json.IsFunction()) return FromJsAt(to_json.As<Napi::Function>().Call(object, {}), depth + 1);
      alith::Json out = alith::Json::object();
      Napi::Array keys = object.GetPropertyNames();
      uint32_t n = keys.Length();
      for (uint32_t i = 0; i < n; ++i) {
        Napi::Value key = keys.Get(i);
        Napi::Value member = object.Get(key);
        if (member.IsUndefined() || member.IsFunction() || member.IsSymbol()) continue;
        out[key.ToString().Utf8Value()] = FromJsAt(member, depth + 1);
      }
      return out;
    }
    default:
      return nullptr;
  }
}

}  // namespace

Napi::Value ToJs(Napi::Env env, const alith::Json& value) {
  switch (value.type()) {
    case alith::Json::value_t::null:
    case alith::Json::value_t::discarded:
      return env.Null();
    case alith::Json::value_t::boolean:
      return Napi::Boolean::New(env, value.get<bool>());
    case alith::Json::value_t::number_integer:
      return Napi::Number::New(env, static_cast<double>(value.get<int64_t>()));
    case alith::Json::value_t::number_unsigned:
      return Napi::Number::New(env, static_cast<double>(value.get<uint64_t>()));
    case alith::Json::value_t::number_float:
      return Napi::Number::New(env, value.get<double>());
    case alith::Json::value_t::string:
      return Napi::String::New(env, value.get_ref<const std::string&>());
    case alith::Json::value_t::array: {
      auto array = Napi::Array::New(env, value.size());
      uint32_t i = 0;
      for (const auto& item : value) array.Set(i++, ToJs(env, item));
      return array;
    }
    case alith::Json::value_t::object: {
      auto object = Napi::Object::New(env);
      for (const auto& [key, item] : value.items()) object.Set(key, ToJs(env, item));
      return object;
    }
    case alith::Json::value_t::binary:
      break;
  }
  return env.Null();
}

alith::Json FromJs(Napi::Value value) {
  return FromJsAt(value, 0);
}
