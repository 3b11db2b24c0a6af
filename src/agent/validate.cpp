// JSON Schema validation (the subset documented in alith/agent/schema.h).
//
// Bounded by design: every subschema evaluation costs one step from a budget and increments a depth that
// covers value nesting, combinators and $ref hops, so a cyclic $ref or an exponential anyOf tree ends in an
// error instead of a stack overflow or a hang. A "fatal" error (bad schema, limits) stops everything, even
// inside anyOf/not, where ordinary failures are expected and swallowed.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <string>
#include <string_view>

#include "alith/agent/schema.h"

namespace alith::agent {
namespace {

size_t utf8_length(const std::string& s) noexcept {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool is_integral_number(const Json& v) {
  if (v.is_number_integer()) return true;
  if (!v.is_number_float()) return false;
  double d = v.get<double>();
  return std::isfinite(d) && std::trunc(d) == d;
}

std::string short_dump(const Json& v, size_t limit = 80) {
  std::string s = dump_json(v);
  if (s.size() > limit) {
    s.resize(limit);
    s += "...";
  }
  return s;
}

class Validator {
 public:
  Validator(const Json& root, const ValidateOptions& options) : root_(root), options_(options) {}

  Result<void> run(const Json& value) {
    if (check(value, root_, 0)) return {};
    if (error_.size() > options_.max_error_chars) {
      error_.resize(options_.max_error_chars);
      error_ += "...";
    }
    return make_error(ErrorCode::schema, std::move(error_));
  }

 private:
  // Sets error_ to "<path>: <message>"; returns false so callers can `return fail(...)`.
  bool fail(std::string_view message) {
    error_ = path_;
    error_ += ": ";
    error_ += message;
    return false;
  }
  bool fatal(std::string_view message) {
    fatal_ = true;
    return fail(message);
  }
  bool bad_schema(std::string_view message) {
    std::string m = "invalid schema: ";
    m += message;
    return fatal(m);
  }

  bool check(const Json& v, const Json& s, size_t depth) {
    if (fatal_) return false;
    if (depth > options_.max_depth) {
      return fatal("schema or value nested too deeply (limit " + std::to_string(options_.max_depth) +
                   "; a $ref cycle?)");
    }
    if (++steps_ > options_.max_steps) return fatal("validation takes too many steps (schema too complex)");
    if (s.is_boolean()) return s.get<bool>() || fail("no value is allowed here");
    if (!s.is_object()) return bad_schema("a schema must be an object or a boolean");
    if (s.empty()) return true;

    if (v.is_null()) {
      auto n = s.find("nullable");
      if (n != s.end() && n->is_boolean() && n->get<bool>()) return true;
    }
    if (auto t = s.find("type"); t != s.end() && !check_type(v, *t)) return false;

    for (auto it = s.begin(); it != s.end(); ++it) {
      if (!keyword(v, s, it.key(), it.value(), depth)) return false;
    }
    return true;
  }

  bool type_matches(const Json& v, const std::string& t, bool& known) {
    known = true;
    if (t == "string") return v.is_string();
    if (t == "integer") return is_integral_number(v);
    if (t == "number") return v.is_number();
    if (t == "object") return v.is_object();
    if (t == "array") return v.is_array();
    if (t == "boolean") return v.is_boolean();
    if (t == "null") return v.is_null();
    known = false;
    return false;
  }

  bool check_type(const Json& v, const Json& t) {
    bool known = true;
    if (t.is_string()) {
      if (type_matches(v, t.get_ref<const std::string&>(), known)) return true;
      if (!known) return bad_schema("unknown type \"" + t.get<std::string>() + "\"");
      return fail("expected " + t.get<std::string>() + ", got " + std::string(json_type_name(v)));
    }
    if (!t.is_array() || t.empty())
      return bad_schema("'type' must be a string or a non-empty array of strings");
    std::string names;
    for (const auto& one : t) {
      if (!one.is_string()) return bad_schema("'type' must be a string or a non-empty array of strings");
      if (type_matches(v, one.get_ref<const std::string&>(), known)) return true;
      if (!known) return bad_schema("unknown type \"" + one.get<std::string>() + "\"");
      if (!names.empty()) names += " or ";
      names += one.get_ref<const std::string&>();
    }
    return fail("expected " + names + ", got " + std::string(json_type_name(v)));
  }

  // Descends into a child value at path + segment.
  template <class Seg>
  bool child(const Json& v, const Json& s, size_t depth, Seg segment) {
    const size_t len = path_.size();
    if constexpr (std::is_same_v<Seg, size_t>) {
      detail::append_index_to_path(path_, segment);
    } else {
      detail::append_key_to_path(path_, segment);
    }
    bool ok = check(v, s, depth + 1);
    path_.resize(len);
    return ok;
  }

  bool keyword(const Json& v, const Json& s, const std::string& k, const Json& arg, size_t depth) {
    if (k.empty()) return true;
    switch (k[0]) {
      case '$':
        if (k == "$ref") return check_ref(v, arg, depth);
        return true;
      case 'a':
        if (k == "anyOf") return check_any_of(v, arg, depth);
        if (k == "allOf") return check_all_of(v, arg, depth);
        if (k == "additionalProperties") return check_additional_properties(v, s, arg, depth);
        if (k == "additionalItems") return true;  // handled with items
        return true;
      case 'c':
        if (k == "const") return v == arg || fail("must equal " + short_dump(arg));
        return true;
      case 'e':
        if (k == "enum") return check_enum(v, arg);
        if (k == "exclusiveMinimum") return arg.is_boolean() || check_bound(v, arg, false, true);
        if (k == "exclusiveMaximum") return arg.is_boolean() || check_bound(v, arg, true, true);
        return true;
      case 'i':
        if (k == "items") return check_items(v, s, arg, depth);
        if (k == "if") return check_if(v, s, arg, depth);
        return true;
      case 'm':
        return check_m_keyword(v, s, k, arg);
      case 'n':
        if (k == "not") return check_not(v, arg, depth);
        return true;
      case 'o':
        if (k == "oneOf") return check_one_of(v, arg, depth);
        return true;
      case 'p':
        if (k == "properties") return check_properties(v, arg, depth);
        if (k == "prefixItems") return check_prefix_items(v, arg, depth);
        return true;
      case 'r':
        if (k == "required") return check_required(v, arg);
        return true;
      case 'u':
        if (k == "uniqueItems") return check_unique(v, arg);
        return true;
      default:
        return true;
    }
  }

  bool check_m_keyword(const Json& v, const Json& s, const std::string& k, const Json& arg) {
    if (k == "minimum" || k == "maximum") {
      const bool is_max = k == "maximum";
      auto ex = s.find(is_max ? "exclusiveMaximum" : "exclusiveMinimum");
      const bool exclusive = ex != s.end() && ex->is_boolean() && ex->get<bool>();  // draft 4
      return check_bound(v, arg, is_max, exclusive);
    }
    if (k == "multipleOf") return check_multiple_of(v, arg);
    if (k == "minLength" || k == "maxLength") {
      if (!v.is_string()) return true;
      if (!arg.is_number_unsigned() && !is_integral_number(arg)) return bad_schema(k + " must be an integer");
      const double limit = arg.get<double>();
      const double len = static_cast<double>(utf8_length(v.get_ref<const std::string&>()));
      if (k == "minLength" && len < limit)
        return fail("must be at least " + short_dump(arg) + " characters long");
      if (k == "maxLength" && len > limit)
        return fail("must be at most " + short_dump(arg) + " characters long");
      return true;
    }
    if (k == "minItems" || k == "maxItems" || k == "minProperties" || k == "maxProperties") {
      const bool items = k[3] == 'I';
      if (items ? !v.is_array() : !v.is_object()) return true;
      if (!is_integral_number(arg)) return bad_schema(k + " must be an integer");
      const double limit = arg.get<double>();
      const double n = static_cast<double>(v.size());
      const char* what = items ? " items" : " properties";
      if (k[1] == 'i' && n < limit) return fail("must have at least " + short_dump(arg) + what);
      if (k[1] == 'a' && n > limit) return fail("must have at most " + short_dump(arg) + what);
      return true;
    }
    return true;
  }

  bool check_bound(const Json& v, const Json& bound, bool is_max, bool exclusive) {
    if (!v.is_number()) return true;
    if (!bound.is_number()) return bad_schema("numeric bounds must be numbers");
    // nlohmann compares integers exactly and mixes integer/float numerically.
    bool ok = is_max ? (exclusive ? v < bound : v <= bound) : (exclusive ? v > bound : v >= bound);
    if (ok) return true;
    std::string op = is_max ? (exclusive ? "<" : "<=") : (exclusive ? ">" : ">=");
    return fail("must be " + op + " " + short_dump(bound) + ", got " + short_dump(v));
  }

  bool check_multiple_of(const Json& v, const Json& m) {
    if (!v.is_number()) return true;
    if (!m.is_number() || !(m.get<double>() > 0)) return bad_schema("multipleOf must be a positive number");
    bool ok;
    if (v.is_number_integer() && m.is_number_integer() && !v.is_number_unsigned() &&
        !m.is_number_unsigned()) {
      ok = v.get<int64_t>() % m.get<int64_t>() == 0;
    } else {
      double q = v.get<double>() / m.get<double>();
      ok = std::isfinite(q) && std::fabs(q - std::round(q)) <= 1e-9 * std::max(1.0, std::fabs(q));
    }
    return ok || fail("must be a multiple of " + short_dump(m));
  }

  bool check_enum(const Json& v, const Json& values) {
    if (!values.is_array()) return bad_schema("enum must be an array");
    for (const auto& one : values) {
      if (one == v) return true;
    }
    std::string list;
    size_t shown = 0;
    for (const auto& one : values) {
      if (shown++ == 10) {
        list += ", ...";
        break;
      }
      if (!list.empty()) list += ", ";
      list += short_dump(one, 40);
    }
    return fail("must be one of " + list + ", got " + short_dump(v));
  }

  bool check_required(const Json& v, const Json& names) {
    if (!names.is_array()) return bad_schema("required must be an array of strings");
    if (!v.is_object()) return true;
    for (const auto& n : names) {
      if (!n.is_string()) return bad_schema("required must be an array of strings");
      if (!v.contains(n.get_ref<const std::string&>())) {
        return fail("missing required property " + short_dump(n));
      }
    }
    return true;
  }

  bool check_properties(const Json& v, const Json& props, size_t depth) {
    if (!props.is_object()) return bad_schema("properties must be an object");
    if (!v.is_object()) return true;
    // Walk the smaller side: tool arguments usually have fewer members than the schema has properties.
    if (v.size() <= props.size()) {
      for (auto it = v.begin(); it != v.end(); ++it) {
        auto p = props.find(it.key());
        if (p != props.end() && !child(it.value(), *p, depth, std::string_view(it.key()))) return false;
      }
    } else {
      for (auto p = props.begin(); p != props.end(); ++p) {
        auto it = v.find(p.key());
        if (it != v.end() && !child(*it, p.value(), depth, std::string_view(p.key()))) return false;
      }
    }
    return true;
  }

  bool check_additional_properties(const Json& v, const Json& s, const Json& extra, size_t depth) {
    if (!v.is_object()) return true;
    if (s.contains("patternProperties"))
      return true;  // unsupported: cannot tell which members are "additional"
    auto props = s.find("properties");
    const bool have_props = props != s.end() && props->is_object();
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (have_props && props->contains(it.key())) continue;
      if (extra.is_boolean() && !extra.get<bool>()) {
        const size_t len = path_.size();
        detail::append_key_to_path(path_, it.key());
        fail("property is not allowed (the schema admits no additional properties)");
        path_.resize(len);
        return false;
      }
      if (!child(it.value(), extra, depth, std::string_view(it.key()))) return false;
    }
    return true;
  }

  bool check_items(const Json& v, const Json& s, const Json& items, size_t depth) {
    if (!v.is_array()) return true;
    size_t start = 0;
    if (items.is_array()) {  // draft 4-7 tuple form
      for (; start < items.size() && start < v.size(); ++start) {
        if (!child(v[start], items[start], depth, start)) return false;
      }
      auto extra = s.find("additionalItems");
      if (extra == s.end()) return true;
      for (size_t i = start; i < v.size(); ++i) {
        if (!child(v[i], *extra, depth, i)) return false;
      }
      return true;
    }
    if (auto prefix = s.find("prefixItems"); prefix != s.end() && prefix->is_array()) start = prefix->size();
    for (size_t i = start; i < v.size(); ++i) {
      if (!child(v[i], items, depth, i)) return false;
    }
    return true;
  }

  bool check_prefix_items(const Json& v, const Json& prefix, size_t depth) {
    if (!prefix.is_array()) return bad_schema("prefixItems must be an array");
    if (!v.is_array()) return true;
    for (size_t i = 0; i < prefix.size() && i < v.size(); ++i) {
      if (!child(v[i], prefix[i], depth, i)) return false;
    }
    return true;
  }

  bool check_unique(const Json& v, const Json& flag) {
    if (!v.is_array() || !flag.is_boolean() || !flag.get<bool>()) return true;
    std::set<Json> seen;
    for (const auto& item : v) {
      if (!seen.insert(item).second) return fail("items must be unique; " + short_dump(item) + " repeats");
    }
    return true;
  }

  // Evaluates a subschema where failure is an expected outcome; the error stays in error_.
  bool attempt(const Json& v, const Json& s, size_t depth) {
    error_.clear();
    return check(v, s, depth + 1);
  }

  bool check_any_of(const Json& v, const Json& list, size_t depth) {
    if (!list.is_array() || list.empty()) return bad_schema("anyOf must be a non-empty array");
    std::string errors;
    for (size_t i = 0; i < list.size(); ++i) {
      if (attempt(v, list[i], depth)) return true;
      if (fatal_) return false;
      append_branch_error(errors, i);
    }
    return fail("matches none of the anyOf alternatives: " + errors);
  }

  bool check_one_of(const Json& v, const Json& list, size_t depth) {
    if (!list.is_array() || list.empty()) return bad_schema("oneOf must be a non-empty array");
    std::string errors;
    int first = -1;
    for (size_t i = 0; i < list.size(); ++i) {
      if (attempt(v, list[i], depth)) {
        if (first >= 0) {
          return fail("matches more than one oneOf alternative (" + std::to_string(first) + " and " +
                      std::to_string(i) + ")");
        }
        first = static_cast<int>(i);
      } else {
        if (fatal_) return false;
        append_branch_error(errors, i);
      }
    }
    if (first >= 0) {
      error_.clear();
      return true;
    }
    return fail("matches none of the oneOf alternatives: " + errors);
  }

  bool check_all_of(const Json& v, const Json& list, size_t depth) {
    if (!list.is_array() || list.empty()) return bad_schema("allOf must be a non-empty array");
    for (const auto& s : list) {
      if (!check(v, s, depth + 1)) return false;
    }
    return true;
  }

  bool check_not(const Json& v, const Json& s, size_t depth) {
    if (attempt(v, s, depth)) return fail("must not match the 'not' schema");
    if (fatal_) return false;
    error_.clear();
    return true;
  }

  bool check_if(const Json& v, const Json& s, const Json& cond, size_t depth) {
    const bool matched = attempt(v, cond, depth);
    if (fatal_) return false;
    error_.clear();
    auto branch = s.find(matched ? "then" : "else");
    if (branch == s.end()) return true;
    return check(v, *branch, depth + 1);
  }

  void append_branch_error(std::string& errors, size_t index) {
    if (errors.size() > options_.max_error_chars) return;
    if (!errors.empty()) errors += "; ";
    errors += "(" + std::to_string(index) + ") ";
    // Nested combinators would otherwise grow messages with every level.
    errors.append(error_, 0, options_.max_error_chars / 2);
  }

  bool check_ref(const Json& v, const Json& ref, size_t depth) {
    if (!ref.is_string()) return bad_schema("$ref must be a string");
    const Json* target = resolve(ref.get_ref<const std::string&>());
    if (!target)
      return fatal("unresolvable $ref \"" + ref.get<std::string>() + "\" (only local refs are supported)");
    return check(v, *target, depth + 1);
  }

  // A JSON pointer in the root document: "#", "#/$defs/Name", "#/definitions/A/properties/b", "#/items/0".
  const Json* resolve(const std::string& ref) const {
    if (ref.empty() || ref[0] != '#') return nullptr;
    std::string_view pointer(ref);
    pointer.remove_prefix(1);
    const Json* node = &root_;
    while (!pointer.empty()) {
      if (pointer[0] != '/') return nullptr;
      pointer.remove_prefix(1);
      size_t end = pointer.find('/');
      std::string token;
      for (size_t i = 0; i < std::min(end, pointer.size()); ++i) {
        if (pointer[i] == '~' && i + 1 < pointer.size() && (pointer[i + 1] == '0' || pointer[i + 1] == '1')) {
          token += pointer[i + 1] == '0' ? '~' : '/';
          ++i;
        } else {
          token += pointer[i];
        }
      }
      pointer.remove_prefix(std::min(end, pointer.size()));
      if (node->is_object()) {
        auto it = node->find(token);
        if (it == node->end()) return nullptr;
        node = &*it;
      } else if (node->is_array()) {
        size_t index = 0;
        auto [p, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
        if (ec != std::errc() || p != token.data() + token.size() || index >= node->size()) return nullptr;
        node = &(*node)[index];
      } else {
        return nullptr;
      }
    }
    return node;
  }

  const Json& root_;
  const ValidateOptions& options_;
  std::string path_ = "$";
  std::string error_;
  size_t steps_ = 0;
  bool fatal_ = false;
};

}  // namespace

Result<void> validate(const Json& value, const Json& schema, const ValidateOptions& options) {
  try {
    return Validator(schema, options).run(value);
  } catch (const std::exception& e) {
    // Only allocation failure can get here; validate() never throws.
    return make_error(ErrorCode::schema, std::string("validation failed: ") + e.what());
  }
}

std::string_view json_type_name(const Json& value) noexcept {
  return detail::type_name_of(value);
}

}  // namespace alith::agent
