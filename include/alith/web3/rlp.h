#pragma once

// RLP (Recursive Length Prefix), Ethereum's serialization of transactions and trie nodes: an item is a byte
// string or a list of items.
//
// Decoding is strict, because two encodings of one value would give one transaction two hashes: the decoder
// accepts only the canonical form (a single byte below 0x80 is itself, the shortest length prefix, no leading
// zeros in a length) and exactly one item with no trailing bytes. It never throws on bad input, never reads
// past the end (64-bit length prefixes included) and stops nesting at max_depth, so untrusted bytes give a
// parse error with the offset where they went wrong.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "alith/web3/bytes.h"
#include "alith/web3/u256.h"

namespace alith::web3 {

class RlpItem {
 public:
  RlpItem() = default;  // the empty byte string
  static RlpItem string(Bytes bytes);
  static RlpItem string(ByteView bytes) { return string(Bytes(bytes.begin(), bytes.end())); }
  static RlpItem list(std::vector<RlpItem> items);
  // An integer as RLP writes it: minimal big-endian bytes, zero as the empty string.
  static RlpItem uint(const U256& value);

  bool is_list() const noexcept { return is_list_; }
  // The byte string (InvalidArgumentError on a list) and the items (InvalidArgumentError on a string).
  const Bytes& bytes() const;
  const std::vector<RlpItem>& list() const;

  // Reads an integer back: a byte string of at most 32 (or 8) bytes without leading zeros. A list, a leading
  // zero or a value too wide is a parse error at offset().
  Result<U256> to_u256() const;
  Result<std::uint64_t> to_u64() const;

  // Where the item started in the input it was decoded from (0 for items built in code); errors about a
  // decoded item's content report it.
  size_t offset() const noexcept { return offset_; }

  // Compares content only, not offsets.
  friend bool operator==(const RlpItem& a, const RlpItem& b);

 private:
  friend class RlpDecoder;
  bool is_list_ = false;
  Bytes bytes_;
  std::vector<RlpItem> items_;
  size_t offset_ = 0;
};

inline constexpr size_t kRlpMaxDepth = 64;

Bytes rlp_encode(const RlpItem& item);
// Exactly one item in canonical form, nested at most max_depth lists deep.
Result<RlpItem> rlp_decode(ByteView data, size_t max_depth = kRlpMaxDepth);

// Building blocks for encoders that write fields directly instead of building items (transactions do).
// The RLP of one byte string.
void rlp_append_string(Bytes& out, ByteView bytes);
// The RLP of an integer (minimal big-endian, zero is empty).
void rlp_append_uint(Bytes& out, const U256& value);
// A list header for a payload of payload_size bytes (the already-encoded items follow it).
void rlp_append_list_header(Bytes& out, size_t payload_size);
// Wraps already-encoded items into a list.
Bytes rlp_wrap_list(ByteView payload);

}  // namespace alith::web3
