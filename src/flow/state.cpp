#include "alith/flow/state.h"

#include <utility>

#include "alith/agent/schema.h"

namespace alith::flow {

namespace {

// The built-in reducers work in place: the state grows by the update, never copied whole.
void append_into(Json& out, const Json& update) {
  if (out.is_null()) out = Json::array();
  if (!out.is_array()) out = Json::array({std::move(out)});
  if (update.is_array()) {
    out.insert(out.end(), update.begin(), update.end());
  } else {
    out.push_back(update);
  }
}

void check_mergeable(const Json& update) {
  if (!update.is_object()) {
    throw InvalidArgumentError("the merge reducer takes an object, got " +
                               std::string(agent::json_type_name(update)));
  }
}

void merge_into(Json& out, const Json& update) {
  if (!out.is_object()) out = Json::object();
  for (const auto& [key, value] : update.items()) {
    if (value.is_null()) {
      out.erase(key);
    } else {
      out[key] = value;
    }
  }
}

}  // namespace

Json Reducer::apply(const Json& current, const Json& update) const {
  switch (kind_) {
    case Kind::overwrite:
      return update;
    case Kind::append: {
      Json out = current;
      append_into(out, update);
      return out;
    }
    case Kind::merge: {
      check_mergeable(update);
      Json out = current;
      merge_into(out, update);
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
  // First everything that can fail, into new values (custom reducers, keys with a schema) or as checks, so a
  // rejected update leaves the state as it was; then the built-in reducers in place, which cannot fail.
  std::vector<std::pair<std::string, Json>> computed;
  for (const auto& [key, value] : update.items()) {
    const KeySpec* spec = find(key);
    if (spec == nullptr) continue;
    try {
      if (spec->reducer.kind() == Reducer::Kind::merge) check_mergeable(value);
      if (spec->reducer.kind() != Reducer::Kind::custom && !spec->schema) continue;
      auto current = state.find(key);
      Json next = spec->reducer.apply(current == state.end() ? Json() : *current, value);
      if (spec->schema) {
        if (auto valid = agent::validate(next, *spec->schema); !valid) {
          throw SchemaError("state key '" + key + "': " + valid.error().message);
        }
      }
      computed.emplace_back(key, std::move(next));
    } catch (const SchemaError&) {
      throw;
    } catch (const Error& e) {
      throw InvalidArgumentError("state key '" + key + "' (" + spec->reducer.name() + "): " + e.what());
    }
  }
  for (const auto& [key, value] : update.items()) {
    const KeySpec* spec = find(key);
    if (spec == nullptr || spec->reducer.kind() == Reducer::Kind::overwrite) {
      if (!spec || !spec->schema) state[key] = value;
    } else if (spec->reducer.kind() == Reducer::Kind::custom || spec->schema) {
      continue;  // computed above
    } else if (spec->reducer.kind() == Reducer::Kind::append) {
      append_into(state[key], value);
    } else {
      merge_into(state[key], value);
    }
  }
  for (auto& [key, value] : computed) state[key] = std::move(value);
}

}  // namespace alith::flow
