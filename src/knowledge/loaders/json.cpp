// JSON and JSON Lines: one Document per record, fields chosen by JSON pointers.

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "formats.h"

namespace alith::knowledge::detail {

namespace {

constexpr size_t kMaxDepth = 128;

// A field of a record: a JSON pointer ("/a/b") or a top-level key ("a").
class Field {
 public:
  Field(const std::string& spec, const std::string& source) : spec_(spec) {
    if (!spec.starts_with('/')) return;
    try {
      pointer_ = Json::json_pointer(spec);
    } catch (const nlohmann::json::exception& e) {
      throw InvalidArgumentError(source + ": malformed JSON pointer '" + spec + "': " + e.what());
    }
  }

  // The value in v, or nullptr when v has none there.
  const Json* find(const Json& v) const {
    if (!pointer_) {
      if (!v.is_object()) return nullptr;
      const auto it = v.find(spec_);
      return it == v.end() ? nullptr : &*it;
    }
    try {
      if (!v.contains(*pointer_)) return nullptr;
      return &v.at(*pointer_);
    } catch (const nlohmann::json::exception&) {  // e.g. "/-" or a non-numeric index into an array
      return nullptr;
    }
  }

  const std::string& spec() const { return spec_; }
  // The metadata key: the field as given without a leading '/'.
  std::string key() const { return pointer_ ? spec_.substr(1) : spec_; }

 private:
  std::string spec_;
  std::optional<Json::json_pointer> pointer_;
};

class RecordMapper {
 public:
  RecordMapper(const JsonOptions& options, const std::string& source, std::string format)
      : source_(source), format_(std::move(format)) {
    if (!options.text_field.empty()) text_.emplace(options.text_field, source);
    if (!options.id_field.empty()) id_.emplace(options.id_field, source);
    for (const auto& f : options.metadata_fields) metadata_.emplace_back(f, source);
  }

  // where: "record 3" or "line 7", for messages; number: the id suffix used without an id field.
  Document map(const Json& record, const std::string& where, std::optional<size_t> number,
               const char* number_key) {
    Document doc;
    doc.source = source_;
    doc.id = number ? source_ + "#" + std::to_string(*number) : source_;
    if (!text_) {
      doc.text = record.is_string() ? record.get<std::string>() : dump_json(record);
    } else {
      const Json* v = text_->find(record);
      if (!v) throw ParseError(source_ + ": " + where + " has no field '" + text_->spec() + "'");
      doc.text = v->is_string() ? v->get<std::string>() : v->is_null() ? std::string() : dump_json(*v);
    }
    if (id_) {
      if (const Json* v = id_->find(record); v && (v->is_string() || v->is_number())) {
        const std::string id = v->is_string() ? v->get<std::string>() : dump_json(*v);
        if (!id.empty()) {
          if (!ids_.insert(id).second)
            throw ParseError(source_ + ": " + where + ": duplicate id '" + id + "' in field '" + id_->spec() +
                             "'");
          doc.id = source_ + "#" + id;
        }
      }
    }
    doc.metadata["format"] = format_;
    if (number) doc.metadata[number_key] = *number;
    for (const auto& field : metadata_)
      if (const Json* v = field.find(record)) doc.metadata[field.key()] = *v;
    return doc;
  }

 private:
  const std::string& source_;
  std::string format_;
  std::optional<Field> text_;
  std::optional<Field> id_;
  std::vector<Field> metadata_;
  std::set<std::string> ids_;
};

size_t line_of(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<size_t>(
                 std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

}  // namespace

std::vector<Document> load_json(std::string_view bytes, const std::string& source,
                                const JsonOptions& options) {
  const std::string text = decode_text(bytes, source);
  RecordMapper mapper(options, source, "json");
  std::optional<Field> records_at;
  if (!options.records.empty()) records_at.emplace(options.records, source);
  auto parsed = parse_json(text, kMaxDepth);
  if (!parsed) {
    const auto& e = parsed.error();
    const size_t line = line_of(text, e.offset.value_or(0));
    throw ParseError(source + ":" + std::to_string(line) + ": " + e.message, e.offset);
  }
  const Json& root = *parsed;
  const Json* records = &root;
  if (records_at) {
    records = records_at->find(root);
    if (!records) throw ParseError(source + ": no records at '" + options.records + "'");
    if (!records->is_array()) throw ParseError(source + ": '" + options.records + "' is not an array");
  }
  std::vector<Document> docs;
  if (!records->is_array()) {
    docs.push_back(mapper.map(*records, "the record", std::nullopt, ""));
    return docs;
  }
  docs.reserve(records->size());
  for (size_t i = 0; i < records->size(); ++i)
    docs.push_back(mapper.map((*records)[i], "record " + std::to_string(i), i, "index"));
  return docs;
}

std::vector<Document> load_jsonl(std::string_view bytes, const std::string& source,
                                 const JsonOptions& options) {
  const std::string text = decode_text(bytes, source);
  RecordMapper mapper(options, source, "jsonl");
  std::vector<Document> docs;
  size_t line = 0;
  for (size_t at = 0; at < text.size();) {
    ++line;
    size_t nl = text.find('\n', at);
    if (nl == std::string::npos) nl = text.size();
    std::string_view content(text.data() + at, nl - at);
    const size_t line_offset = at;
    at = nl + 1;
    if (content.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    auto parsed = parse_json(content, kMaxDepth);
    if (!parsed) {
      const auto& e = parsed.error();
      throw ParseError(source + ":" + std::to_string(line) + ": " + e.message,
                       line_offset + e.offset.value_or(0));
    }
    docs.push_back(mapper.map(*parsed, "line " + std::to_string(line), line, "line"));
  }
  return docs;
}

}  // namespace alith::knowledge::detail
