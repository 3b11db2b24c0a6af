#pragma once

// Translation between alith's store model and Chroma's: metadata filters into Chroma `where` clauses, and
// metadata objects into Chroma's flat scalar maps and back. Pure functions, tested without a server.

#include <optional>

#include "alith/core/json.h"
#include "alith/store/filter.h"

namespace alith::store::chroma {

// The `where` clause for a filter: an empty object for an empty filter, {"$and": [...]} for several
// conditions. std::nullopt when the filter can match nothing ($in with an empty list), which Chroma cannot
// say. Numbers in $in/$nin lists are sent as floats (Chroma rejects lists that mix integers and floats, and
// compares 2 and 2.0 as equal); lists mixing strings, numbers and booleans are split into one list per type.
// UnsupportedError for range operators on strings (Chroma compares only numbers with $lt $lte $gt $gte).
std::optional<Json> to_where(const Filter& filter);

// Chroma metadata values are strings, numbers and booleans only. Those top-level fields are stored as they
// are (filters see them); when the metadata has any other value (objects, arrays, null), the whole object is
// also stored as JSON text under kMetadataKey so that it reads back unchanged.
inline constexpr const char* kMetadataKey = "alith:metadata";
Json to_chroma_metadata(const Json& metadata);
Json from_chroma_metadata(const Json& stored);

}  // namespace alith::store::chroma
