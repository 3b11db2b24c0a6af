#include "postgres/pg_filter.h"

#include "alith/core/json.h"

namespace alith::store::pg {
namespace {

using Op = Condition::Op;

const char* comparison(Op op) {
  switch (op) {
    case Op::lt:
      return "<";
    case Op::lte:
      return "<=";
    case Op::gt:
      return ">";
    default:
      return ">=";
  }
}

}  // namespace

SqlCondition filter_to_sql(const Filter& filter, size_t first_param, const std::string& column) {
  SqlCondition out;
  if (filter.empty()) {
    out.sql = "TRUE";
    return out;
  }
  auto param = [&](std::string value) {
    out.params.push_back(std::move(value));
    return "$" + std::to_string(first_param + out.params.size() - 1);
  };
  std::string sql;
  for (const auto& c : filter.conditions()) {
    if (!sql.empty()) sql += " AND ";
    const std::string field = param(c.field);
    // The field's value as jsonb: SQL NULL when the key is absent.
    const std::string value = "(" + column + " -> " + field + "::text)";
    switch (c.op) {
      case Op::eq:
        // jsonb equality compares numbers by value and never equates values of different types.
        sql += "(" + value + " = " + param(c.value.dump()) + "::jsonb)";
        break;
      case Op::ne:
        sql += "(" + value + " IS NULL OR " + value + " <> " + param(c.value.dump()) + "::jsonb)";
        break;
      case Op::in:
        sql += "EXISTS (SELECT 1 FROM jsonb_array_elements(" + param(c.value.dump()) +
               "::jsonb) AS e(v) WHERE e.v = " + value + ")";
        break;
      case Op::nin:
        sql += "(" + value + " IS NULL OR NOT EXISTS (SELECT 1 FROM jsonb_array_elements(" +
               param(c.value.dump()) + "::jsonb) AS e(v) WHERE e.v = " + value + "))";
        break;
      case Op::lt:
      case Op::lte:
      case Op::gt:
      case Op::gte: {
        // CASE fixes the order of evaluation: the cast only runs on a value of the right type.
        const std::string text = "(" + column + " ->> " + field + "::text)";
        if (c.value.is_number()) {
          sql += "(CASE WHEN jsonb_typeof(" + value + ") = 'number' THEN " + text + "::numeric " +
                 comparison(c.op) + " " + param(c.value.dump()) + "::numeric ELSE FALSE END)";
        } else {
          // Byte order (COLLATE "C"), as std::string compares.
          sql += "(CASE WHEN jsonb_typeof(" + value + ") = 'string' THEN " + text + " COLLATE \"C\" " +
                 comparison(c.op) + " " + param(c.value.get<std::string>()) +
                 "::text COLLATE \"C\" ELSE FALSE END)";
        }
        break;
      }
    }
  }
  out.sql = "(" + sql + ")";
  return out;
}

}  // namespace alith::store::pg
