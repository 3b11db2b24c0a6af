#include "alith/flow/state.h"

#include <utility>

#include "alith/agent/schema.h"

namespace alith::flow {

Json Reducer::apply(const Json& current, const Json& update) const {
  switch (kind_) {
    case Kind::overwrite:
      return update;
    case Kind::append: {
      Json out = current.is_null() ? Json::array() : current;
      if (!out.is_array()) out = Json::array({out});
      if (update.is_array()) {
        out.insert(out.end(), update.begin(), update.end());
      } else {
        out.push_back(update);
      }
      return out;
    }
    case Kind::merge: {
      if (!update.is_object()) {
        throw InvalidArgumentError("the merge reducer takes an object, got " +
                                   std::string(agent::json_type_name(update)));
      }
      Json out = current.is_object() ? current : Json::object();
      for (const auto& [key, value] : update.items()) {
        if (value.is_null()) {
          out.erase(key);
        } else {
          out[key] = value;
        }
      }
      return out;
    }
    case Kind::custom:
      return fn_(current, update);
  }
  return update;
}

StateSchema& StateSchema::key(std::string name, Reducer reducer, std::optional<Json> schema, Json initial) {
  KeySpec spec{name, std::move(reducer), std::move(schema), std::move(initial)};
  if (auto it = index_.find(name); it != index_.end()) {
    keys_[it->second] = std::move(spec);
  } else {
    index_.emplace(std::move(name), keys_.size());
    keys_.push_back(std::move(spec));
  }
  return *this;
}

const KeySpec* StateSchema::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &keys_[it->second];
}

Json StateSchema::initial() const {
  Json state = Json::object();
  for (const auto& spec : keys_) {
    if (!spec.initial.is_null()) state[spec.name] = spec.initial;
  }
  return state;
}

void StateSchema::apply(Json& state, const Json& update) const {
  if (update.is_null()) return;
  if (!update.is_object()) {
    throw InvalidArgumentError("a state update must be an object, got " +
                               std::string(agent::json_type_name(update)));
  }
  if (!state.is_object()) state = Json::object();
  // Compute every new value before assigning any, so a rejected update leaves the state as it was.
  std::vector<std::pair<std::string, Json>> values;
  values.reserve(update.size());
  for (const auto& [key, value] : update.items()) {
    const KeySpec* spec = find(key);
    auto current = state.find(key);
    const Json& old = current == state.end() ? Json() : *current;
    Json next;
    if (spec == nullptr) {
      next = value;
    } else {
      try {
        next = spec->reducer.apply(old, value);
      } catch (const Error& e) {
        throw InvalidArgumentError("state key '" + key + "' (" + spec->reducer.name() + "): " + e.what());
      }
      if (spec->schema) {
        if (auto valid = agent::validate(next, *spec->schema); !valid) {
          throw SchemaError("state key '" + key + "': " + valid.error().message);
        }
      }
    }
    values.emplace_back(key, std::move(next));
  }
  for (auto& [key, value] : values) state[key] = std::move(value);
}

}  // namespace alith::flow
