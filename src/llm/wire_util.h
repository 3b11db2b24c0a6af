#pragma once

// Small non-throwing accessors for provider JSON: a missing key or a value of the wrong type reads as empty,
// so that odd-but-harmless replies from OpenAI-compatible servers never turn into nlohmann exceptions.

#include <cstdint>
#include <string>
#include <string_view>

#include "alith/core/json.h"

namespace alith::llm::detail {

inline const Json* field(const Json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

inline std::string str(const Json& obj, const char* key) {
  const Json* v = field(obj, key);
  return v && v->is_string() ? v->get<std::string>() : std::string();
}

inline int64_t int_or(const Json& obj, const char* key, int64_t fallback) {
  const Json* v = field(obj, key);
  if (v && v->is_number_integer()) return v->get<int64_t>();
  if (v && v->is_number_unsigned()) {
    const auto u = v->get<uint64_t>();
    return u > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(u);
  }
  if (v && v->is_number_float()) {
    const double d = v->get<double>();
    // Out-of-range floats would be undefined behaviour to convert.
    if (d >= -9.0e18 && d <= 9.0e18) return static_cast<int64_t>(d);
  }
  return fallback;
}

// Parses tool-call arguments. An empty string means "no arguments" ({}); text that is not JSON gives null
// (the caller keeps the raw text so the agent can report the mistake to the model).
inline Json parse_arguments(std::string_view raw) {
  std::string_view s = raw;
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  if (s.empty()) return Json::object();
  auto parsed = parse_json(raw);
  return parsed.ok() ? std::move(parsed).value() : Json(nullptr);
}

}  // namespace alith::llm::detail
