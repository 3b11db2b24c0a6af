#pragma once

// Ethereum addresses: the last 20 bytes of keccak256 of an uncompressed public key, written with the EIP-55
// mixed-case checksum.

#include <compare>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>

#include "alith/web3/bytes.h"

namespace alith::web3 {

struct Address {
  FixedBytes<20> bytes{};

  // "0x" + 40 hex digits. All-lowercase or all-uppercase digits are accepted as they are; mixed case must
  // be a valid EIP-55 checksum (a typo in a checksummed address is caught here, not on chain).
  static Result<Address> parse(std::string_view text);
  static Address from_string(std::string_view text);  // throws ParseError
  static Address from_bytes(ByteView twenty);         // InvalidArgumentError unless 20 bytes

  std::string to_checksum() const;  // EIP-55
  std::string to_hex() const { return web3::to_hex(bytes); }
  bool is_zero() const noexcept;

  friend auto operator<=>(const Address&, const Address&) = default;
};

}  // namespace alith::web3

template <>
struct std::hash<alith::web3::Address> {
  size_t operator()(const alith::web3::Address& a) const noexcept {
    size_t h;
    static_assert(sizeof(h) <= 20);
    std::memcpy(&h, a.bytes.data(), sizeof(h));
    return h;
  }
};
