#include "alith/store/filter.h"

#include <utility>

#include "alith/core/error.h"

namespace alith::store {
namespace {

using Op = Condition::Op;

struct OpName {
  std::string_view name;
  Op op;
};
constexpr OpName kOps[] = {{"$eq", Op::eq}, {"$ne", Op::ne},   {"$lt", Op::lt}, {"$lte", Op::lte},
                           {"$gt", Op::gt}, {"$gte", Op::gte}, {"$in", Op::in}, {"$nin", Op::nin}};

void check_operand(const std::string& field, Op op, const Json& value) {
  const auto scalar = [](const Json& v) { return v.is_string() || v.is_number() || v.is_boolean(); };
  if (op == Op::in || op == Op::nin) {
    if (!value.is_array())
      throw InvalidArgumentError("filter on '" + field + "': " + std::string(to_string(op)) +
                                 " needs an array");
    for (const auto& item : value)
      if (!scalar(item))
        throw InvalidArgumentError("filter on '" + field + "': " + std::string(to_string(op)) +
                                   " items must be strings, numbers or booleans");
    return;
  }
  if (!scalar(value))
    throw InvalidArgumentError("filter on '" + field + "': the operand of " + std::string(to_string(op)) +
                               " must be a string, number or boolean");
  if ((op == Op::lt || op == Op::lte || op == Op::gt || op == Op::gte) && value.is_boolean())
    throw InvalidArgumentError("filter on '" + field + "': ranges need a number or a string");
}

// Numbers compare as numbers whatever their JSON representation (2 == 2.0); otherwise types must agree.
std::optional<int> compare(const Json& a, const Json& b) {
  if (a.is_number() && b.is_number()) {
    const double x = a.get<double>(), y = b.get<double>();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.is_string() && b.is_string()) {
    const auto& x = a.get_ref<const std::string&>();
    const auto& y = b.get_ref<const std::string&>();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.is_boolean() && b.is_boolean())
    return static_cast<int>(a.get<bool>()) - static_cast<int>(b.get<bool>());
  return std::nullopt;
}

bool equal(const Json& a, const Json& b) {
  const auto c = compare(a, b);
  return c && *c == 0;
}

bool contains(const Json& list, const Json& value) {
  for (const auto& item : list)
    if (equal(item, value)) return true;
  return false;
}

}  // namespace

std::string_view to_string(Condition::Op op) noexcept {
  for (const auto& o : kOps)
    if (o.op == op) return o.name;
  return "$eq";
}

Filter Filter::from_json(const Json& spec) {
  Filter filter;
  if (spec.is_null()) return filter;
  if (!spec.is_object()) throw InvalidArgumentError("a filter must be a JSON object of field conditions");
  for (const auto& [field, condition] : spec.items()) {
    if (field.empty() || field.starts_with('$'))
      throw InvalidArgumentError("filter: '" + field +
                                 "' is not a field name (only field conditions are supported)");
    if (!condition.is_object()) {
      check_operand(field, Op::eq, condition);
      filter.conditions_.push_back({field, Op::eq, condition});
      continue;
    }
    if (condition.empty()) throw InvalidArgumentError("filter on '" + field + "': empty condition");
    for (const auto& [name, operand] : condition.items()) {
      const OpName* found = nullptr;
      for (const auto& o : kOps)
        if (o.name == name) found = &o;
      if (!found)
        throw InvalidArgumentError("filter on '" + field + "': unknown operator '" + name +
                                   "' (expected $eq $ne $lt $lte $gt $gte $in $nin)");
      check_operand(field, found->op, operand);
      filter.conditions_.push_back({field, found->op, operand});
    }
  }
  return filter;
}

Filter& Filter::where(std::string field, Condition::Op op, Json value) {
  if (field.empty()) throw InvalidArgumentError("filter: empty field name");
  check_operand(field, op, value);
  conditions_.push_back({std::move(field), op, std::move(value)});
  return *this;
}

bool Filter::matches(const Json& metadata) const {
  for (const auto& c : conditions_) {
    const bool present = metadata.is_object() && metadata.contains(c.field);
    if (!present) {
      if (c.op == Op::ne || c.op == Op::nin) continue;
      return false;
    }
    const Json& v = metadata.at(c.field);
    bool ok = false;
    switch (c.op) {
      case Op::eq:
        ok = equal(v, c.value);
        break;
      case Op::ne:
        ok = !equal(v, c.value);
        break;
      case Op::in:
        ok = contains(c.value, v);
        break;
      case Op::nin:
        ok = !contains(c.value, v);
        break;
      case Op::lt:
      case Op::lte:
      case Op::gt:
      case Op::gte: {
        const auto r = compare(v, c.value);
        if (!r) return false;
        ok = c.op == Op::lt ? *r < 0 : c.op == Op::lte ? *r <= 0 : c.op == Op::gt ? *r > 0 : *r >= 0;
        break;
      }
    }
    if (!ok) return false;
  }
  return true;
}

Json Filter::to_json() const {
  Json out = Json::object();
  for (const auto& c : conditions_) out[c.field][std::string(to_string(c.op))] = c.value;
  return out;
}

}  // namespace alith::store
