// The YAML side of workflow files: positions, problems, known keys, typed scalars and values.

#include "flow/yaml/document.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <map>
#include <set>

namespace alith::flow::yaml {
namespace {

bool is_null_text(std::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

std::optional<bool> bool_text(std::string_view s) {
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  return std::nullopt;
}

std::optional<int64_t> int_text(std::string_view s) {
  int base = 10;
  bool negative = false;
  std::string_view digits = s;
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'o')) {
    if (digits.data() != s.data()) return std::nullopt;  // YAML 1.2: no sign on hex and octal
    base = digits[1] == 'x' ? 16 : 8;
    digits.remove_prefix(2);
  }
  if (digits.empty()) return std::nullopt;
  uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  constexpr auto max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (!negative && magnitude > max) return std::nullopt;
  if (negative && magnitude > max + 1) return std::nullopt;
  return negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
}

std::optional<double> float_text(std::string_view s) {
  // YAML 1.2 core: [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?. Infinities and NaN
  // have no JSON form and stay strings.
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  size_t digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  }
  if (digits == 0) return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    size_t exponent = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++exponent;
    if (exponent == 0) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  std::string_view body = s[0] == '+' ? s.substr(1) : s;
  double value = 0;
  auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), value);
  if (ec != std::errc() || end != body.data() + body.size()) return std::nullopt;
  return value;
}

// Optimal string alignment distance (a transposition costs one), capped: names are short.
size_t edit_distance(std::string_view a, std::string_view b) {
  if (a.size() > 64 || b.size() > 64) return std::numeric_limits<size_t>::max();
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

std::string kind_of(const YAML::Node& node) {
  if (node.IsMap()) return "a mapping";
  if (node.IsSequence()) return "a list";
  if (node.IsNull()) return "empty";
  return "'" + node.Scalar() + "'";
}

}  // namespace

Json scalar_json(const YAML::Node& scalar) {
  const std::string& text = scalar.Scalar();
  const std::string& tag = scalar.Tag();
  if (tag == "!" || tag == "tag:yaml.org,2002:str") return text;
  if (is_null_text(text)) return nullptr;
  if (auto b = bool_text(text)) return *b;
  if (auto i = int_text(text)) return *i;
  if (auto f = float_text(text)) return *f;
  return text;
}

std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates) {
  const std::string* best = nullptr;
  size_t best_distance = std::numeric_limits<size_t>::max();
  for (const auto& c : candidates) {
    const size_t d = edit_distance(name, c);
    if (d < best_distance) best = &c, best_distance = d;
  }
  // Close enough to be a typo, and not so short that any word is "close".
  const size_t allowed = name.size() <= 2 ? 0 : name.size() <= 5 ? 1 : 2;
  if (!best || best_distance == 0 || best_distance > allowed) return "";
  return " (did you mean '" + *best + "'?)";
}

std::string list_names(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += i + 1 == names.size() ? " and " : ", ";
    out += names[i];
  }
  return out;
}

Doc::Doc(std::string file, std::string_view text, std::filesystem::path dir, const WorkflowLimits& limits,
         std::vector<WorkflowProblem>& sink)
    : file_(std::move(file)), text_(text), dir_(std::move(dir)), limits_(limits), sink_(sink) {}

void Doc::report(Position at, std::string message) {
  sink_.push_back({file_, at.line, at.column, std::move(message)});
  ++count_;
}
void Doc::report(const YAML::Mark& at, std::string message) {
  report(position(at), std::move(message));
}
void Doc::report(const YAML::Node& at, std::string message) {
  report(at.Mark(), std::move(message));
}
void Doc::report(const Entry& at, std::string message) {
  report(position(at), std::move(message));
}

Position Doc::position(const YAML::Mark& mark) const {
  if (mark.is_null() || mark.line < 0 || mark.column < 0) return {};
  return {mark.line + 1, mark.column + 1};
}

Position Doc::position(const Entry& entry) const {
  if (!entry.value.IsDefined() || entry.value.IsNull()) return position(entry.key_node.Mark());
  return position(entry.value.Mark());
}

std::string Doc::where(const YAML::Node& node) const {
  const Position p = position(node.Mark());
  if (p.line == 0) return file_;
  return file_ + ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
}

std::optional<Position> Doc::inside(const YAML::Node& scalar, size_t offset) const {
  const YAML::Mark mark = scalar.Mark();
  if (!scalar.IsScalar() || mark.is_null() || mark.pos < 0) return std::nullopt;
  const std::string& value = scalar.Scalar();
  if (value.find('\n') != std::string::npos || offset > value.size()) return std::nullopt;
  const auto pos = static_cast<size_t>(mark.pos);
  if (pos >= text_.size()) return std::nullopt;
  size_t start = pos;
  const char first = text_[pos];
  if (first == '"' || first == '\'') {
    // Quoted: exact only when the text between the quotes is the value itself (no escapes).
    start = pos + 1;
    if (text_.size() < start + value.size() + 1 || text_.compare(start, value.size(), value) != 0 ||
        text_[start + value.size()] != first) {
      return std::nullopt;
    }
  } else if (text_.compare(pos, value.size(), value) != 0) {
    return std::nullopt;
  }
  return Position{mark.line + 1, mark.column + 1 + static_cast<int>(start - pos + offset)};
}

void Doc::report_inside(const YAML::Node& scalar, size_t offset, std::string message) {
  if (auto p = inside(scalar, offset)) return report(*p, std::move(message));
  report(scalar, std::move(message) + " (at character " + std::to_string(offset + 1) + " of the value)");
}

std::vector<Entry> Doc::entries(const YAML::Node& node, std::string_view must_be) {
  std::vector<Entry> out;
  if (!node.IsMap()) {
    report(node, std::string(must_be) + ", not " + kind_of(node));
    return out;
  }
  std::set<std::string, std::less<>> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) {
      report(it->first, "a key must be a plain name, not " + kind_of(it->first));
      continue;
    }
    const std::string& key = it->first.Scalar();
    if (!seen.insert(key).second) {
      report(it->first, "'" + key + "' is given twice");
      continue;
    }
    out.push_back({key, it->first, it->second});
  }
  return out;
}

void Doc::check_keys(const std::vector<Entry>& entries, std::initializer_list<std::string_view> known,
                     std::string_view in) {
  std::vector<std::string> names(known.begin(), known.end());
  for (const auto& e : entries) {
    if (std::find(names.begin(), names.end(), e.key) != names.end()) continue;
    report(e.key_node, "unknown key '" + e.key + "'" + std::string(in) + did_you_mean(e.key, names));
  }
}

std::optional<std::string> Doc::string_of(const Entry& entry, std::string_view what) {
  if (entry.value.IsScalar()) return entry.value.Scalar();
  report(entry, "'" + std::string(what) + "' must be a string, not " + kind_of(entry.value));
  return std::nullopt;
}

std::optional<int64_t> Doc::int_of(const Entry& entry, std::string_view what, int64_t min, int64_t max) {
  if (entry.value.IsScalar()) {
    const Json value = scalar_json(entry.value);
    if (value.is_number_integer() && value.get<int64_t>() >= min && value.get<int64_t>() <= max)
      return value.get<int64_t>();
  }
  report(entry, "'" + std::string(what) + "' must be an integer from " + std::to_string(min) + " to " +
                    std::to_string(max) + ", not " + kind_of(entry.value));
  return std::nullopt;
}

std::optional<double> Doc::number_of(const Entry& entry, std::string_view what) {
  if (entry.value.IsScalar()) {
    const Json value = scalar_json(entry.value);
    if (value.is_number()) return value.get<double>();
  }
  report(entry, "'" + std::string(what) + "' must be a number, not " + kind_of(entry.value));
  return std::nullopt;
}

std::optional<bool> Doc::bool_of(const Entry& entry, std::string_view what) {
  if (entry.value.IsScalar()) {
    const Json value = scalar_json(entry.value);
    if (value.is_boolean()) return value.get<bool>();
  }
  report(entry, "'" + std::string(what) + "' must be true or false, not " + kind_of(entry.value));
  return std::nullopt;
}

std::optional<std::vector<std::string>> Doc::strings_of(const Entry& entry, std::string_view what) {
  if (entry.value.IsScalar()) return std::vector<std::string>{entry.value.Scalar()};
  if (entry.value.IsSequence()) {
    std::vector<std::string> out;
    bool ok = true;
    for (const auto& item : entry.value) {
      if (out.size() >= limits_.max_edges) break;  // bounds a list repeated through aliases
      if (item.IsScalar()) {
        out.push_back(item.Scalar());
      } else {
        report(item, "'" + std::string(what) + "' must list names, not " + kind_of(item));
        ok = false;
      }
    }
    if (ok) return out;
    return std::nullopt;
  }
  report(entry, "'" + std::string(what) + "' must be a name or a list of names, not " + kind_of(entry.value));
  return std::nullopt;
}

std::optional<Json> Doc::json_of(const YAML::Node& node, const StringVisitor& on_string) {
  Json out;
  Json::json_pointer at;
  if (convert(node, out, at, 0, on_string)) return out;
  if (value_nodes_ > limits_.max_value_nodes && !value_budget_reported_) {
    value_budget_reported_ = true;
    report(node, "the file's values have more than " + std::to_string(limits_.max_value_nodes) +
                     " elements (counting each use of an alias)");
  }
  return std::nullopt;
}

bool Doc::convert(const YAML::Node& node, Json& out, Json::json_pointer& at, size_t depth,
                  const StringVisitor& on_string) {
  if (++value_nodes_ > limits_.max_value_nodes) return false;  // json_of reports it, at the whole value
  if (depth > limits_.max_value_depth) {
    report(node, "a value is nested deeper than " + std::to_string(limits_.max_value_depth) + " levels");
    return false;
  }
  if (node.IsScalar()) {
    out = scalar_json(node);
    if (out.is_string() && on_string) on_string(node, at);
    return true;
  }
  if (node.IsSequence()) {
    out = Json::array();
    size_t index = 0;
    for (const auto& item : node) {
      Json value;
      at.push_back(std::to_string(index++));
      const bool ok = convert(item, value, at, depth + 1, on_string);
      at.pop_back();
      if (!ok) return false;
      out.push_back(std::move(value));
    }
    return true;
  }
  if (node.IsMap()) {
    out = Json::object();
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (!it->first.IsScalar()) {
        report(it->first, "a key must be a plain name, not " + kind_of(it->first));
        return false;
      }
      const std::string& key = it->first.Scalar();
      if (out.contains(key)) {
        report(it->first, "'" + key + "' is given twice");
        return false;
      }
      Json value;
      at.push_back(key);
      const bool ok = convert(it->second, value, at, depth + 1, on_string);
      at.pop_back();
      if (!ok) return false;
      out[key] = std::move(value);
    }
    return true;
  }
  out = nullptr;
  return true;
}

}  // namespace alith::flow::yaml
