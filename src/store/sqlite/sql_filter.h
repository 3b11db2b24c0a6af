#pragma once

// Translates a metadata Filter into an SQL condition over a JSON metadata column, with every value (and every
// field name) passed as a bound parameter, never spliced into the SQL text. The condition has exactly the
// semantics of Filter::matches: numbers compare as numbers, strings as strings, booleans only with booleans,
// values of another type never match, and a missing field only satisfies $ne and $nin.

#include <string>
#include <string_view>
#include <vector>

#include "alith/core/json.h"
#include "alith/store/filter.h"
#include "core/sqlite_db.h"

namespace alith::store::sqlite {

struct SqlCondition {
  std::string sql = "1";    // an expression that is 0 or 1, never NULL
  std::vector<Json> binds;  // strings, numbers; in the order of the ?s in sql
};

// column: the SQL expression naming the metadata column (e.g. "r.metadata").
SqlCondition to_sql(const Filter& filter, std::string_view column);

// Binds the condition's parameters starting at parameter index first; returns the next free index.
int bind_all(::alith::sqlite::Statement& statement, const SqlCondition& condition, int first);

// The FTS5 MATCH expression for free text typed by a user: the text is split into terms (letters, digits and
// any non-ASCII character) and each term is quoted, joined with OR, so quotes, operators (AND, NEAR),
// parentheses and '*' are only ever searched for as words. Empty when the text has no terms.
std::string fts_match_expression(std::string_view text);

}  // namespace alith::store::sqlite
