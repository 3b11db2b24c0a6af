#include "chroma/chroma_where.h"

#include "alith/core/error.h"

namespace alith::store::chroma {
namespace {

using Op = Condition::Op;

bool scalar(const Json& v) {
  return v.is_string() || v.is_number() || v.is_boolean();
}

Json as_chroma_number(const Json& v) {
  return v.is_number() ? Json(v.get<double>()) : v;
}

// $in/$nin lists, one per JSON type (Chroma wants homogeneous lists).
std::vector<Json> split_by_type(const Json& list) {
  Json strings = Json::array(), numbers = Json::array(), booleans = Json::array();
  for (const auto& v : list) {
    if (v.is_string())
      strings.push_back(v);
    else if (v.is_number())
      numbers.push_back(v.get<double>());
    else
      booleans.push_back(v);
  }
  std::vector<Json> out;
  for (auto* l : {&strings, &numbers, &booleans})
    if (!l->empty()) out.push_back(std::move(*l));
  return out;
}

}  // namespace

std::optional<Json> to_where(const Filter& filter) {
  Json clauses = Json::array();
  for (const auto& c : filter.conditions()) {
    switch (c.op) {
      case Op::in: {
        const auto lists = split_by_type(c.value);
        if (lists.empty()) return std::nullopt;  // in an empty list: nothing matches
        Json any = Json::array();
        for (const auto& l : lists) any.push_back({{c.field, {{"$in", l}}}});
        clauses.push_back(any.size() == 1 ? any[0] : Json{{"$or", any}});
        break;
      }
      case Op::nin:
        // A missing field matches $nin in Chroma as in alith, so the per-type lists combine with $and.
        for (const auto& l : split_by_type(c.value)) clauses.push_back({{c.field, {{"$nin", l}}}});
        break;
      case Op::lt:
      case Op::lte:
      case Op::gt:
      case Op::gte:
        if (!c.value.is_number())
          throw UnsupportedError("chroma store: filter on '" + c.field +
                                 "': Chroma compares only numbers with " + std::string(to_string(c.op)));
        clauses.push_back({{c.field, {{std::string(to_string(c.op)), c.value}}}});
        break;
      case Op::eq:
      case Op::ne:
        clauses.push_back({{c.field, {{std::string(to_string(c.op)), as_chroma_number(c.value)}}}});
        break;
    }
  }
  if (clauses.empty()) return Json::object();
  if (clauses.size() == 1) return clauses[0];
  return Json{{"$and", clauses}};
}

Json to_chroma_metadata(const Json& metadata) {
  Json out = Json::object();
  if (!metadata.is_object()) return out;
  bool complete = true;
  for (const auto& [key, value] : metadata.items()) {
    if (scalar(value))
      out[key] = value;
    else
      complete = false;
  }
  if (!complete) out[kMetadataKey] = dump_json(metadata);
  return out;
}

Json from_chroma_metadata(const Json& stored) {
  if (!stored.is_object()) return Json::object();
  if (auto it = stored.find(kMetadataKey); it != stored.end() && it->is_string()) {
    auto parsed = parse_json(it->get_ref<const std::string&>());
    if (parsed.ok() && parsed.value().is_object()) return std::move(parsed).value();
  }
  Json out = stored;
  out.erase(kMetadataKey);
  return out;
}

}  // namespace alith::store::chroma
