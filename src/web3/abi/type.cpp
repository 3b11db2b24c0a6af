// abi::Type: builders with the ABI's limits, the type grammar, and the canonical / full / JSON forms.

#include <charconv>

#include "parser.h"

namespace alith::web3::abi {
namespace detail {

struct TypeBuilder {
  // Fills in the derived fields; an error message when the type breaks a limit.
  static Result<Type> build(Type::Kind kind, std::uint64_t size, std::vector<Type> children = {},
                            std::vector<std::string> names = {}) {
    Type t;
    t.kind_ = kind;
    t.size_ = size;
    t.children_ = std::move(children);
    t.names_ = std::move(names);
    t.dynamic_ = kind == Type::Kind::bytes || kind == Type::Kind::string || kind == Type::Kind::array;
    t.head_size_ = 32;
    t.depth_ = 1;
    if (kind == Type::Kind::tuple) {
      if (t.children_.empty()) return make_error(ErrorCode::parse, "a tuple needs at least one component");
      if (t.names_.empty()) t.names_.resize(t.children_.size());
      if (t.names_.size() != t.children_.size())
        return make_error(ErrorCode::parse, "a tuple needs one name (or \"\") per component");
      std::uint64_t head = 0;
      for (const Type& c : t.children_) {
        t.dynamic_ = t.dynamic_ || c.dynamic_;
        t.depth_ = std::max(t.depth_, c.depth_ + 1);
        head += c.head_size_;  // each is at most kMaxStaticSize, so a sum of many cannot wrap in practice
        if (head > Type::kMaxStaticSize) return make_error(ErrorCode::parse, "static type too large");
      }
      if (!t.dynamic_) t.head_size_ = head;
    } else if (kind == Type::Kind::array || kind == Type::Kind::fixed_array) {
      const Type& e = t.children_.at(0);
      t.depth_ = e.depth_ + 1;
      if (kind == Type::Kind::fixed_array) {
        if (size == 0) return make_error(ErrorCode::parse, "a fixed-size array needs at least one element");
        t.dynamic_ = e.dynamic_;
        if (!t.dynamic_) {
          if (size > Type::kMaxStaticSize / e.head_size_)
            return make_error(ErrorCode::parse, "static type too large");
          t.head_size_ = e.head_size_ * size;
          if (t.head_size_ > Type::kMaxStaticSize)
            return make_error(ErrorCode::parse, "static type too large");
        }
      }
    }
    if (t.depth_ > Type::kMaxDepth)
      return make_error(ErrorCode::parse, "type nested deeper than " + std::to_string(Type::kMaxDepth));
    return t;
  }
};

Result<Type> make_tuple(std::vector<Type> components, std::vector<std::string> names) {
  return TypeBuilder::build(Type::Kind::tuple, 0, std::move(components), std::move(names));
}

Result<Type> make_array(Type element, std::uint64_t fixed_size) {
  std::vector<Type> children;
  children.push_back(std::move(element));
  return TypeBuilder::build(fixed_size ? Type::Kind::fixed_array : Type::Kind::array, fixed_size,
                            std::move(children));
}

std::string_view Cursor::identifier() noexcept {
  skip_space();
  auto start_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
  };
  if (pos_ >= text_.size() || !start_char(text_[pos_])) return {};
  size_t start = pos_;
  while (pos_ < text_.size() && (start_char(text_[pos_]) || (text_[pos_] >= '0' && text_[pos_] <= '9')))
    ++pos_;
  return text_.substr(start, pos_ - start);
}

ErrorInfo Cursor::error(const std::string& what) const {
  return make_error(ErrorCode::parse, what + " at offset " + std::to_string(pos_), pos_);
}

namespace {

bool is_location(std::string_view id) {
  return id == "memory" || id == "calldata" || id == "storage";
}

// "uint" + digits and the like: the digits after prefix, or -1 when there are none (e.g. "uint"), or -2 when
// they are malformed (leading zero, too many).
int suffix_number(std::string_view id, std::string_view prefix) {
  std::string_view digits = id.substr(prefix.size());
  if (digits.empty()) return -1;
  if (digits[0] == '0' || digits.size() > 3) return -2;
  int n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return -2;
    n = n * 10 + (c - '0');
  }
  return n;
}

Result<Type> elementary(std::string_view id) {
  using K = Type::Kind;
  if (id == "address") return TypeBuilder::build(K::address, 0);
  if (id == "bool") return TypeBuilder::build(K::boolean, 0);
  if (id == "string") return TypeBuilder::build(K::string, 0);
  auto integer = [&](std::string_view prefix, K kind) -> Result<Type> {
    int bits = suffix_number(id, prefix);
    if (bits == -1) bits = 256;
    if (bits < 8 || bits > 256 || bits % 8 != 0)
      return make_error(ErrorCode::parse,
                        "invalid integer type " + std::string(id) + " (8..256 bits, multiples of 8)");
    return TypeBuilder::build(kind, unsigned(bits));
  };
  if (id.starts_with("uint")) return integer("uint", K::uint);
  if (id.starts_with("int")) return integer("int", K::int_);
  if (id.starts_with("bytes")) {
    int n = suffix_number(id, "bytes");
    if (n == -1) return TypeBuilder::build(K::bytes, 0);
    if (n < 1 || n > 32)
      return make_error(ErrorCode::parse, "invalid type " + std::string(id) + " (bytes1..bytes32)");
    return TypeBuilder::build(K::fixed_bytes, unsigned(n));
  }
  if (id.starts_with("fixed") || id.starts_with("ufixed") || id == "function")
    return make_error(ErrorCode::unsupported, "ABI type " + std::string(id) + " is not supported");
  return make_error(ErrorCode::parse, "unknown ABI type " + std::string(id));
}

Result<Type> parse_tuple_body(Cursor& in, int depth) {
  // the '(' is consumed
  std::vector<Type> components;
  std::vector<std::string> names;
  if (in.peek() == ')') return in.error("empty tuple");
  for (;;) {
    auto t = parse_type(in, depth + 1);
    if (!t) return t.error();
    components.push_back(std::move(t).value());
    std::string name;
    for (std::string_view id = in.identifier(); !id.empty(); id = in.identifier()) {
      if (is_location(id)) continue;
      if (!name.empty()) return in.error("unexpected word " + std::string(id));
      name = id;
    }
    names.push_back(std::move(name));
    if (in.eat(')')) break;
    if (!in.eat(',')) return in.error("expected ',' or ')' in a tuple");
  }
  auto t = make_tuple(std::move(components), std::move(names));
  if (!t) return in.error(t.error().message);
  return t;
}

}  // namespace

Result<Type> parse_type(Cursor& in, int depth) {
  if (depth > Type::kMaxDepth) return in.error("type nested deeper than " + std::to_string(Type::kMaxDepth));
  Result<Type> base = make_error(ErrorCode::parse, "");
  if (in.eat('(')) {
    base = parse_tuple_body(in, depth);
  } else {
    size_t at = in.offset();
    std::string_view id = in.identifier();
    if (id.empty()) return in.error("expected a type");
    if (id == "tuple") {
      if (!in.eat('(')) return in.error("expected '(' after tuple");
      base = parse_tuple_body(in, depth);
    } else {
      base = elementary(id);
      if (!base) {
        in.set_offset(at);
        ErrorInfo e = in.error(base.error().message);
        e.code = base.error().code;
        return e;
      }
      if (id == "address") {  // "address payable" is an address
        size_t before = in.offset();
        if (in.identifier() != "payable") in.set_offset(before);
      }
    }
  }
  if (!base) return base;
  Type t = std::move(base).value();
  while (in.eat('[')) {
    std::uint64_t k = 0;
    in.skip_space();
    size_t start = in.offset();
    std::string_view rest = in.text().substr(start);
    if (!rest.empty() && rest[0] >= '0' && rest[0] <= '9') {
      auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), k);
      if (ec != std::errc()) return in.error("array size out of range");
      if (rest[0] == '0' && ptr - rest.data() > 1) return in.error("array size with a leading zero");
      in.set_offset(start + size_t(ptr - rest.data()));
      if (k == 0) return in.error("zero-length fixed-size array");
    }
    if (!in.eat(']')) return in.error("expected ']'");
    auto arr = make_array(std::move(t), k);
    if (!arr) return in.error(arr.error().message);
    t = std::move(arr).value();
  }
  return t;
}

Result<std::vector<Param>> parse_params(Cursor& in, bool allow_indexed) {
  if (!in.eat('(')) return in.error("expected '('");
  std::vector<Param> params;
  if (in.eat(')')) return params;
  for (;;) {
    auto t = parse_type(in, 1);
    if (!t) return t.error();
    Param p;
    p.type = std::move(t).value();
    for (std::string_view id = in.identifier(); !id.empty(); id = in.identifier()) {
      if (id == "indexed") {
        if (!allow_indexed) return in.error("'indexed' outside an event");
        if (p.indexed || !p.name.empty()) return in.error("misplaced 'indexed'");
        p.indexed = true;
      } else if (is_location(id)) {
        if (!p.name.empty()) return in.error("misplaced data location");
      } else {
        if (!p.name.empty()) return in.error("unexpected word " + std::string(id));
        p.name = id;
      }
    }
    params.push_back(std::move(p));
    if (in.eat(')')) return params;
    if (!in.eat(',')) return in.error("expected ',' or ')' in a parameter list");
  }
}

std::string join_canonical(const std::vector<Param>& params) {
  std::string out = "(";
  for (size_t i = 0; i < params.size(); ++i) {
    if (i) out += ',';
    out += params[i].type.canonical();
  }
  return out + ")";
}

std::string join_full(const std::vector<Param>& params, bool with_indexed) {
  std::string out = "(";
  for (size_t i = 0; i < params.size(); ++i) {
    if (i) out += ", ";
    out += params[i].type.full();
    if (with_indexed && params[i].indexed) out += " indexed";
    if (!params[i].name.empty()) out += " " + params[i].name;
  }
  return out + ")";
}

}  // namespace detail

using detail::TypeBuilder;

namespace {
Type or_throw(Result<Type> r) {
  if (!r) throw InvalidArgumentError(r.error().message);
  return std::move(r).value();
}
}  // namespace

Result<Type> Type::parse(std::string_view text) {
  if (text.size() > 4096) return make_error(ErrorCode::parse, "type text longer than 4096 characters");
  detail::Cursor in(text);
  auto t = detail::parse_type(in, 1);
  if (!t) return t;
  if (!in.at_end()) return in.error("unexpected text after the type");
  return t;
}

Type Type::from_string(std::string_view text) {
  return parse(text).value();
}

Type Type::uint(unsigned bits) {
  if (bits < 8 || bits > 256 || bits % 8)
    throw InvalidArgumentError("uint bits must be 8..256 in steps of 8");
  return or_throw(TypeBuilder::build(Kind::uint, bits));
}
Type Type::int_(unsigned bits) {
  if (bits < 8 || bits > 256 || bits % 8) throw InvalidArgumentError("int bits must be 8..256 in steps of 8");
  return or_throw(TypeBuilder::build(Kind::int_, bits));
}
Type Type::address() {
  return or_throw(TypeBuilder::build(Kind::address, 0));
}
Type Type::boolean() {
  return or_throw(TypeBuilder::build(Kind::boolean, 0));
}
Type Type::fixed_bytes(unsigned size) {
  if (size < 1 || size > 32) throw InvalidArgumentError("bytesN needs N in 1..32");
  return or_throw(TypeBuilder::build(Kind::fixed_bytes, size));
}
Type Type::bytes() {
  return or_throw(TypeBuilder::build(Kind::bytes, 0));
}
Type Type::string() {
  return or_throw(TypeBuilder::build(Kind::string, 0));
}
Type Type::array(Type element) {
  return or_throw(detail::make_array(std::move(element), 0));
}
Type Type::fixed_array(Type element, std::uint64_t size) {
  if (size == 0) throw InvalidArgumentError("a fixed-size array needs at least one element");
  return or_throw(detail::make_array(std::move(element), size));
}
Type Type::tuple(std::vector<Type> components, std::vector<std::string> names) {
  return or_throw(detail::make_tuple(std::move(components), std::move(names)));
}

const Type& Type::element() const {
  if (kind_ != Kind::array && kind_ != Kind::fixed_array)
    throw InvalidArgumentError("element() of non-array type " + canonical());
  return children_[0];
}

std::string Type::canonical() const {
  switch (kind_) {
    case Kind::uint:
      return "uint" + std::to_string(size_);
    case Kind::int_:
      return "int" + std::to_string(size_);
    case Kind::address:
      return "address";
    case Kind::boolean:
      return "bool";
    case Kind::fixed_bytes:
      return "bytes" + std::to_string(size_);
    case Kind::bytes:
      return "bytes";
    case Kind::string:
      return "string";
    case Kind::array:
      return children_[0].canonical() + "[]";
    case Kind::fixed_array:
      return children_[0].canonical() + "[" + std::to_string(size_) + "]";
    case Kind::tuple: {
      std::string out = "(";
      for (size_t i = 0; i < children_.size(); ++i) {
        if (i) out += ',';
        out += children_[i].canonical();
      }
      return out + ")";
    }
  }
  return {};
}

std::string Type::full() const {
  switch (kind_) {
    case Kind::array:
      return children_[0].full() + "[]";
    case Kind::fixed_array:
      return children_[0].full() + "[" + std::to_string(size_) + "]";
    case Kind::tuple: {
      std::string out = "(";
      for (size_t i = 0; i < children_.size(); ++i) {
        if (i) out += ", ";
        out += children_[i].full();
        if (!names_[i].empty()) out += " " + names_[i];
      }
      return out + ")";
    }
    default:
      return canonical();
  }
}

namespace {

// The innermost non-array type and the array suffixes around it ("[2][]").
std::pair<const Type*, std::string> strip_arrays(const Type& t) {
  const Type* at = &t;
  std::string suffix;
  while (at->kind() == Type::Kind::array || at->kind() == Type::Kind::fixed_array) {
    suffix = (at->kind() == Type::Kind::array ? std::string("[]") : "[" + std::to_string(at->size()) + "]") +
             suffix;
    at = &at->element();
  }
  return {at, suffix};
}

Result<Type> param_from_json(const Json& param, int depth) {
  if (depth > Type::kMaxDepth) return make_error(ErrorCode::parse, "ABI parameter nested too deeply");
  if (!param.is_object()) return make_error(ErrorCode::parse, "an ABI parameter must be an object");
  auto type_it = param.find("type");
  if (type_it == param.end() || !type_it->is_string())
    return make_error(ErrorCode::parse, "an ABI parameter needs a string \"type\"");
  const std::string& text = type_it->get_ref<const std::string&>();
  if (!text.starts_with("tuple") || text.starts_with("tuple(")) {  // "tuple(uint256,bool)" spells itself out
    auto t = Type::parse(text);
    if (!t) return t;
    return t;
  }
  auto comps_it = param.find("components");
  if (comps_it == param.end() || !comps_it->is_array())
    return make_error(ErrorCode::parse, "a tuple parameter needs \"components\"");
  std::vector<Type> components;
  std::vector<std::string> names;
  for (const Json& c : *comps_it) {
    auto t = param_from_json(c, depth + 1);
    if (!t) return t;
    components.push_back(std::move(t).value());
    auto name_it = c.find("name");
    names.push_back(name_it != c.end() && name_it->is_string() ? name_it->get<std::string>() : std::string());
  }
  auto tuple = detail::make_tuple(std::move(components), std::move(names));
  if (!tuple) return tuple;
  // What follows "tuple" may only be array suffixes; parse them on a stand-in element and rebuild.
  std::string_view suffix = std::string_view(text).substr(5);
  Type t = std::move(tuple).value();
  detail::Cursor in(suffix);
  while (in.eat('[')) {
    in.skip_space();
    std::uint64_t k = 0;
    std::string_view rest = suffix.substr(in.offset());
    if (!rest.empty() && rest[0] >= '0' && rest[0] <= '9') {
      auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), k);
      if (ec != std::errc() || k == 0) return make_error(ErrorCode::parse, "bad array size in " + text);
      in.set_offset(in.offset() + size_t(ptr - rest.data()));
    }
    if (!in.eat(']')) return make_error(ErrorCode::parse, "bad array suffix in " + text);
    auto arr = detail::make_array(std::move(t), k);
    if (!arr) return arr;
    t = std::move(arr).value();
  }
  if (!in.at_end()) return make_error(ErrorCode::parse, "bad tuple type " + text);
  return t;
}

}  // namespace

Json Type::to_json_param(std::string_view name) const {
  auto [inner, suffix] = strip_arrays(*this);
  Json out = {{"name", std::string(name)}};
  if (inner->kind() == Kind::tuple) {
    out["type"] = "tuple" + suffix;
    Json comps = Json::array();
    for (size_t i = 0; i < inner->components().size(); ++i)
      comps.push_back(inner->components()[i].to_json_param(inner->component_names()[i]));
    out["components"] = std::move(comps);
  } else {
    out["type"] = canonical();
  }
  return out;
}

Result<Type> Type::from_json_param(const Json& param) {
  return param_from_json(param, 1);
}

bool operator==(const Type& a, const Type& b) noexcept {
  return a.kind_ == b.kind_ && a.size_ == b.size_ && a.children_ == b.children_ && a.names_ == b.names_;
}

}  // namespace alith::web3::abi
