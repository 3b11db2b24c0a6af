#pragma once

// Reading one workflow file's YAML: where things are (1-based positions, also inside a scalar), the problems
// found so far, mappings with known keys, and typed scalars and values. Every reader reports and goes on, so
// a file's problems all come out of one pass.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alith/core/json.h"
#include "alith/flow/yaml.h"

namespace alith::flow::yaml {

struct Position {
  int line = 0;  // 1-based; 0: unknown
  int column = 0;
};

// One key of a mapping with its value, in file order.
struct Entry {
  std::string key;
  YAML::Node key_node;
  YAML::Node value;
};

class Doc {
 public:
  // file: the name problems show; text: the file's bytes; dir: where relative paths in it resolve.
  Doc(std::string file, std::string_view text, std::filesystem::path dir, const WorkflowLimits& limits,
      std::vector<WorkflowProblem>& sink);

  const std::string& file() const noexcept { return file_; }
  const std::filesystem::path& dir() const noexcept { return dir_; }
  const WorkflowLimits& limits() const noexcept { return limits_; }
  // Problems this file has reported so far.
  size_t problems() const noexcept { return count_; }

  void report(Position at, std::string message);
  void report(const YAML::Mark& at, std::string message);
  void report(const YAML::Node& at, std::string message);
  // At the entry's value, or at its key when the value is empty (yaml-cpp gives an empty value the mark of
  // whatever follows it).
  void report(const Entry& at, std::string message);

  Position position(const YAML::Mark& mark) const;
  Position position(const Entry& entry) const;
  // "file:line:col" of a node, for run-time errors.
  std::string where(const YAML::Node& node) const;
  // Where byte `offset` of a scalar's value lies in the file: exact when the value is the file's text
  // verbatim (a plain or quoted scalar on one line without escapes); nullopt otherwise.
  std::optional<Position> inside(const YAML::Node& scalar, size_t offset) const;
  // Reports a problem at byte `offset` of a scalar's value: there when inside() knows the place, else at the
  // scalar with the offset in the message.
  void report_inside(const YAML::Node& scalar, size_t offset, std::string message);

  // The entries of a mapping. Reports (and skips) keys that are not scalars and keys given twice; a node
  // that is not a mapping is reported with `must_be` ("'nodes' must be a mapping of node names to nodes").
  std::vector<Entry> entries(const YAML::Node& node, std::string_view must_be);
  // Reports every entry whose key is not among known: "unknown key 'promt' in node 'write' (did you mean
  // 'prompt'?)"; `in` is " in node 'write'" or empty.
  void check_keys(const std::vector<Entry>& entries, std::initializer_list<std::string_view> known,
                  std::string_view in);

  // Typed values; each reports "'<what>' must be ..." and gives nullopt on a mismatch. A string is any
  // scalar's text (YAML's `yes` or `3` are strings too where a string is asked for).
  std::optional<std::string> string_of(const Entry& entry, std::string_view what);
  std::optional<int64_t> int_of(const Entry& entry, std::string_view what, int64_t min, int64_t max);
  std::optional<double> number_of(const Entry& entry, std::string_view what);
  std::optional<bool> bool_of(const Entry& entry, std::string_view what);
  // A list of strings (or one string, as a list of one).
  std::optional<std::vector<std::string>> strings_of(const Entry& entry, std::string_view what);

  // Any YAML value as JSON (scalars typed by YAML 1.2's core schema; quoted scalars are strings). Bounded by
  // the limits' nesting depth and total node count (aliases can repeat a subtree many times). on_string sees
  // every string scalar with its JSON pointer, for templates.
  using StringVisitor = std::function<void(const YAML::Node& scalar, const Json::json_pointer& at)>;
  std::optional<Json> json_of(const YAML::Node& node, const StringVisitor& on_string = {});

 private:
  bool convert(const YAML::Node& node, Json& out, Json::json_pointer& at, size_t depth,
               const StringVisitor& on_string);

  std::string file_;
  std::string_view text_;
  std::filesystem::path dir_;
  const WorkflowLimits& limits_;
  std::vector<WorkflowProblem>& sink_;
  size_t count_ = 0;
  size_t value_nodes_ = 0;
  bool value_budget_reported_ = false;
};

// A scalar as YAML 1.2's core schema types it (null, bool, int, float, else a string); quoted and explicitly
// `!!str` scalars are strings.
Json scalar_json(const YAML::Node& scalar);

// " (did you mean 'x'?)" for the closest candidate within a small edit distance, else "".
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

// "a, b and c" for messages.
std::string list_names(const std::vector<std::string>& names);

}  // namespace alith::flow::yaml
