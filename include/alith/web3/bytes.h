#pragma once

// Byte strings and their 0x-prefixed hex form, as Ethereum writes them.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "alith/core/error.h"

namespace alith::web3 {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;
template <size_t N>
using FixedBytes = std::array<std::uint8_t, N>;
// A Keccak-256 digest, a storage slot, a transaction or block hash.
using Hash = FixedBytes<32>;

// Lowercase hex; "0x" first unless prefix is false. An empty input gives "0x".
std::string to_hex(ByteView bytes, bool prefix = true);
template <size_t N>
std::string to_hex(const FixedBytes<N>& bytes, bool prefix = true) {
  return to_hex(ByteView(bytes), prefix);
}

// Hex with or without "0x" (either case); "0x" alone is empty. An odd number of digits or a non-hex
// character is a parse error with its offset.
Result<Bytes> parse_hex(std::string_view text);
// Exactly N bytes (2N digits), else a parse error naming both lengths.
Result<Hash> parse_hash(std::string_view text);
// Throwing forms of the above (ParseError).
Bytes from_hex(std::string_view text);
Hash hash_from_hex(std::string_view text);

inline ByteView as_bytes(std::string_view text) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}
inline Bytes to_bytes(std::string_view text) {
  return Bytes(text.begin(), text.end());
}

// Overwrites memory that held a secret in a way the compiler does not remove (OPENSSL_cleanse).
void wipe(void* data, size_t size) noexcept;

}  // namespace alith::web3
