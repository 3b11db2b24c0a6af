// `edges:`: a list, read in order.
//
//   - {from: start, to: write}                              # plain; `to` may list several nodes (fan-out)
//   - {from: approve, to: publish, when: "approved == true"} # conditional: the first match in file order
//   wins
//   - {from: approve, to: write, else: true}                 # taken when no condition of the node matched
//   - {from: split, map: items, to: worker, as: item}        # one task of `worker` per element, as {item: x}
//   - {from: [a, b], to: gather}                             # a join: `gather` runs once a and b have run
//
// `start` and `end` name the graph's START and END. A node's conditional edges form one branch; a node with
// conditional edges has no plain ones (that would run both ways), and with no match and no `else` its run
// fails with an error naming the node, rather than silently ending.

#include <algorithm>
#include <map>

#include "alith/agent/schema.h"
#include "flow/yaml/parts.h"
#include "flow/yaml/template.h"

namespace alith::flow::yaml {
namespace {

struct Condition {
  std::optional<Expression> when;  // nullopt: the `else` edge
  std::vector<std::string> targets;
  std::string where;  // "file:line:col" of the condition
};

struct Conditional {
  std::string from;
  YAML::Node at;  // the first conditional edge of the node
  std::vector<Condition> conditions;
  std::optional<Condition> otherwise;
  size_t whens = 0;  // edges with `when`, including any whose condition did not parse
};

class EdgeReader {
 public:
  EdgeReader(Context& context, const std::vector<NodeDef>& nodes) : doc_(context.doc) {
    for (const auto& n : nodes) names_.push_back(n.name);
  }

  // A node name, `start` or `end`, as the builder spells it.
  std::optional<std::string> endpoint(const YAML::Node& node, bool target) {
    if (!node.IsScalar()) {
      doc_.report(node, "an edge names nodes, not " + std::string(node.IsMap() ? "a mapping" : "a list"));
      return std::nullopt;
    }
    const std::string& name = node.Scalar();
    if (name == "start") {
      if (!target) return std::string(START);
      doc_.report(node, "'start' cannot be the target of an edge");
      return std::nullopt;
    }
    if (name == "end") {
      if (target) return std::string(END);
      doc_.report(node, "'end' has no outgoing edges");
      return std::nullopt;
    }
    if (std::find(names_.begin(), names_.end(), name) != names_.end()) return name;
    std::vector<std::string> candidates = names_;
    candidates.push_back(target ? "end" : "start");
    doc_.report(node, "unknown node '" + name + "'" + did_you_mean(name, candidates));
    return std::nullopt;
  }

  // One or several endpoints (a scalar or a list).
  std::optional<std::vector<std::string>> endpoints(const Entry& entry, bool target) {
    std::vector<std::string> out;
    bool ok = true;
    if (entry.value.IsSequence()) {
      if (entry.value.size() == 0) {
        doc_.report(entry, "'" + entry.key + "' lists no nodes");
        return std::nullopt;
      }
      for (const auto& item : entry.value) {
        if (out.size() >= doc_.limits().max_nodes) break;  // bounds a list repeated through aliases
        auto name = endpoint(item, target);
        if (!name) {
          ok = false;
        } else if (std::find(out.begin(), out.end(), *name) != out.end()) {
          doc_.report(item, "'" + item.Scalar() + "' is listed twice");
          ok = false;
        } else {
          out.push_back(*name);
        }
      }
    } else if (entry.value.IsNull()) {
      doc_.report(entry, "'" + entry.key + "' must name a node");
      ok = false;
    } else if (auto name = endpoint(entry.value, target)) {
      out.push_back(*name);
    } else {
      ok = false;
    }
    if (!ok) return std::nullopt;
    return out;
  }

 private:
  Doc& doc_;
  std::vector<std::string> names_;
};

const Entry* find(const std::vector<Entry>& fields, std::string_view key) {
  auto it = std::find_if(fields.begin(), fields.end(), [&](const Entry& e) { return e.key == key; });
  return it == fields.end() ? nullptr : &*it;
}

std::string shown(const std::string& name) {
  if (name == START) return "start";
  if (name == END) return "end";
  return name;
}

Router conditional_router(Conditional c, std::string file) {
  return [c = std::move(c), file = std::move(file)](const Json& state) -> Route {
    for (const auto& condition : c.conditions) {
      bool hit = false;
      try {
        hit = condition.when->test(state);
      } catch (const InvalidArgumentError& e) {
        throw InvalidArgumentError(condition.where + ": the condition of an edge from '" + shown(c.from) +
                                   "': " + e.what());
      }
      if (hit) return Route(condition.targets);
    }
    if (c.otherwise) return Route(c.otherwise->targets);
    throw InvalidArgumentError(file + ": no condition of the edges from '" + shown(c.from) +
                               "' matched the state, and they have no 'else' edge");
  };
}

Router map_router(Expression items, std::string from, std::string to, std::string as, std::string where) {
  return [items = std::move(items), from = std::move(from), to = std::move(to), as = std::move(as),
          where = std::move(where)](const Json& state) -> Route {
    Json list;
    try {
      list = items.evaluate(state);
    } catch (const InvalidArgumentError& e) {
      throw InvalidArgumentError(where + ": the map edge from '" + shown(from) + "': " + e.what());
    }
    if (!list.is_array()) {
      throw InvalidArgumentError(where + ": the map edge from '" + shown(from) + "' needs a list in '" +
                                 items.text() + "', not " + std::string(agent::json_type_name(list)));
    }
    std::vector<Send> sends;
    sends.reserve(list.size());
    for (auto& item : list) sends.push_back({to, Json{{as, std::move(item)}}});
    return Route(std::move(sends));
  };
}

}  // namespace

bool read_edges(Context& context, const Entry& section, const std::vector<NodeDef>& nodes,
                GraphBuilder& builder) {
  Doc& doc = context.doc;
  const size_t before = doc.problems();
  if (!section.value.IsSequence()) {
    doc.report(section, "'edges' must be a list of edges such as {from: start, to: first}");
    return false;
  }
  if (section.value.size() > doc.limits().max_edges) {
    doc.report(section.key_node, "more than " + std::to_string(doc.limits().max_edges) + " edges");
    return false;
  }
  EdgeReader reader(context, nodes);
  std::map<std::string, Conditional> conditionals;
  std::vector<std::string> branch_order;         // sources with conditional edges, in file order
  std::map<std::string, YAML::Node> plain_from;  // the first plain edge of each source
  for (const auto& edge : section.value) {
    const auto fields = doc.entries(edge, "an edge must be a mapping such as {from: a, to: b}");
    if (!edge.IsMap()) continue;
    doc.check_keys(fields, {"from", "to", "when", "else", "map", "as", "description"}, " in an edge");
    const Entry* from_entry = find(fields, "from");
    const Entry* to_entry = find(fields, "to");
    const Entry* when = find(fields, "when");
    const Entry* otherwise = find(fields, "else");
    const Entry* map = find(fields, "map");
    const Entry* as = find(fields, "as");
    if (!from_entry) doc.report(edge, "an edge needs 'from'");
    if (!to_entry) doc.report(edge, "an edge needs 'to'");
    if (!from_entry || !to_entry) continue;
    auto from = reader.endpoints(*from_entry, false);
    auto to = reader.endpoints(*to_entry, true);
    const bool join = from_entry->value.IsSequence();

    if (when && otherwise) doc.report(otherwise->key_node, "an edge takes 'when' or 'else', not both");
    if (map && (when || otherwise)) {
      doc.report(map->key_node, "a map edge cannot also have '" + std::string(when ? "when" : "else") + "'");
    }
    if (join && (when || otherwise || map)) {
      doc.report((when        ? when
                  : otherwise ? otherwise
                              : map)
                     ->key_node,
                 "a join (a list in 'from') cannot have '" +
                     (when        ? when
                      : otherwise ? otherwise
                                  : map)
                         ->key +
                     "'");
    }
    if (as && !map) doc.report(as->key_node, "'as' applies to map edges only");
    bool else_edge = false;
    if (otherwise) {
      auto v = doc.bool_of(*otherwise, "else");
      if (v && !*v) doc.report(*otherwise, "'else' must be true (leave it out for a plain edge)");
      else_edge = v.value_or(false);
    }
    std::optional<Expression> condition;
    if (when) {
      if (!when->value.IsScalar()) {
        doc.report(*when, "'when' must be a condition such as \"approved == true\"");
      } else {
        condition = parse_expression(doc, when->value, "condition");
      }
    }
    if (!from || !to) continue;
    if (join) {
      if (to->size() != 1) {
        doc.report(*to_entry, "a join leads to one node");
      } else if ((*to)[0] == END) {
        doc.report(*to_entry, "a join must lead to a node (add an edge from that node to end)");
      } else if (from->size() < 2) {
        doc.report(*from_entry, "a join waits for at least two nodes");
      } else if (std::find(from->begin(), from->end(), std::string(START)) != from->end()) {
        doc.report(*from_entry, "'start' cannot be part of a join");
      } else {
        builder.join(*from, (*to)[0]);
      }
      continue;
    }
    const std::string& source = (*from)[0];
    if (map) {
      std::optional<Expression> items;
      if (!map->value.IsScalar()) {
        doc.report(*map, "'map' must name a list in the state, such as items or plan.steps");
      } else {
        items = parse_expression(doc, map->value, "'map' expression");
      }
      std::string key = "item";
      if (as) {
        auto v = doc.string_of(*as, "as");
        if (v && !is_node_name(*v)) {
          doc.report(*as, "'as' must be a state key name (letters, digits, '_' and '-')");
        } else if (v) {
          key = *v;
        }
      }
      if (to->size() != 1 || (*to)[0] == END) {
        doc.report(*to_entry, "a map edge sends to one node");
        continue;
      }
      if (items) {
        builder.branch(source, map_router(std::move(*items), source, (*to)[0], key, doc.where(map->value)),
                       *to);
      }
      continue;
    }
    if (when || else_edge) {
      auto [it, fresh] = conditionals.try_emplace(source);
      Conditional& c = it->second;
      if (fresh) {
        c.from = source;
        c.at = from_entry->value;
        branch_order.push_back(source);
      }
      if (else_edge) {
        if (c.otherwise) {
          doc.report(otherwise->key_node, "the edges from '" + shown(source) + "' have two 'else' edges");
        } else {
          c.otherwise = Condition{std::nullopt, *to, doc.where(otherwise->value)};
        }
      } else {
        ++c.whens;
        if (condition) c.conditions.push_back({std::move(condition), *to, doc.where(when->value)});
      }
      continue;
    }
    plain_from.try_emplace(source, from_entry->value);
    for (const auto& target : *to) builder.edge(source, target);
  }
  for (const auto& source : branch_order) {
    Conditional& c = conditionals.at(source);
    if (auto plain = plain_from.find(source); plain != plain_from.end()) {
      doc.report(plain->second,
                 "'" + shown(source) +
                     "' has conditional edges, so this edge would run as well as the chosen one: "
                     "give it 'when' or 'else: true'");
      continue;
    }
    if (c.whens == 0) {
      doc.report(c.at, "the edges from '" + shown(source) + "' have an 'else' but no 'when'");
      continue;
    }
    std::vector<std::string> targets;
    auto add = [&](const Condition& cond) {
      for (const auto& t : cond.targets) {
        if (std::find(targets.begin(), targets.end(), t) == targets.end()) targets.push_back(t);
      }
    };
    for (const auto& cond : c.conditions) add(cond);
    if (c.otherwise) add(*c.otherwise);
    const std::string where = doc.where(c.at);
    builder.branch(source, conditional_router(std::move(c), where), std::move(targets));
  }
  return doc.problems() == before;
}

}  // namespace alith::flow::yaml
