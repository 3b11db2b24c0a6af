#include "alith/core/json.h"

#include <simdjson.h>

#include <cstring>
#include <string>
#include <vector>

namespace alith {

namespace {

// Builds the DOM from SAX events so that errors come back as values with their byte offset (no exceptions),
// and nesting is bounded before it can grow the parser's or the destructor's work without limit.
class DomBuilder final : public nlohmann::json_sax<Json> {
 public:
  explicit DomBuilder(size_t max_depth) : max_depth_(max_depth) { stack_.reserve(16); }

  bool null() override { return add(Json(nullptr)); }
  bool boolean(bool v) override { return add(Json(v)); }
  bool number_integer(number_integer_t v) override { return add(Json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return add(Json(v)); }
  bool number_float(number_float_t v, const string_t&) override { return add(Json(v)); }
  bool string(string_t& v) override { return add(Json(std::move(v))); }
  bool binary(binary_t& v) override { return add(Json::binary(std::move(v))); }
  bool start_object(std::size_t) override { return open(Json::object()); }
  bool key(string_t& k) override {
    key_ = std::move(k);
    return true;
  }
  bool end_object() override {
    stack_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override { return open(Json::array()); }
  bool end_array() override {
    stack_.pop_back();
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::json::exception& ex) override {
    std::string message = ex.what();
    // Drop nlohmann's "[json.exception.parse_error.101] " tag: callers want the human part.
    if (const size_t close = message.find("] ");
        !message.empty() && message[0] == '[' && close != std::string::npos)
      message.erase(0, close + 2);
    error_ = make_error(ErrorCode::parse, "invalid JSON: " + message, position > 0 ? position - 1 : 0);
    return false;
  }

  bool too_deep() const noexcept { return too_deep_; }
  std::optional<ErrorInfo>& error() { return error_; }
  Json& root() { return root_; }

 private:
  bool open(Json&& container) {
    if (stack_.size() >= max_depth_) {
      too_deep_ = true;
      return false;
    }
    Json* slot = place(std::move(container));
    stack_.push_back(slot);
    return true;
  }
  bool add(Json&& v) {
    place(std::move(v));
    return true;
  }
  Json* place(Json&& v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    Json& top = *stack_.back();
    if (top.is_array()) {
      auto& arr = top.get_ref<Json::array_t&>();
      arr.push_back(std::move(v));
      return &arr.back();
    }
    Json& slot = top.get_ref<Json::object_t&>()[key_];
    slot = std::move(v);
    return &slot;
  }

  size_t max_depth_;
  Json root_;
  std::vector<Json*> stack_;
  std::string key_;
  bool too_deep_ = false;
  std::optional<ErrorInfo> error_;
};

// Byte offset of the bracket that first exceeds max_depth (only called once the parser has seen it).
size_t depth_offset(std::string_view text, size_t max_depth) {
  size_t depth = 0;
  bool in_string = false, escaped = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > max_depth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return text.size();
}

// The fast path: simdjson validates the text (syntax, UTF-8, escapes) and builds its own tape, which is then
// copied into nlohmann's DOM. Numbers take nlohmann's kinds: non-negative integers are unsigned.
bool convert(simdjson::dom::element element, Json& out, size_t depth, size_t max_depth) {
  using Type = simdjson::dom::element_type;
  switch (element.type()) {
    case Type::ARRAY: {
      if (depth >= max_depth) return false;
      const simdjson::dom::array array = element.get_array().value_unsafe();
      out = Json::array();
      auto& items = out.get_ref<Json::array_t&>();
      items.reserve(array.size());
      for (simdjson::dom::element item : array) {
        if (!convert(item, items.emplace_back(), depth + 1, max_depth)) return false;
      }
      return true;
    }
    case Type::OBJECT: {
      if (depth >= max_depth) return false;
      const simdjson::dom::object object = element.get_object().value_unsafe();
      out = Json::object();
      auto& members = out.get_ref<Json::object_t&>();
      for (simdjson::dom::key_value_pair member : object) {
        // operator[]: a repeated key keeps its last value, as nlohmann's parser does.
        if (!convert(member.value, members[std::string(member.key)], depth + 1, max_depth)) return false;
      }
      return true;
    }
    case Type::INT64: {
      const int64_t n = element.get_int64().value_unsafe();
      out = n >= 0 ? Json(static_cast<uint64_t>(n)) : Json(n);
      return true;
    }
    case Type::UINT64:
      out = element.get_uint64().value_unsafe();
      return true;
    case Type::DOUBLE:
      out = element.get_double().value_unsafe();
      return true;
    case Type::STRING:
      out = std::string(element.get_string().value_unsafe());
      return true;
    case Type::BOOL:
      out = element.get_bool().value_unsafe();
      return true;
    case Type::NULL_VALUE:
      out = nullptr;
      return true;
  }
  return false;
}

// Documents up to this size are parsed by a parser kept per thread, whose buffers are reused (simdjson's
// intended use); a larger one gets its own parser, so no thread keeps a large document's buffers alive.
constexpr size_t kReusedParserBytes = 64 * 1024;

struct ReusedParser {
  simdjson::dom::parser parser;
  std::vector<char> padded;  // the text, followed by the zero padding simdjson reads past the end
};

// Parses text with a parser kept per thread (or its own, for a large document) and hands the root to use,
// which returns false to give up (the caller then asks nlohmann). False when simdjson refuses the text.
template <class Use>
bool parse_fast(std::string_view text, Use&& use) {
  if (text.size() > kReusedParserBytes) {
    simdjson::dom::parser parser;
    const simdjson::padded_string padded(text);
    simdjson::dom::element root;
    return parser.parse(padded.data(), text.size(), false).get(root) == simdjson::SUCCESS && use(root);
  }
  thread_local ReusedParser reused;
  reused.padded.resize(text.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(reused.padded.data(), text.data(), text.size());
  std::memset(reused.padded.data() + text.size(), 0, simdjson::SIMDJSON_PADDING);
  simdjson::dom::element root;
  return reused.parser.parse(reused.padded.data(), text.size(), false).get(root) == simdjson::SUCCESS &&
         use(root);
}

// nlohmann's parser, whose verdict and error offset are the ones returned for whatever simdjson refuses (bad
// text, a byte-order mark, integers past 64 bits, nesting past max_depth).
Result<Json> parse_slow(std::string_view text, size_t max_depth) {
  DomBuilder builder(max_depth);
  const bool ok = Json::sax_parse(text.data(), text.data() + text.size(), &builder);
  if (ok) return std::move(builder.root());
  if (builder.too_deep())
    return make_error(ErrorCode::parse, "invalid JSON: nesting deeper than " + std::to_string(max_depth),
                      depth_offset(text, max_depth));
  if (builder.error()) return std::move(*builder.error());
  return make_error(ErrorCode::parse, "invalid JSON", 0);
}

}  // namespace

Result<Json> parse_json(std::string_view text, size_t max_depth) {
  Json out;
  if (parse_fast(text, [&](simdjson::dom::element root) { return convert(root, out, 0, max_depth); }))
    return out;
  return parse_slow(text, max_depth);
}

Result<std::optional<Json>> parse_json_members(std::string_view text,
                                               const std::function<void(std::string_view, Json&&)>& take,
                                               size_t max_depth) {
  // Nothing is handed over before the whole text has converted, so a fallback never repeats a member. Keys
  // are copied (short ones stay inline): simdjson's own end with the next parse on this thread.
  std::vector<std::pair<std::string, Json>> members;
  std::optional<Json> other;
  const bool fast = parse_fast(text, [&](simdjson::dom::element root) {
    simdjson::dom::object object;
    if (root.get_object().get(object) != simdjson::SUCCESS)
      return convert(root, other.emplace(), 0, max_depth);
    if (max_depth == 0) return false;
    members.reserve(object.size());
    for (simdjson::dom::key_value_pair member : object) {
      auto& slot = members.emplace_back(std::string(member.key), Json()).second;
      if (!convert(member.value, slot, 1, max_depth)) return false;
    }
    return true;
  });
  if (fast) {
    for (auto& [key, value] : members) take(key, std::move(value));
    return other;
  }
  auto json = parse_slow(text, max_depth);
  if (!json) return json.error();
  if (!json->is_object()) return std::optional<Json>(std::move(*json));
  for (auto& [key, value] : json->get_ref<Json::object_t&>()) take(key, std::move(value));
  return std::optional<Json>();
}

std::string dump_json(const Json& value, int indent) {
  return value.dump(indent, ' ', false, Json::error_handler_t::replace);
}

void append_json(std::string& out, const Json& value) {
  // What Json::dump does, with the caller's string as the output (nlohmann offers no public append).
  nlohmann::detail::serializer<Json> writer(nlohmann::detail::output_adapter<char, std::string>(out), ' ',
                                            Json::error_handler_t::replace);
  writer.dump(value, false, false, 0);
}

void append_json_string(std::string& out, std::string_view text) {
  // Printable ASCII and the escapes nlohmann writes are done here; any byte >= 0x80 needs UTF-8 validation
  // and U+FFFD replacement, which is left to nlohmann (one copy of text, off the hot path of ASCII replies).
  static constexpr char kHex[] = "0123456789abcdef";
  const size_t start = out.size();
  out.reserve(start + text.size() + 2);
  out.push_back('"');
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      out.resize(start);
      append_json(out, Json(std::string(text)));
      return;
    }
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.data() + run, i - run);
    run = i + 1;
    out.push_back('\\');
    // Seven bytes have a one-letter escape; the other control bytes are written \u00XX.
    static constexpr std::string_view kEscaped = "\"\\\b\f\n\r\t", kLetters = "\"\\bfnrt";
    if (const size_t k = kEscaped.find(static_cast<char>(c)); k != std::string_view::npos) {
      out.push_back(kLetters[k]);
    } else {
      out += "u00";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  out.append(text.data() + run, text.size() - run);
  out.push_back('"');
}

}  // namespace alith
