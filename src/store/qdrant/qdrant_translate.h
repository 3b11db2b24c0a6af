#pragma once

// Translation between alith's store model and Qdrant's, as pure functions tested without a server: string ids
// into point ids, metadata filters into Qdrant filters, and Qdrant scores into the store convention.
//
// A point's payload is {"id": <the record's id>, "text": ..., "metadata": {...}}, plus "vector" (the vector
// as given) in Cosine collections, whose stored vectors Qdrant normalises. Filters address
// "metadata.<field>".

#include <optional>
#include <string>
#include <string_view>

#include "alith/core/json.h"
#include "alith/store/filter.h"
#include "alith/store/vector_store.h"

namespace alith::store::qdrant {

// Qdrant accepts only unsigned integers and UUIDs as point ids. Every record id maps to the name-based UUID
// (version 5, SHA-1, RFC 9562) of the id in alith's own namespace kIdNamespace, so the same id always lands
// on the same point, from any client; the original id is kept in the payload.
inline constexpr std::string_view kIdNamespace = "3d5b6a4e-8f1c-4b2a-9e7d-1c0f5a2b8e64";
std::string point_id(std::string_view id);

// The Qdrant filter for a metadata filter: an empty object for an empty filter; std::nullopt when it can
// match nothing ($in with an empty list). Numbers compare as numbers (equality is a closed range, so 2
// matches 2.0), booleans and strings by `match`. Field names other than [A-Za-z0-9_-]+ are double-quoted in
// the path, so '.', '[' or a space stay part of the name. UnsupportedError for range operators on strings
// (Qdrant ranges are numeric) and for names holding '"' or a backslash, which Qdrant's paths cannot quote.
// One difference from Filter::matches: Qdrant matches a condition against each element of an array value.
std::optional<Json> to_qdrant_filter(const Filter& filter);

// Qdrant's distance names and the store's metrics.
std::string_view distance_name(Metric metric);
Metric metric_from_distance(std::string_view distance);  // UnsupportedError for Manhattan and others

// Cosine and Dot scores are similarities already; Euclid reports the distance, which the convention negates.
float score_of(Metric metric, double qdrant_score);

}  // namespace alith::store::qdrant
