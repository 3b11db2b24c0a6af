#pragma once

// Translates a metadata Filter into a SQL condition over a jsonb column. Field names and operands become
// bound parameters ($n), never SQL text, so no metadata key or value can change the statement.

#include <cstddef>
#include <string>
#include <vector>

#include "alith/store/filter.h"

namespace alith::store::pg {

struct SqlCondition {
  std::string sql;                  // "TRUE" for an empty filter
  std::vector<std::string> params;  // bound as $first, $first+1, ...
};

// first_param: the number of the first placeholder (the statement's own parameters come before).
// Semantics follow Filter::matches: numbers compare as numbers (2 == 2.0), strings by bytes, types must
// agree, and a missing field matches only $ne and $nin.
SqlCondition filter_to_sql(const Filter& filter, size_t first_param, const std::string& column = "metadata");

}  // namespace alith::store::pg
