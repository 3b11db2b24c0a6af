#include "alith/web3/eip712.h"

#include <cmath>
#include <optional>
#include <set>

#include "alith/web3/keccak.h"
#include "alith/web3/u256.h"

namespace alith::web3 {
namespace {

constexpr std::string_view kDomainType = "EIP712Domain";
constexpr size_t kMaxArrayLength = std::size_t{1} << 32;
constexpr size_t kMaxStructs = 1024;  // bounds the recursion of the checks below

ErrorInfo error_at(std::string_view path, std::string message) {
  return make_error(ErrorCode::parse, std::string(path) + ": " + std::move(message));
}

bool is_identifier(std::string_view s) {
  if (s.empty() || s.size() > 256) return false;
  auto head = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '$'; };
  if (!head(s[0])) return false;
  for (char c : s) {
    if (!head(c) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

enum class Kind { none, invalid, uint, int_, fixed_bytes, address, boolean, string, bytes };
struct Atomic {
  Kind kind = Kind::none;
  int width = 0;  // bits for integers, bytes for bytesN
};

// Digits with no leading zero, at most three of them; -1 otherwise.
int small_number(std::string_view digits) {
  if (digits.empty() || digits.size() > 3 || digits[0] == '0') return -1;
  int value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

// What an atomic type name means; Kind::none for a name that is no atomic type (a struct, perhaps),
// Kind::invalid for one that looks like an integer or bytesN type with a wrong width.
Atomic classify(std::string_view type) {
  if (type == "address") return {Kind::address, 160};
  if (type == "bool") return {Kind::boolean, 0};
  if (type == "string") return {Kind::string, 0};
  if (type == "bytes") return {Kind::bytes, 0};
  if (type == "uint") return {Kind::uint, 256};
  if (type == "int") return {Kind::int_, 256};
  auto numbered = [](std::string_view rest) { return !rest.empty() && rest[0] >= '0' && rest[0] <= '9'; };
  for (auto [prefix, kind] :
       {std::pair{std::string_view("uint"), Kind::uint}, std::pair{std::string_view("int"), Kind::int_}}) {
    if (type.substr(0, prefix.size()) == prefix && numbered(type.substr(prefix.size()))) {
      int bits = small_number(type.substr(prefix.size()));
      if (bits < 8 || bits > 256 || bits % 8 != 0) return {Kind::invalid, 0};
      return {kind, bits};
    }
  }
  if (type.substr(0, 5) == "bytes" && numbered(type.substr(5))) {
    int n = small_number(type.substr(5));
    if (n < 1 || n > 32) return {Kind::invalid, 0};
    return {Kind::fixed_bytes, n};
  }
  return {};
}

// "T[2][]" -> element "T[2]", length none; nullopt when type is not an array.
struct ArrayType {
  std::string_view element;
  std::optional<std::uint64_t> length;
};
std::optional<ArrayType> split_array(std::string_view type) {
  if (type.empty() || type.back() != ']') return std::nullopt;
  size_t open = type.rfind('[');
  if (open == std::string_view::npos) return std::nullopt;
  ArrayType out{type.substr(0, open), std::nullopt};
  std::string_view digits = type.substr(open + 1, type.size() - open - 2);
  if (!digits.empty()) {
    std::uint64_t n = 0;
    for (char c : digits) n = n * 10 + static_cast<std::uint64_t>(c - '0');  // checked by normalize_type
    out.length = n;
  }
  return out;
}

// The base (before any '[') and the array suffix checked; "uint"/"int" widened. Empty on error.
Result<std::string> normalize_type(std::string_view type, std::string_view path) {
  size_t bracket = type.find('[');
  std::string_view base = type.substr(0, bracket);
  std::string_view dims = bracket == std::string_view::npos ? std::string_view() : type.substr(bracket);
  if (base.find(']') != std::string_view::npos) {
    return error_at(path, "malformed array type \"" + std::string(type.substr(0, 80)) + "\"");
  }
  for (size_t i = 0; i < dims.size();) {
    if (dims[i] != '[')
      return error_at(path, "malformed array type \"" + std::string(type.substr(0, 80)) + "\"");
    size_t close = dims.find(']', i);
    if (close == std::string_view::npos)
      return error_at(path, "malformed array type \"" + std::string(type.substr(0, 80)) + "\"");
    std::string_view digits = dims.substr(i + 1, close - i - 1);
    if (digits.size() > 10 || (digits.size() > 1 && digits[0] == '0') ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        (!digits.empty() && std::stoull(std::string(digits)) > kMaxArrayLength)) {
      return error_at(path, "bad array length in \"" + std::string(type.substr(0, 80)) + "\"");
    }
    i = close + 1;
  }
  if (base == "uint") return "uint256" + std::string(dims);
  if (base == "int") return "int256" + std::string(dims);
  return std::string(type);
}

std::string_view base_of(std::string_view type) {
  return type.substr(0, type.find('['));
}

// A JSON integer value as a 256-bit word, range-checked for intN/uintN.
Result<Hash> encode_integer(const Json& v, bool is_signed, int bits, std::string_view path) {
  const std::string type = (is_signed ? "int" : "uint") + std::to_string(bits);
  bool negative = false;
  U256 magnitude;
  if (v.is_number_unsigned()) {
    magnitude = v.get<std::uint64_t>();
  } else if (v.is_number_integer()) {
    std::int64_t x = v.get<std::int64_t>();
    negative = x < 0;
    magnitude = negative ? static_cast<std::uint64_t>(-(x + 1)) + 1 : static_cast<std::uint64_t>(x);
  } else if (v.is_number_float()) {
    double d = v.get<double>();
    if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9007199254740991.0) {
      return error_at(path, "not an integer (write large numbers as strings)");
    }
    negative = d < 0;
    magnitude = static_cast<std::uint64_t>(std::fabs(d));
  } else if (v.is_string()) {
    std::string_view text = v.get_ref<const std::string&>();
    if (!text.empty() && text[0] == '-') {
      negative = true;
      text.remove_prefix(1);
    }
    auto parsed = U256::parse(text);
    if (!parsed) return error_at(path, "not an integer: " + parsed.error().message);
    magnitude = *parsed;
  } else {
    return error_at(path, "expected an integer for " + type);
  }
  if (magnitude.is_zero()) negative = false;
  bool in_range;
  if (!is_signed) {
    in_range = !negative && magnitude.bit_length() <= bits;
  } else if (!negative) {
    in_range = magnitude.bit_length() <= bits - 1;
  } else {
    in_range =
        magnitude.bit_length() <= bits - 1 || magnitude == (U256(1) << static_cast<unsigned>(bits - 1));
  }
  if (!in_range) return error_at(path, "value out of range for " + type);
  return (negative ? -magnitude : magnitude).to_be_bytes();
}

Result<Bytes> hex_value(const Json& v, std::string_view path) {
  if (!v.is_string()) return error_at(path, "expected a hex string");
  auto bytes = parse_hex(v.get_ref<const std::string&>());
  if (!bytes) return error_at(path, bytes.error().message);
  return bytes;
}

Result<Hash> encode_atomic(const Atomic& atomic, const Json& v, std::string_view path) {
  Hash word{};
  switch (atomic.kind) {
    case Kind::uint:
    case Kind::int_:
      return encode_integer(v, atomic.kind == Kind::int_, atomic.width, path);
    case Kind::boolean:
      if (!v.is_boolean()) return error_at(path, "expected true or false");
      word[31] = v.get<bool>() ? 1 : 0;
      return word;
    case Kind::address: {
      if (!v.is_string()) return error_at(path, "expected an address string");
      auto address = Address::parse(v.get_ref<const std::string&>());
      if (!address) return error_at(path, address.error().message);
      std::copy(address->bytes.begin(), address->bytes.end(), word.begin() + 12);
      return word;
    }
    case Kind::fixed_bytes: {
      auto bytes = hex_value(v, path);
      if (!bytes) return bytes.error();
      if (bytes->size() != static_cast<size_t>(atomic.width)) {
        return error_at(path, "expected " + std::to_string(atomic.width) + " bytes for bytes" +
                                  std::to_string(atomic.width) + ", got " + std::to_string(bytes->size()));
      }
      std::copy(bytes->begin(), bytes->end(), word.begin());
      return word;
    }
    case Kind::bytes: {
      auto bytes = hex_value(v, path);
      if (!bytes) return bytes.error();
      return keccak256(ByteView(*bytes));
    }
    case Kind::string:
      if (!v.is_string()) return error_at(path, "expected a string");
      return keccak256(std::string_view(v.get_ref<const std::string&>()));
    case Kind::none:
    case Kind::invalid:
      break;
  }
  return error_at(path, "not an atomic type");
}

}  // namespace

Result<TypedDataTypes> TypedDataTypes::parse(const Json& types) {
  if (!types.is_object()) return error_at("types", "must be an object of struct definitions");
  if (types.size() > kMaxStructs)
    return error_at("types", "more than " + std::to_string(kMaxStructs) + " structs");
  TypedDataTypes out;
  for (auto it = types.begin(); it != types.end(); ++it) {
    const std::string& name = it.key();
    std::string path = "types." + name.substr(0, 80);
    if (!is_identifier(name)) return error_at(path, "a struct name must be an identifier");
    if (classify(name).kind != Kind::none)
      return error_at(path, "a struct may not be named like an atomic type");
    if (!it.value().is_array()) return error_at(path, "must be an array of {name, type}");
    std::vector<TypedDataField> fields;
    std::set<std::string, std::less<>> names;
    for (size_t i = 0; i < it.value().size(); ++i) {
      const Json& f = it.value()[i];
      std::string fpath = path + "[" + std::to_string(i) + "]";
      if (!f.is_object() || !f.contains("name") || !f.contains("type") || !f["name"].is_string() ||
          !f["type"].is_string()) {
        return error_at(fpath, "must be {\"name\": string, \"type\": string}");
      }
      const std::string& field_name = f["name"].get_ref<const std::string&>();
      if (!is_identifier(field_name)) return error_at(fpath, "a field name must be an identifier");
      if (!names.insert(field_name).second) {
        return error_at(fpath, "duplicate field name \"" + field_name + "\"");
      }
      auto type = normalize_type(f["type"].get_ref<const std::string&>(), fpath);
      if (!type) return type.error();
      fields.push_back({field_name, std::move(*type)});
    }
    out.types_.emplace(name, std::move(fields));
  }
  // Every field's base type is atomic or one of these structs.
  for (const auto& [name, fields] : out.types_) {
    for (const auto& field : fields) {
      std::string_view base = base_of(field.type);
      Atomic atomic = classify(base);
      std::string path = "types." + name + "." + field.name;
      if (atomic.kind == Kind::invalid)
        return error_at(path, "invalid width in type \"" + std::string(base) + "\"");
      if (atomic.kind == Kind::none && !out.contains(base)) {
        return error_at(path, "unknown type \"" + std::string(base.substr(0, 80)) + "\"");
      }
    }
  }
  // No cycles: depth-first search with the path on a stack.
  std::map<std::string_view, int> state;  // 1: on the stack, 2: done
  std::vector<std::string_view> stack;
  std::optional<ErrorInfo> cycle;
  auto visit = [&](auto& self, std::string_view name) -> void {
    state[name] = 1;
    stack.push_back(name);
    for (const auto& field : out.types_.find(name)->second) {
      std::string_view base = base_of(field.type);
      if (!out.contains(base) || cycle) continue;
      if (state[base] == 1) {
        std::string chain;
        auto from = std::find(stack.begin(), stack.end(), base);
        for (auto it = from; it != stack.end(); ++it) chain += std::string(*it) + " -> ";
        cycle =
            error_at("types." + std::string(base), "circular type reference: " + chain + std::string(base));
        return;
      }
      if (state[base] == 0) self(self, base);
    }
    stack.pop_back();
    state[name] = 2;
  };
  for (const auto& [name, fields] : out.types_) {
    if (state[name] == 0) visit(visit, name);
    if (cycle) return *cycle;
  }
  // encodeType of each struct: itself, then every struct it reaches, sorted by name.
  for (const auto& [name, fields] : out.types_) {
    std::set<std::string_view> reached;
    std::vector<std::string_view> todo{name};
    while (!todo.empty()) {
      std::string_view current = todo.back();
      todo.pop_back();
      for (const auto& field : out.types_.find(current)->second) {
        std::string_view base = base_of(field.type);
        if (out.contains(base) && base != name && reached.insert(base).second) todo.push_back(base);
      }
    }
    auto one = [&](std::string_view type) {
      std::string s(type);
      s += '(';
      const auto& fs = out.types_.find(type)->second;
      for (size_t i = 0; i < fs.size(); ++i) s += (i ? "," : "") + fs[i].type + " " + fs[i].name;
      return s + ')';
    };
    std::string encoded = one(name);
    for (std::string_view dep : reached) encoded += one(dep);
    out.encoded_.emplace(name, std::move(encoded));
  }
  return out;
}

Result<std::string> TypedDataTypes::encode_type(std::string_view name) const {
  auto it = encoded_.find(name);
  if (it == encoded_.end())
    return error_at("types", "no struct named \"" + std::string(name.substr(0, 80)) + "\"");
  return it->second;
}

Result<Hash> TypedDataTypes::type_hash(std::string_view name) const {
  auto encoded = encode_type(name);
  if (!encoded) return encoded.error();
  return keccak256(std::string_view(*encoded));
}

namespace {

// The 32-byte word a value of type contributes to its parent's encoding.
Result<Hash> encode_word(const TypedDataTypes& types, std::string_view type, const Json& value,
                         const std::string& path) {
  if (auto array = split_array(type)) {
    if (!value.is_array()) return error_at(path, "expected an array for " + std::string(type));
    if (array->length && value.size() != *array->length) {
      return error_at(path, "expected " + std::to_string(*array->length) + " elements, got " +
                                std::to_string(value.size()));
    }
    Keccak256 hasher;
    for (size_t i = 0; i < value.size(); ++i) {
      auto word = encode_word(types, array->element, value[i], path + "[" + std::to_string(i) + "]");
      if (!word) return word.error();
      hasher.update(ByteView(*word));
    }
    return hasher.finish();
  }
  if (types.contains(type)) return types.hash_struct(type, value, path);
  return encode_atomic(classify(type), value, path);
}

}  // namespace

Result<Bytes> TypedDataTypes::encode_data(std::string_view name, const Json& value,
                                          std::string_view path) const {
  auto it = types_.find(name);
  if (it == types_.end())
    return error_at(path, "no struct named \"" + std::string(name.substr(0, 80)) + "\"");
  if (!value.is_object()) return error_at(path, "expected an object for " + std::string(name));
  Bytes out;
  out.reserve(32 * (it->second.size() + 1));
  Hash type = keccak256(std::string_view(encoded_.find(name)->second));
  out.insert(out.end(), type.begin(), type.end());
  for (const auto& field : it->second) {
    std::string field_path = std::string(path) + "." + field.name;
    auto member = value.find(field.name);
    if (member == value.end() || member->is_null()) return error_at(field_path, "missing");
    auto word = encode_word(*this, field.type, *member, field_path);
    if (!word) return word.error();
    out.insert(out.end(), word->begin(), word->end());
  }
  return out;
}

Result<Hash> TypedDataTypes::hash_struct(std::string_view name, const Json& value,
                                         std::string_view path) const {
  auto data = encode_data(name, value, path);
  if (!data) return data.error();
  return keccak256(ByteView(*data));
}

Result<TypedData> TypedData::from_json(const Json& document) {
  if (!document.is_object()) return error_at("typed data", "must be a JSON object");
  for (const char* key : {"types", "domain", "message"}) {
    if (!document.contains(key)) return error_at(key, "missing");
  }
  Json types_json = document["types"];
  const Json& domain = document["domain"];
  if (!domain.is_object()) return error_at("domain", "must be an object");
  if (!types_json.is_object()) return error_at("types", "must be an object of struct definitions");
  if (!types_json.contains(kDomainType)) {
    // Derived as ethers derives it: the standard fields present, in the standard order.
    static constexpr std::pair<std::string_view, std::string_view> kFields[] = {
        {"name", "string"},
        {"version", "string"},
        {"chainId", "uint256"},
        {"verifyingContract", "address"},
        {"salt", "bytes32"}};
    for (auto it = domain.begin(); it != domain.end(); ++it) {
      bool known = std::any_of(std::begin(kFields), std::end(kFields),
                               [&](const auto& f) { return f.first == it.key(); });
      if (!known && !it.value().is_null()) {
        return error_at("domain." + it.key().substr(0, 80),
                        "not a standard EIP-712 domain field (declare EIP712Domain in types to use it)");
      }
    }
    Json fields = Json::array();
    for (const auto& [name, type] : kFields) {
      auto it = domain.find(std::string(name));
      if (it != domain.end() && !it->is_null()) fields.push_back({{"name", name}, {"type", type}});
    }
    types_json[std::string(kDomainType)] = std::move(fields);
  }
  auto types = TypedDataTypes::parse(types_json);
  if (!types) return types.error();

  TypedData out;
  if (document.contains("primaryType")) {
    if (!document["primaryType"].is_string()) return error_at("primaryType", "must be a string");
    out.primary_type_ = document["primaryType"].get<std::string>();
    if (!types->contains(out.primary_type_)) {
      return error_at("primaryType", "no struct named \"" + out.primary_type_.substr(0, 80) + "\" in types");
    }
  } else {
    std::set<std::string_view> referenced;
    for (const auto& [name, fields] : types->structs()) {
      for (const auto& field : fields) referenced.insert(base_of(field.type));
    }
    std::vector<std::string_view> roots;
    for (const auto& [name, fields] : types->structs()) {
      if (name != kDomainType && !referenced.count(name)) roots.push_back(name);
    }
    if (roots.size() != 1) {
      return error_at("primaryType", "missing, and the types do not have exactly one unreferenced struct");
    }
    out.primary_type_ = std::string(roots[0]);
  }
  auto separator = types->hash_struct(kDomainType, domain, "domain");
  if (!separator) return separator.error();
  out.domain_separator_ = *separator;
  Keccak256 digest;
  const std::uint8_t prefix[2] = {0x19, 0x01};
  digest.update(ByteView(prefix, 2)).update(ByteView(out.domain_separator_));
  if (out.primary_type_ != kDomainType) {
    auto message_hash = types->hash_struct(out.primary_type_, document["message"], "message");
    if (!message_hash) return message_hash.error();
    out.message_hash_ = *message_hash;
    digest.update(ByteView(out.message_hash_));
  }
  out.digest_ = digest.finish();
  out.types_ = std::move(*types);
  out.domain_ = domain;
  out.message_ = document["message"];
  return out;
}

Result<TypedData> TypedData::parse(std::string_view json) {
  auto document = parse_json(json, 64);
  if (!document) {
    return make_error(ErrorCode::parse, "typed data is not JSON: " + document.error().message,
                      document.error().offset);
  }
  return from_json(*document);
}

Signature sign_typed_data(const PrivateKey& key, const TypedData& data) {
  return key.sign_hash(data.digest());
}

Result<Address> recover_typed_data_signer(const TypedData& data, const Signature& signature) {
  return recover_address(data.digest(), signature);
}

}  // namespace alith::web3
