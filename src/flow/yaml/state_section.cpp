// `state:`: each key with its reducer, an optional JSON Schema and an initial value.
//
//   state:
//     topic:                               # overwrite, no schema
//     notes: append                        # a reducer by name
//     votes: {reducer: merge, schema: {type: object}, initial: {}}

#include "alith/agent/schema.h"
#include "flow/yaml/parts.h"

namespace alith::flow::yaml {
namespace {

std::optional<Reducer> reducer_named(const std::string& name) {
  if (name == "overwrite") return Reducer::overwrite();
  if (name == "append") return Reducer::append();
  if (name == "merge") return Reducer::merge();
  return std::nullopt;
}

}  // namespace

StateSchema read_state(Context& context, const Entry& section) {
  Doc& doc = context.doc;
  StateSchema schema;
  const auto keys = doc.entries(section.value, "'state' must be a mapping of state keys");
  if (keys.size() > doc.limits().max_state_keys) {
    doc.report(section.key_node, "more than " + std::to_string(doc.limits().max_state_keys) + " state keys");
    return schema;
  }
  for (const auto& key : keys) {
    const std::string in = " of state key '" + key.key + "'";
    if (key.value.IsNull()) {
      schema.key(key.key);
      continue;
    }
    std::optional<Reducer> reducer = Reducer::overwrite();
    if (key.value.IsScalar()) {
      reducer = reducer_named(key.value.Scalar());
      if (!reducer) {
        doc.report(key.value, "unknown reducer '" + key.value.Scalar() + "'" + in +
                                  " (overwrite, append or merge)" +
                                  did_you_mean(key.value.Scalar(), {"overwrite", "append", "merge"}));
        continue;
      }
      schema.key(key.key, *reducer);
      continue;
    }
    const auto fields =
        doc.entries(key.value, "state key '" + key.key +
                                   "' must be empty, a reducer name or a mapping (reducer, schema, initial)");
    doc.check_keys(fields, {"reducer", "schema", "initial", "description"}, in);
    std::optional<Json> key_schema;
    Json initial;
    bool ok = true;
    for (const auto& f : fields) {
      if (f.key == "reducer") {
        auto name = doc.string_of(f, "reducer");
        if (name) reducer = reducer_named(*name);
        if (name && !reducer) {
          doc.report(f, "unknown reducer '" + *name + "'" + in + " (overwrite, append or merge)" +
                            did_you_mean(*name, {"overwrite", "append", "merge"}));
        }
        ok = ok && reducer.has_value();
      } else if (f.key == "schema") {
        key_schema = doc.json_of(f.value);
        if (key_schema && !key_schema->is_object() && !key_schema->is_boolean()) {
          doc.report(f, "the schema" + in + " must be a JSON Schema (a mapping)");
          key_schema.reset();
        }
        ok = ok && key_schema.has_value();
      } else if (f.key == "initial") {
        auto value = doc.json_of(f.value);
        if (value) initial = std::move(*value);
        ok = ok && value.has_value();
      }
    }
    if (!ok) continue;
    if (key_schema && !initial.is_null()) {
      // A schema that rejects its own initial value would fail the first run; say so now.
      if (auto valid = agent::validate(initial, *key_schema); !valid) {
        for (const auto& f : fields) {
          if (f.key == "initial")
            doc.report(f, "the initial value" + in + " fails its schema: " + valid.error().message);
        }
        continue;
      }
    }
    schema.key(key.key, *reducer, std::move(key_schema), std::move(initial));
  }
  return schema;
}

}  // namespace alith::flow::yaml
