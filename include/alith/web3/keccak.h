#pragma once

// Keccak-256 as Ethereum uses it: the original Keccak padding (0x01), not FIPS-202 SHA3-256 (0x06), so
// keccak256("") is c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470.

#include <array>
#include <cstdint>
#include <string_view>

#include "alith/web3/bytes.h"

namespace alith::web3 {

Hash keccak256(ByteView data) noexcept;
inline Hash keccak256(std::string_view text) noexcept {
  return keccak256(as_bytes(text));
}

// Incremental hashing for data that arrives in pieces (RLP being written, a file). Not thread-safe.
class Keccak256 {
 public:
  Keccak256& update(ByteView data) noexcept;
  Keccak256& update(std::string_view text) noexcept { return update(as_bytes(text)); }
  // The digest; the hasher is reset and can be reused.
  Hash finish() noexcept;

 private:
  static constexpr size_t kRate = 136;  // bytes absorbed per permutation: (1600 - 2*256) / 8
  std::array<std::uint64_t, 25> state_{};
  std::array<std::uint8_t, kRate> buffer_{};
  size_t buffered_ = 0;
};

}  // namespace alith::web3
