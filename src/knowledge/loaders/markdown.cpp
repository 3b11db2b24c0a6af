// Markdown: the file as text, its YAML front matter as metadata, its first heading as the title.

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <string>
#include <vector>

#include "formats.h"

namespace alith::knowledge::detail {

namespace {

constexpr size_t kMaxYamlValues = 10000;  // aliases can make a small file expand exponentially
constexpr size_t kMaxYamlDepth = 64;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t at = 0;
  while (at <= text.size()) {
    const size_t nl = text.find('\n', at);
    if (nl == std::string_view::npos) {
      if (at < text.size()) lines.push_back(text.substr(at));
      break;
    }
    lines.push_back(text.substr(at, nl - at));
    at = nl + 1;
  }
  return lines;
}

bool is_int(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

bool is_float(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  size_t i = 0, digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    const size_t exp_start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == exp_start) return false;
  }
  return i == s.size();
}

// A plain scalar by the YAML 1.2 core schema (infinities and NaN stay strings: JSON has no such numbers).
Json plain_scalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  const char* first = s.data() + (s[0] == '+' ? 1 : 0);
  const char* last = s.data() + s.size();
  if (is_int(s)) {
    int64_t v = 0;
    if (auto r = std::from_chars(first, last, v); r.ec == std::errc() && r.ptr == last) return v;
  }
  if (is_float(s)) {
    double v = 0;
    if (auto r = std::from_chars(first, last, v); r.ec == std::errc() && r.ptr == last) return v;
  }
  return s;
}

class YamlToJson {
 public:
  explicit YamlToJson(size_t file_line) : file_line_(file_line) {}

  Json convert(const YAML::Node& node, size_t depth = 0) {
    if (++count_ > kMaxYamlValues || depth > kMaxYamlDepth)
      fail(node, "front matter is too large or too deeply nested");
    switch (node.Type()) {
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        return nullptr;
      case YAML::NodeType::Scalar:
        // A quoted scalar carries the tag "!": it stays a string.
        return node.Tag() == "!" ? Json(node.Scalar()) : plain_scalar(node.Scalar());
      case YAML::NodeType::Sequence: {
        Json out = Json::array();
        for (const auto& item : node) out.push_back(convert(item, depth + 1));
        return out;
      }
      case YAML::NodeType::Map: {
        Json out = Json::object();
        for (const auto& kv : node) {
          if (!kv.first.IsScalar()) fail(kv.first, "front matter keys must be scalars");
          out[kv.first.Scalar()] = convert(kv.second, depth + 1);
        }
        return out;
      }
    }
    return nullptr;
  }

  [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const {
    const YAML::Mark mark = node.Mark();
    const size_t line = file_line_ + (mark.is_null() ? 0 : static_cast<size_t>(mark.line));
    throw ParseError("line " + std::to_string(line) + ": " + message);
  }

 private:
  size_t file_line_;  // the file line of the YAML's first line
  size_t count_ = 0;
};

// The heading text of an ATX heading line ("# Title #"), if it is a level-1 one.
std::optional<std::string_view> atx_h1(std::string_view line) {
  size_t indent = 0;
  while (indent < line.size() && indent < 4 && line[indent] == ' ') ++indent;
  if (indent > 3) return std::nullopt;
  line.remove_prefix(indent);
  if (line.size() < 2 || line[0] != '#' || (line[1] != ' ' && line[1] != '\t')) return std::nullopt;
  std::string_view text = trim(line.substr(2));
  // An optional closing sequence of '#' counts only after a space.
  const size_t hashes = text.find_last_not_of('#');
  if (hashes == std::string_view::npos) return std::nullopt;
  if (hashes + 1 < text.size() && (text[hashes] == ' ' || text[hashes] == '\t'))
    text = trim(text.substr(0, hashes));
  if (text.empty()) return std::nullopt;
  return text;
}

bool is_setext_h1_underline(std::string_view line) {
  line = trim(line);
  return !line.empty() && line.find_first_not_of('=') == std::string_view::npos;
}

bool is_fence(std::string_view line) {
  line = trim(line);
  return line.starts_with("```") || line.starts_with("~~~");
}

std::optional<std::string> first_heading(const std::vector<std::string_view>& lines, size_t from) {
  bool in_fence = false;
  for (size_t i = from; i < lines.size(); ++i) {
    if (is_fence(lines[i])) {
      in_fence = !in_fence;
      continue;
    }
    if (in_fence) continue;
    if (auto h = atx_h1(lines[i])) return std::string(*h);
    const std::string_view text = trim(lines[i]);
    if (!text.empty() && !text.starts_with('#') && i + 1 < lines.size() &&
        is_setext_h1_underline(lines[i + 1]))
      return std::string(text);
  }
  return std::nullopt;
}

}  // namespace

std::vector<Document> load_markdown(std::string_view bytes, const std::string& source) {
  Document doc;
  doc.id = source;
  doc.source = source;
  doc.text = decode_text(bytes, source);
  doc.metadata["format"] = "markdown";
  const std::vector<std::string_view> lines = split_lines(doc.text);

  size_t body_from = 0;  // the first line after the front matter
  if (!lines.empty() && trim(lines[0]) == "---") {
    for (size_t i = 1; i < lines.size(); ++i) {
      const std::string_view l = trim(lines[i]);
      if (l != "---" && l != "...") continue;
      const size_t yaml_begin = static_cast<size_t>(lines[1].data() - doc.text.data());
      const size_t yaml_end = static_cast<size_t>(lines[i].data() - doc.text.data());
      const std::string yaml = doc.text.substr(yaml_begin, yaml_end - yaml_begin);
      YamlToJson converter(2);
      Json front;
      try {
        front = converter.convert(YAML::Load(yaml));
      } catch (const YAML::Exception& e) {
        const size_t line = 2 + (e.mark.is_null() ? 0 : static_cast<size_t>(e.mark.line));
        throw ParseError(source + ":" + std::to_string(line) + ": front matter: " + e.msg);
      } catch (const ParseError& e) {
        throw ParseError(source + ": " + e.what());
      }
      if (!front.is_null() && !front.is_object())
        throw ParseError(source + ":2: front matter must be a mapping");
      if (front.is_object()) {
        for (auto& [key, value] : front.items()) {
          if (key == "format") continue;  // the loader's own fact
          doc.metadata[key] = value;
        }
      }
      body_from = i + 1;
      // Keep line numbers: the front matter becomes as many empty lines as it had.
      const size_t body_offset =
          i + 1 < lines.size() ? static_cast<size_t>(lines[i + 1].data() - doc.text.data()) : doc.text.size();
      // (Counted, not i + 1: a closing line at the very end of the file has no newline of its own; found by
      // markdown_loader_fuzz.)
      const auto newlines =
          std::count(doc.text.begin(), doc.text.begin() + static_cast<std::ptrdiff_t>(body_offset), '\n');
      doc.text.replace(0, body_offset, std::string(static_cast<size_t>(newlines), '\n'));
      break;
    }
  }
  const bool has_title = doc.metadata.contains("title") && doc.metadata["title"].is_string() &&
                         !doc.metadata["title"].get_ref<const std::string&>().empty();
  if (!has_title) {
    // Split again: replace() invalidated the views.
    const std::vector<std::string_view> body = split_lines(doc.text);
    if (auto title = first_heading(body, body_from)) doc.metadata["title"] = *title;
  }
  return {std::move(doc)};
}

}  // namespace alith::knowledge::detail
