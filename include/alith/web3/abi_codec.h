#pragma once

// The Solidity ABI's types, values and codec (docs.soliditylang.org, "Contract ABI Specification").
//
// Decoding reads untrusted bytes (RPC answers, calldata, logs): it returns a Result, checks every offset and
// length against the buffer and bounds both recursion and what it allocates, so a small input never makes it
// allocate much more than its own size. It is strict where ethers is lenient: a value whose padding is not
// what the encoder would write (uint8 with high bits, bool 2, address or bytesN padding, an int not properly
// sign-extended) is an error, not silently masked.

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "alith/core/json.h"
#include "alith/web3/address.h"
#include "alith/web3/bytes.h"
#include "alith/web3/u256.h"

namespace alith::web3::abi {

namespace detail {
struct TypeBuilder;
}

// A Solidity ABI type. Immutable value type; parse() is the usual way to get one.
class Type {
 public:
  enum class Kind {
    uint,         // uint8..uint256: bits()
    int_,         // int8..int256: bits()
    address,      //
    boolean,      //
    fixed_bytes,  // bytes1..bytes32: size()
    bytes,        // dynamic bytes
    string,       // dynamic UTF-8 text (not validated: Solidity does not either)
    array,        // T[]: element()
    fixed_array,  // T[k]: element(), size() == k
    tuple,        // (T1,T2,...): components(), component_names()
  };

  // "uint256", "int8", "uint" (= uint256), "address", "bool", "bytes", "bytes32", "string", "uint8[3]",
  // "uint256[2][]", "(address,uint256)[]", "tuple(uint256 a, string b)". Whitespace around tokens is allowed.
  // Rejected: unknown names, uint7/uint264/bytes0/bytes33, T[0], "()" (Solidity has no empty struct or
  // zero-length array), nesting deeper than kMaxDepth, static types larger than kMaxStaticSize bytes.
  // fixedMxN, ufixedMxN and function are an unsupported error (no codec has a value form for them).
  static Result<Type> parse(std::string_view text);
  static Type from_string(std::string_view text);  // throws ParseError

  static constexpr int kMaxDepth = 32;
  static constexpr std::uint64_t kMaxStaticSize = std::uint64_t{1} << 32;

  // Builders; InvalidArgumentError for sizes the ABI does not have (bits not a multiple of 8 in 8..256,
  // N outside 1..32, k == 0, an empty tuple, names not matching components in number).
  static Type uint(unsigned bits = 256);
  static Type int_(unsigned bits = 256);
  static Type address();
  static Type boolean();
  static Type fixed_bytes(unsigned size);
  static Type bytes();
  static Type string();
  static Type array(Type element);
  static Type fixed_array(Type element, std::uint64_t size);
  static Type tuple(std::vector<Type> components, std::vector<std::string> names = {});

  Kind kind() const noexcept { return kind_; }
  unsigned bits() const noexcept { return kind_ == Kind::uint || kind_ == Kind::int_ ? unsigned(size_) : 0; }
  // bytesN: N; T[k]: k; otherwise 0.
  std::uint64_t size() const noexcept { return size_; }
  const Type& element() const;  // arrays only (InvalidArgumentError otherwise)
  const std::vector<Type>& components() const noexcept { return children_; }  // tuples; arrays: {element}
  const std::vector<std::string>& component_names() const noexcept { return names_; }  // "" where unnamed

  // Dynamic types (bytes, string, T[], and anything containing one) are encoded behind an offset.
  bool is_dynamic() const noexcept { return dynamic_; }
  // Bytes the type takes in its enclosing head: 32 when dynamic, else its whole encoding.
  std::uint64_t head_size() const noexcept { return head_size_; }
  // Nesting depth: 1 for elementary types.
  int depth() const noexcept { return depth_; }

  // The form signatures hash: "uint256", "(uint8,string)[3][]".
  std::string canonical() const;
  // With component names, as ethers' "full" format writes it: "(uint256 a, string b)[]".
  std::string full() const;
  // The JSON ABI parameter object {"name", "type", "components"?} (no "indexed").
  Json to_json_param(std::string_view name = {}) const;
  // Reads a JSON ABI parameter ({"type": "tuple[]", "components": [...]}); "internalType" is ignored.
  static Result<Type> from_json_param(const Json& param);

  Type() = default;  // uint256, so containers and aggregates of types need no placeholder

  friend bool operator==(const Type& a, const Type& b) noexcept;  // structural; names included

 private:
  friend struct detail::TypeBuilder;  // checks the limits and derives dynamic_, head_size_, depth_

  Kind kind_ = Kind::uint;
  std::uint64_t size_ = 256;
  std::vector<Type> children_;
  std::vector<std::string> names_;
  bool dynamic_ = false;
  std::uint64_t head_size_ = 32;
  int depth_ = 1;
};

namespace detail {
// A C++ integer as the ABI holds it: negative values in two's complement.
template <std::integral I>
U256 integer_word(I i) noexcept {
  if constexpr (std::is_signed_v<I>) {
    if (i < 0) return -U256(std::uint64_t(0) - std::uint64_t(i));
  }
  return U256(std::uint64_t(i));
}
}  // namespace detail

// A value of some Type. Ints (intN) are held as U256 in two's complement (Value(-5), -U256(5));
// bytesN as Bytes of exactly N bytes; arrays and tuples as a list of values. A default Value is false.
struct Value {
  using List = std::vector<Value>;
  std::variant<bool, U256, Address, Bytes, std::string, List> data;

  Value() : data(false) {}
  // Exactly bool, so that 5 or "text" never become one.
  template <class B>
  requires std::same_as<B, bool> Value(B b) : data(b) {}  // NOLINT: implicit by design, like the others
  template <std::integral I>
  requires(!std::same_as<I, bool>) Value(I i) : data(detail::integer_word(i)) {}  // NOLINT
  Value(U256 v) : data(v) {}                                                      // NOLINT
  Value(Address a) : data(a) {}                                                   // NOLINT
  Value(Bytes b) : data(std::move(b)) {}                                          // NOLINT
  Value(std::string s) : data(std::move(s)) {}                                    // NOLINT
  Value(const char* s) : data(std::string(s)) {}                                  // NOLINT
  Value(List items) : data(std::move(items)) {}                                   // NOLINT
  template <size_t N>
  Value(const FixedBytes<N>& b) : data(Bytes(b.begin(), b.end())) {}  // NOLINT: bytesN from a Hash etc.

  static Value list(List items) { return Value(std::move(items)); }

  bool is_bool() const noexcept { return data.index() == 0; }
  bool is_uint() const noexcept { return data.index() == 1; }
  bool is_address() const noexcept { return data.index() == 2; }
  bool is_bytes() const noexcept { return data.index() == 3; }
  bool is_string() const noexcept { return data.index() == 4; }
  bool is_list() const noexcept { return data.index() == 5; }
  // Accessors: InvalidArgumentError when the value holds something else.
  bool as_bool() const;
  const U256& as_uint() const;  // uintN and intN (two's complement)
  const Address& as_address() const;
  const Bytes& as_bytes() const;
  const std::string& as_string() const;
  const List& as_list() const;
  // Element i of an array or tuple (InvalidArgumentError when out of range).
  const Value& operator[](size_t i) const;

  friend bool operator==(const Value&, const Value&) = default;
};

// Standard ABI encoding of values as the tuple of types (a function's arguments, a return value).
// InvalidArgumentError when the values do not fit the types: wrong count or kind, an integer out of range,
// bytesN of the wrong length, a fixed array of the wrong length.
Bytes encode(const std::vector<Type>& types, const std::vector<Value>& values);
Bytes encode(const Type& type, const Value& value);  // one value, as a one-element tuple

// Decodes data as the tuple of types. Trailing bytes after what the types read are allowed (as Solidity
// and ethers do). A failure is a parse error with the offset where it was found, or too_large when aliased
// offsets would make the result far larger than the data; never throws on data.
Result<std::vector<Value>> decode(const std::vector<Type>& types, ByteView data);
Result<Value> decode(const Type& type, ByteView data);

// Solidity's abi.encodePacked: no padding for elementary types, array elements padded to 32 bytes,
// no offsets or lengths. Tuples (structs), nested arrays and arrays of bytes or string have no packed form:
// InvalidArgumentError.
Bytes encode_packed(const std::vector<Type>& types, const std::vector<Value>& values);

// JSON forms, so agents and the CLI can pass arguments. from_json accepts: integers as JSON integers (or
// numbers that are exact integers, like 1e3) or decimal / 0x-hex strings ("-12" for ints), bools as
// true/false (or those words as strings), addresses as 0x hex (EIP-55 checked when
// mixed-case), bytes as 0x hex (bytesN exactly N bytes), strings as strings, arrays as arrays, tuples as
// arrays or as objects keyed by component name. Errors are schema errors naming the path ("[1].amount").
Result<Value> from_json(const Type& type, const Json& json);
Result<std::vector<Value>> from_json(const std::vector<Type>& types, const Json& json_array);
// uints and ints as decimal strings, addresses checksummed, bytes as 0x hex, arrays as arrays, tuples as
// objects when every component has a distinct name, else arrays. InvalidArgumentError on a mismatch.
Json to_json(const Type& type, const Value& value);
Json to_json(const std::vector<Type>& types, const std::vector<Value>& values);

// keccak256 of a signature string such as "transfer(address,uint256)".
Hash signature_hash(std::string_view signature);

}  // namespace alith::web3::abi
