#pragma once

// JSON is nlohmann::json throughout the API. parse_json never throws on bad input.

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "alith/core/error.h"

namespace alith {

using Json = nlohmann::json;

// Parses text as one JSON value. Malformed text, trailing garbage, invalid UTF-8 or nesting deeper than
// max_depth give a parse error with the byte offset.
Result<Json> parse_json(std::string_view text, size_t max_depth = 256);

// Parses text like parse_json, but an object's members are handed to take(key, value) one by one instead of
// being built into the object (for a caller that spreads them into its own fields, such as a message
// envelope), and the result is nullopt; any other value is returned. A repeated key may be handed over more
// than once: keep the last value seen.
Result<std::optional<Json>> parse_json_members(std::string_view text,
                                               const std::function<void(std::string_view, Json&&)>& take,
                                               size_t max_depth = 256);

// Serializes with invalid UTF-8 replaced (U+FFFD), so dumping model output never throws.
std::string dump_json(const Json& value, int indent = -1);

// Appends what dump_json(value) returns to out (no temporary string): for writers of messages on a hot path.
void append_json(std::string& out, const Json& value);
// Appends text as a JSON string literal, byte for byte what dump_json(Json(text)) writes, without copying
// text into a Json first.
void append_json_string(std::string& out, std::string_view text);

}  // namespace alith
