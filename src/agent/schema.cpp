// Non-template helpers of alith/agent/schema.h.

#include <string>
#include <string_view>

#include "alith/agent/schema.h"

namespace alith::agent::detail {

void throw_type_too_deep() {
  throw InvalidArgumentError("schema_of: types nest deeper than " + std::to_string(kMaxTypeDepth) +
                             " levels (a recursive type? those are not supported)");
}

std::string_view type_name_of(const Json& value) noexcept {
  switch (value.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return "boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return "integer";
    case Json::value_t::number_float:
      return "number";
    case Json::value_t::string:
      return "string";
    case Json::value_t::array:
      return "array";
    case Json::value_t::object:
      return "object";
    default:
      return "binary";
  }
}

namespace {
bool is_identifier(std::string_view key) noexcept {
  if (key.empty() || (key[0] >= '0' && key[0] <= '9')) return false;
  for (char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}
}  // namespace

// "$.city" for plain names, "$[\"two words\"]" for anything else, so paths stay unambiguous.
void append_key_to_path(std::string& path, std::string_view key) {
  if (is_identifier(key)) {
    path += '.';
    path += key;
  } else {
    path += '[';
    path += dump_json(Json(std::string(key)));
    path += ']';
  }
}

void append_index_to_path(std::string& path, size_t index) {
  path += '[';
  path += std::to_string(index);
  path += ']';
}

}  // namespace alith::agent::detail
