#pragma once

// The shared state of a workflow: a JSON object whose keys each combine updates through a reducer.
//
//   auto schema = alith::flow::StateSchema()
//                     .key("question")                                  // overwrite (the default)
//                     .key("notes", alith::flow::Reducer::append())     // lists grow
//                     .key("votes", alith::flow::Reducer::merge(),      // objects merge key by key
//                          alith::Json::parse(R"({"type": "object"})"));  // and are checked by a schema
//
// A node returns an update: an object of keys to values. Each value goes through its key's reducer; keys the
// schema does not declare are overwritten. When parallel nodes of one step write the same key, their updates
// are applied in task order (docs/ARCHITECTURE.md, "Workflows"), so every run ends with the same state.
// A C++ struct that lists its fields for alith::agent::schema_of can declare the keys and their schemas:
// StateSchema::of<T>().

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "alith/agent/schema.h"
#include "alith/core/json.h"

namespace alith::flow {

class Reducer {
 public:
  enum class Kind { overwrite, append, merge, custom };
  using Fn = std::function<Json(const Json& current, const Json& update)>;

  // The update replaces the value.
  static Reducer overwrite() { return Reducer(Kind::overwrite, "overwrite", {}); }
  // An array update is concatenated to the current array, any other value is appended to it; a null current
  // value counts as an empty array.
  static Reducer append() { return Reducer(Kind::append, "append", {}); }
  // An object update is merged into the current object (its keys replace; a null value removes the key);
  // anything else is an InvalidArgumentError.
  static Reducer merge() { return Reducer(Kind::merge, "merge", {}); }
  // Any function of (current, update) -> new value. It may run on any thread but never concurrently with
  // itself for one run. name is what errors and graph descriptions show.
  static Reducer custom(std::string name, Fn fn) {
    return Reducer(Kind::custom, std::move(name), std::move(fn));
  }

  Kind kind() const noexcept { return kind_; }
  const std::string& name() const noexcept { return name_; }
  Json apply(const Json& current, const Json& update) const;

 private:
  Reducer(Kind kind, std::string name, Fn fn) : kind_(kind), name_(std::move(name)), fn_(std::move(fn)) {}
  Kind kind_;
  std::string name_;
  Fn fn_;
};

struct KeySpec {
  std::string name;
  Reducer reducer = Reducer::overwrite();
  std::optional<Json> schema;  // when set, every new value of the key must validate (SchemaError)
  Json initial;                // the key's value before any update (null: absent)
};

class StateSchema {
 public:
  // Declares a key; declaring it again replaces the earlier declaration.
  StateSchema& key(std::string name, Reducer reducer = Reducer::overwrite(), std::optional<Json> schema = {},
                   Json initial = nullptr);

  // The keys of T's `fields` with their schemas, all overwrite; change reducers with key() afterwards.
  template <class T>
  static StateSchema of() {
    StateSchema schema;
    const Json object = agent::schema_of<T>();
    for (const auto& [name, property] : object.at("properties").items())
      schema.key(name, Reducer::overwrite(), property);
    return schema;
  }

  // Applies an update object to state, key by key. InvalidArgumentError when the update is not an object or
  // a reducer rejects it, SchemaError when a new value fails its key's schema; state is unchanged then.
  void apply(Json& state, const Json& update) const;
  // The state before any update: every key with a non-null initial value.
  Json initial() const;

  const KeySpec* find(const std::string& name) const;
  const std::vector<KeySpec>& keys() const noexcept { return keys_; }

 private:
  std::vector<KeySpec> keys_;
  std::map<std::string, size_t, std::less<>> index_;
};

}  // namespace alith::flow
