#include "sql_filter.h"

namespace alith::store::sqlite {
namespace {

using Op = Condition::Op;

// A field is addressed through a JSON path ($."field") when SQLite's path syntax can express it; names with
// quotes, backslashes or control characters are looked up through json_each by their key instead.
bool path_safe(std::string_view field) {
  for (unsigned char c : field)
    if (c == '"' || c == '\\' || c < 0x20) return false;
  return true;
}

class Builder {
 public:
  Builder(std::string_view column, SqlCondition& out) : column_(column), out_(out) {}

  // The JSON type of the field ('integer', 'real', 'text', 'true', 'false', ... or NULL when missing).
  std::string type_of(const std::string& field) {
    if (path_safe(field)) {
      out_.binds.emplace_back("$.\"" + field + "\"");
      return "json_type(" + std::string(column_) + ", ?)";
    }
    out_.binds.emplace_back(field);
    return "(SELECT type FROM json_each(" + std::string(column_) + ") WHERE key = ?)";
  }

  std::string value_of(const std::string& field) {
    if (path_safe(field)) {
      out_.binds.emplace_back("$.\"" + field + "\"");
      return "json_extract(" + std::string(column_) + ", ?)";
    }
    out_.binds.emplace_back(field);
    return "(SELECT atom FROM json_each(" + std::string(column_) + ") WHERE key = ?)";
  }

  // 0 or 1: the field has value's type and compares to it with op (=, <, <=, >, >=).
  std::string compare(const std::string& field, std::string_view op, const Json& value) {
    if (value.is_boolean())
      return "(" + type_of(field) + " IS '" + (value.get<bool>() ? "true" : "false") + "')";
    std::string type_check = value.is_string()
                                 ? "(" + type_of(field) + " IS 'text')"
                                 : "(COALESCE(" + type_of(field) + ", '') IN ('integer', 'real'))";
    std::string sql = "(" + type_check + " AND " + value_of(field) + " " + std::string(op) + " ?)";
    out_.binds.push_back(value);
    return sql;
  }

  std::string any_equal(const std::string& field, const Json& list) {
    if (list.empty()) return "0";
    std::string sql = "(";
    bool first = true;
    for (const auto& item : list) {
      if (!first) sql += " OR ";
      first = false;
      sql += compare(field, "=", item);
    }
    return sql + ")";
  }

 private:
  std::string_view column_;
  SqlCondition& out_;
};

}  // namespace

SqlCondition to_sql(const Filter& filter, std::string_view column) {
  SqlCondition out;
  if (filter.empty()) return out;
  Builder b(column, out);
  std::string sql;
  for (const auto& c : filter.conditions()) {
    std::string term;
    switch (c.op) {
      case Op::eq:
        term = b.compare(c.field, "=", c.value);
        break;
      case Op::ne:
        term = "(NOT " + b.compare(c.field, "=", c.value) + ")";
        break;
      case Op::lt:
        term = b.compare(c.field, "<", c.value);
        break;
      case Op::lte:
        term = b.compare(c.field, "<=", c.value);
        break;
      case Op::gt:
        term = b.compare(c.field, ">", c.value);
        break;
      case Op::gte:
        term = b.compare(c.field, ">=", c.value);
        break;
      case Op::in:
        term = b.any_equal(c.field, c.value);
        break;
      case Op::nin:
        term = "(NOT " + b.any_equal(c.field, c.value) + ")";
        break;
    }
    if (!sql.empty()) sql += " AND ";
    sql += term;
  }
  out.sql = "(" + sql + ")";
  return out;
}

int bind_all(::alith::sqlite::Statement& statement, const SqlCondition& condition, int first) {
  int index = first;
  for (const auto& value : condition.binds) {
    if (value.is_string())
      statement.bind(index, std::string_view(value.get_ref<const std::string&>()));
    else
      statement.bind(index, value.get<double>());
    ++index;
  }
  return index;
}

std::string fts_match_expression(std::string_view text) {
  const auto word_byte = [](unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
  };
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (!word_byte(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < text.size() && word_byte(static_cast<unsigned char>(text[end]))) ++end;
    if (!out.empty()) out += " OR ";
    // A term holds no quote (only letters, digits and non-ASCII bytes), so wrapping it is enough.
    out += '"';
    out.append(text.substr(i, end - i));
    out += '"';
    i = end;
  }
  return out;
}

}  // namespace alith::store::sqlite
