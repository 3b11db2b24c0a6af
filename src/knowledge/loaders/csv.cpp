// CSV and TSV (RFC 4180): one Document per row.

#include <charconv>
#include <set>
#include <string>
#include <vector>

#include "formats.h"

namespace alith::knowledge::detail {

namespace {

struct Record {
  std::vector<std::string> fields;
  size_t line_begin = 0;
  size_t line_end = 0;
};

// Reads records one at a time. Quoted fields may hold delimiters, doubled quotes and line breaks; a line ends
// at "\n" or "\r\n". A quote inside an unquoted field is kept as a character (common in TSV); anything but a
// delimiter or a line end after a closing quote is an error.
class CsvReader {
 public:
  CsvReader(std::string_view text, char delimiter, const std::string& source)
      : text_(text), delimiter_(delimiter), source_(source) {}

  bool next(Record& record) {
    skip_empty_lines();
    if (pos_ >= text_.size()) return false;
    record.fields.clear();
    record.line_begin = line_;
    while (true) {
      std::string field;
      if (text_[pos_] == '"') {
        quoted(field);
      } else {
        unquoted(field);
      }
      record.fields.push_back(std::move(field));
      if (pos_ < text_.size() && text_[pos_] == delimiter_) {
        ++pos_;
        if (pos_ >= text_.size()) {  // "a,b," at the very end: one more empty field
          record.fields.emplace_back();
          record.line_end = line_;
          break;
        }
        continue;
      }
      record.line_end = line_;
      end_of_line();
      break;
    }
    return true;
  }

 private:
  bool at_line_end() const {
    return pos_ >= text_.size() || text_[pos_] == '\n' ||
           (text_[pos_] == '\r' && (pos_ + 1 == text_.size() || text_[pos_ + 1] == '\n'));
  }
  void end_of_line() {
    if (pos_ < text_.size() && text_[pos_] == '\r') ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '\n') {
      ++pos_;
      ++line_;
    }
  }
  void skip_empty_lines() {
    while (pos_ < text_.size() && at_line_end()) end_of_line();
  }
  void unquoted(std::string& field) {
    const size_t begin = pos_;
    while (pos_ < text_.size() && text_[pos_] != delimiter_ && !at_line_end()) ++pos_;
    field.assign(text_.substr(begin, pos_ - begin));
  }
  void quoted(std::string& field) {
    const size_t opened_at = line_;
    ++pos_;
    while (true) {
      const size_t quote = text_.find('"', pos_);
      if (quote == std::string_view::npos)
        throw ParseError(source_ + ":" + std::to_string(opened_at) + ": unterminated quoted field", pos_);
      const std::string_view run = text_.substr(pos_, quote - pos_);
      for (char c : run)
        if (c == '\n') ++line_;
      field.append(run);
      pos_ = quote + 1;
      if (pos_ < text_.size() && text_[pos_] == '"') {  // "" is one quote
        field += '"';
        ++pos_;
        continue;
      }
      break;
    }
    if (!(pos_ < text_.size() && text_[pos_] == delimiter_) && !at_line_end())
      throw ParseError(source_ + ":" + std::to_string(line_) + ": unexpected character after a closing quote",
                       pos_);
  }

  std::string_view text_;
  char delimiter_;
  const std::string& source_;
  size_t pos_ = 0;
  size_t line_ = 1;
};

size_t column_index(const std::vector<std::string>& names, const std::string& name,
                    const std::string& source) {
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return i;
  std::string known;
  for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
  throw InvalidArgumentError(source + ": no column '" + name + "' (columns: " + known + ")");
}

}  // namespace

Json scalar_value(const std::string& text) {
  // The JSON number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
  const std::string_view s = text;
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  const auto digits = [&] {
    const size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i - start;
  };
  if (i >= s.size()) return text;
  if (s[i] == '0') {
    ++i;
  } else if (digits() == 0) {
    return text;
  }
  bool integral = true;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (digits() == 0) return text;
    integral = false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (digits() == 0) return text;
    integral = false;
  }
  if (i != s.size()) return text;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (integral) {
    int64_t v = 0;
    if (auto r = std::from_chars(first, last, v); r.ec == std::errc() && r.ptr == last) return v;
  }
  double d = 0;
  if (auto r = std::from_chars(first, last, d); r.ec == std::errc() && r.ptr == last) return d;
  return text;  // out of range (1e999): keep what was written
}

std::vector<Document> load_csv(std::string_view bytes, const std::string& source, const CsvOptions& options,
                               char delimiter) {
  const std::string text = decode_text(bytes, source);
  CsvReader reader(text, delimiter, source);
  std::vector<Document> docs;
  Record record;
  if (!reader.next(record)) return docs;

  std::vector<std::string> names;
  bool pending = false;  // the first record is a data row (no header)
  if (options.header) {
    names = record.fields;
  } else {
    for (size_t i = 0; i < record.fields.size(); ++i) names.push_back(std::to_string(i + 1));
    pending = true;
  }
  const size_t width = names.size();
  const bool one_column = !options.text_column.empty();
  const size_t text_col = one_column ? column_index(names, options.text_column, source) : 0;
  const bool has_id = !options.id_column.empty();
  const size_t id_col = has_id ? column_index(names, options.id_column, source) : 0;
  std::vector<size_t> meta_cols;
  for (const auto& name : options.metadata_columns) meta_cols.push_back(column_index(names, name, source));

  std::set<std::string> ids;
  size_t row = 0;
  while (pending || reader.next(record)) {
    pending = false;
    if (record.fields.size() != width) {
      throw ParseError(source + ":" + std::to_string(record.line_begin) + ": row has " +
                       std::to_string(record.fields.size()) + " fields, expected " + std::to_string(width));
    }
    ++row;
    Document doc;
    doc.source = source;
    doc.id = source + "#" + std::to_string(row);
    if (has_id && !record.fields[id_col].empty()) {
      doc.id = source + "#" + record.fields[id_col];
      if (!ids.insert(record.fields[id_col]).second)
        throw ParseError(source + ":" + std::to_string(record.line_begin) + ": duplicate id '" +
                         record.fields[id_col] + "' in column '" + options.id_column + "'");
    }
    if (one_column) {
      doc.text = record.fields[text_col];
    } else {
      for (size_t i = 0; i < width; ++i) {
        if (i > 0) doc.text += '\n';
        doc.text.append(names[i]).append(": ").append(record.fields[i]);
      }
    }
    doc.metadata["format"] = "csv";
    doc.metadata["row"] = row;
    doc.metadata["line"] = record.line_begin;
    doc.metadata["line_end"] = record.line_end;
    for (size_t k = 0; k < meta_cols.size(); ++k)
      doc.metadata[options.metadata_columns[k]] = scalar_value(record.fields[meta_cols[k]]);
    docs.push_back(std::move(doc));
  }
  return docs;
}

}  // namespace alith::knowledge::detail
