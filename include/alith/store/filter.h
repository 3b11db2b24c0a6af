#pragma once

// Metadata filters, shared by every VectorStore backend. A filter is a conjunction of conditions on top-level
// metadata fields, written as JSON in the style of Chroma and MongoDB:
//
//   {"source": "guide.md"}                       equality (shorthand for {"$eq": ...})
//   {"page": {"$gte": 2, "$lt": 5}}              ranges: $lt $lte $gt $gte (numbers or strings)
//   {"lang": {"$in": ["en", "fr"]}}              in-list; $nin for not-in; $ne for not-equal
//
// A document without the field never matches a condition on it (except $ne and $nin).

#include <string>
#include <string_view>
#include <vector>

#include "alith/core/json.h"

namespace alith::store {

struct Condition {
  enum class Op { eq, ne, lt, lte, gt, gte, in, nin };
  std::string field;
  Op op = Op::eq;
  Json value;  // a scalar, or an array for in/nin
};

// "$eq", "$lt", ...: the operator as the filter language writes it.
std::string_view to_string(Condition::Op op) noexcept;

class Filter {
 public:
  Filter() = default;
  // Errors: InvalidArgumentError naming the offending field or operator (nested objects that are not
  // operator objects, unknown $operators, $in without an array, null or object operands).
  static Filter from_json(const Json& spec);

  Filter& where(std::string field, Condition::Op op, Json value);
  bool empty() const noexcept { return conditions_.empty(); }
  const std::vector<Condition>& conditions() const noexcept { return conditions_; }
  // Evaluates against a metadata object (used by backends that filter in memory).
  bool matches(const Json& metadata) const;
  Json to_json() const;

 private:
  std::vector<Condition> conditions_;
};

}  // namespace alith::store
