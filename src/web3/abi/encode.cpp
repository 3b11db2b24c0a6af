// The ABI encoder (standard head/tail, packed, and in-place for event topics) and Value's accessors.

#include <algorithm>

#include "alith/web3/abi.h"
#include "alith/web3/keccak.h"

namespace alith::web3::abi {
namespace {

using K = Type::Kind;

[[noreturn]] void mismatch(const Type& type, const std::string& why) {
  throw InvalidArgumentError("ABI value for " + type.canonical() + ": " + why);
}

// The bytes of a `bytes` or `string` value.
ByteView dynamic_content(const Type& type, const Value& v) {
  if (type.kind() == K::bytes) {
    if (!v.is_bytes()) mismatch(type, "expected bytes");
    return v.as_bytes();
  }
  if (!v.is_string()) mismatch(type, "expected a string");
  return as_bytes(v.as_string());
}

// Runs f; an InvalidArgumentError it throws gets "[index]" in front, so a message names the value's path.
// (The text is only built on failure: encoding large arrays pays nothing for it.)
template <class F>
void at_path(size_t index, F&& f) {
  try {
    f();
  } catch (const InvalidArgumentError& e) {
    throw InvalidArgumentError("[" + std::to_string(index) + "] " + e.what());
  }
}

void append_word(Bytes& out, const FixedBytes<32>& word) {
  out.insert(out.end(), word.begin(), word.end());
}

void append_padded(Bytes& out, ByteView content) {
  out.insert(out.end(), content.begin(), content.end());
  out.resize(out.size() + (32 - content.size() % 32) % 32, 0);
}

// Checks that an integer value fits its type; intN values are two's complement in 256 bits.
void check_integer(const Type& type, const U256& v) {
  const unsigned bits = type.bits();
  if (bits == 256) return;
  if (type.kind() == K::uint) {
    if (v.bit_length() > int(bits)) mismatch(type, "value " + v.to_string() + " does not fit");
  } else {
    const U256 magnitude_bits = v.negative() ? ~v : v;
    if (magnitude_bits.bit_length() > int(bits) - 1)
      mismatch(type, "value " + v.to_signed_string() + " does not fit");
  }
}

const Value::List& list_of(const Type& type, const Value& v) {
  if (!v.is_list()) mismatch(type, "expected a list of values");
  const auto& items = v.as_list();
  if (type.kind() == K::fixed_array && items.size() != type.size())
    mismatch(type,
             "expected " + std::to_string(type.size()) + " elements, got " + std::to_string(items.size()));
  if (type.kind() == K::tuple && items.size() != type.components().size())
    mismatch(type, "expected " + std::to_string(type.components().size()) + " components, got " +
                       std::to_string(items.size()));
  return items;
}

// The 32-byte word of a static elementary value.
FixedBytes<32> word_of(const Type& type, const Value& v) {
  FixedBytes<32> w{};
  switch (type.kind()) {
    case K::uint:
    case K::int_:
      if (!v.is_uint()) mismatch(type, "expected an integer");
      check_integer(type, v.as_uint());
      return v.as_uint().to_be_bytes();
    case K::address:
      if (!v.is_address()) mismatch(type, "expected an address");
      std::copy(v.as_address().bytes.begin(), v.as_address().bytes.end(), w.begin() + 12);
      return w;
    case K::boolean:
      if (!v.is_bool()) mismatch(type, "expected a bool");
      w[31] = v.as_bool() ? 1 : 0;
      return w;
    case K::fixed_bytes: {
      if (!v.is_bytes()) mismatch(type, "expected bytes");
      const Bytes& b = v.as_bytes();
      if (b.size() != type.size())
        mismatch(type, "expected " + std::to_string(type.size()) + " bytes, got " + std::to_string(b.size()));
      std::copy(b.begin(), b.end(), w.begin());
      return w;
    }
    default:
      mismatch(type, "not an elementary static type");
  }
}

void encode_value(const Type& type, const Value& v, Bytes& out);

// Heads then tails of a sequence whose encoding starts at out.size().
template <class TypeAt>
void encode_sequence(size_t n, TypeAt type_at, const Value::List& values, Bytes& out) {
  const size_t start = out.size();
  std::vector<std::pair<size_t, size_t>> slots;  // (index, position of its offset word)
  for (size_t i = 0; i < n; ++i) {
    const Type& t = type_at(i);
    if (t.is_dynamic()) {
      slots.emplace_back(i, out.size());
      out.resize(out.size() + 32, 0);
    } else {
      at_path(i, [&] { encode_value(t, values[i], out); });
    }
  }
  for (const auto& entry : slots) {
    const size_t i = entry.first, slot = entry.second;  // not a structured binding: lambdas capture it
    auto offset = U256(std::uint64_t(out.size() - start)).to_be_bytes();
    std::copy(offset.begin(), offset.end(), out.begin() + std::ptrdiff_t(slot));
    at_path(i, [&] { encode_value(type_at(i), values[i], out); });
  }
}

void encode_value(const Type& type, const Value& v, Bytes& out) {
  switch (type.kind()) {
    case K::bytes:
    case K::string: {
      ByteView content = dynamic_content(type, v);
      append_word(out, U256(std::uint64_t(content.size())).to_be_bytes());
      append_padded(out, content);
      return;
    }
    case K::array: {
      const auto& items = list_of(type, v);
      append_word(out, U256(std::uint64_t(items.size())).to_be_bytes());
      encode_sequence(
          items.size(), [&](size_t) -> const Type& { return type.element(); }, items, out);
      return;
    }
    case K::fixed_array: {
      const auto& items = list_of(type, v);
      encode_sequence(
          items.size(), [&](size_t) -> const Type& { return type.element(); }, items, out);
      return;
    }
    case K::tuple: {
      const auto& items = list_of(type, v);
      encode_sequence(
          items.size(), [&](size_t i) -> const Type& { return type.components()[i]; }, items, out);
      return;
    }
    default:
      append_word(out, word_of(type, v));
  }
}

void encode_packed_value(const Type& type, const Value& v, Bytes& out, bool in_array) {
  switch (type.kind()) {
    case K::uint:
    case K::int_:
    case K::address:
    case K::boolean: {
      auto w = word_of(type, v);
      const size_t width = in_array                    ? 32
                           : type.kind() == K::address ? 20
                           : type.kind() == K::boolean ? 1
                                                       : type.bits() / 8;
      out.insert(out.end(), w.end() - std::ptrdiff_t(width), w.end());
      return;
    }
    case K::fixed_bytes: {
      auto w = word_of(type, v);
      out.insert(out.end(), w.begin(), w.begin() + std::ptrdiff_t(in_array ? 32 : type.size()));
      return;
    }
    case K::bytes:
    case K::string:
      if (in_array) mismatch(type, "encodePacked has no form for dynamic elements in an array");
      if (type.kind() == K::bytes) {
        if (!v.is_bytes()) mismatch(type, "expected bytes");
        out.insert(out.end(), v.as_bytes().begin(), v.as_bytes().end());
      } else {
        if (!v.is_string()) mismatch(type, "expected a string");
        out.insert(out.end(), v.as_string().begin(), v.as_string().end());
      }
      return;
    case K::array:
    case K::fixed_array: {
      if (in_array) mismatch(type, "encodePacked has no form for nested arrays");
      const auto& items = list_of(type, v);
      for (size_t i = 0; i < items.size(); ++i)
        at_path(i, [&] { encode_packed_value(type.element(), items[i], out, true); });
      return;
    }
    case K::tuple:
      mismatch(type, "encodePacked has no form for tuples");
  }
}

// The in-place encoding of an indexed event argument (Solidity docs, "Encoding of indexed event parameters").
void encode_in_place(const Type& type, const Value& v, Bytes& out, bool top) {
  switch (type.kind()) {
    case K::bytes:
    case K::string: {
      ByteView content = dynamic_content(type, v);
      if (top)
        out.insert(out.end(), content.begin(), content.end());
      else
        append_padded(out, content);
      return;
    }
    case K::array:
    case K::fixed_array:
    case K::tuple: {
      const auto& items = list_of(type, v);
      for (size_t i = 0; i < items.size(); ++i) {
        const Type& t = type.kind() == K::tuple ? type.components()[i] : type.element();
        at_path(i, [&] { encode_in_place(t, items[i], out, false); });
      }
      return;
    }
    default:
      append_word(out, word_of(type, v));
  }
}

[[noreturn]] void wrong_kind(const char* wanted) {
  throw InvalidArgumentError(std::string("ABI value is not ") + wanted);
}

}  // namespace

bool Value::as_bool() const {
  if (!is_bool()) wrong_kind("a bool");
  return std::get<bool>(data);
}
const U256& Value::as_uint() const {
  if (!is_uint()) wrong_kind("an integer");
  return std::get<U256>(data);
}
const Address& Value::as_address() const {
  if (!is_address()) wrong_kind("an address");
  return std::get<Address>(data);
}
const Bytes& Value::as_bytes() const {
  if (!is_bytes()) wrong_kind("bytes");
  return std::get<Bytes>(data);
}
const std::string& Value::as_string() const {
  if (!is_string()) wrong_kind("a string");
  return std::get<std::string>(data);
}
const Value::List& Value::as_list() const {
  if (!is_list()) wrong_kind("a list");
  return std::get<List>(data);
}
const Value& Value::operator[](size_t i) const {
  const List& items = as_list();
  if (i >= items.size())
    throw InvalidArgumentError("ABI list index " + std::to_string(i) + " out of range (size " +
                               std::to_string(items.size()) + ")");
  return items[i];
}

Bytes encode(const std::vector<Type>& types, const std::vector<Value>& values) {
  if (types.size() != values.size())
    throw InvalidArgumentError("ABI encode: " + std::to_string(types.size()) + " types but " +
                               std::to_string(values.size()) + " values");
  Bytes out;
  encode_sequence(
      types.size(), [&](size_t i) -> const Type& { return types[i]; }, values, out);
  return out;
}

Bytes encode(const Type& type, const Value& value) {
  return encode(std::vector<Type>{type}, std::vector<Value>{value});
}

Bytes encode_packed(const std::vector<Type>& types, const std::vector<Value>& values) {
  if (types.size() != values.size())
    throw InvalidArgumentError("ABI encodePacked: " + std::to_string(types.size()) + " types but " +
                               std::to_string(values.size()) + " values");
  Bytes out;
  for (size_t i = 0; i < types.size(); ++i)
    at_path(i, [&] { encode_packed_value(types[i], values[i], out, false); });
  return out;
}

Hash encode_topic(const Type& type, const Value& value) {
  const bool hashed = type.is_dynamic() || type.kind() == K::fixed_array || type.kind() == K::tuple;
  if (!hashed) return word_of(type, value);
  Bytes out;
  encode_in_place(type, value, out, true);
  return keccak256(out);
}

Hash signature_hash(std::string_view signature) {
  return keccak256(signature);
}

}  // namespace alith::web3::abi
