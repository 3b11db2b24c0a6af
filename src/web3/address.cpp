#include "alith/web3/address.h"

#include <algorithm>

#include "alith/web3/keccak.h"

namespace alith::web3 {

Result<Address> Address::parse(std::string_view text) {
  if (text.size() != 42 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) {
    return make_error(ErrorCode::parse, "an address is 0x and 40 hex digits, got " +
                                            std::to_string(text.size()) + " characters");
  }
  auto bytes = parse_hex(text);
  if (!bytes) return bytes.error();
  Address out;
  std::copy(bytes->begin(), bytes->end(), out.bytes.begin());
  std::string_view digits = text.substr(2);
  bool has_lower = std::any_of(digits.begin(), digits.end(), [](char c) { return c >= 'a' && c <= 'f'; });
  bool has_upper = std::any_of(digits.begin(), digits.end(), [](char c) { return c >= 'A' && c <= 'F'; });
  if (has_lower && has_upper && out.to_checksum().substr(2) != digits) {
    return make_error(ErrorCode::parse, "address " + std::string(text) + " has a bad EIP-55 checksum");
  }
  return out;
}

Address Address::from_string(std::string_view text) {
  return parse(text).value();
}

Address Address::from_bytes(ByteView twenty) {
  if (twenty.size() != 20)
    throw InvalidArgumentError("an address is 20 bytes, got " + std::to_string(twenty.size()));
  Address out;
  std::copy(twenty.begin(), twenty.end(), out.bytes.begin());
  return out;
}

std::string Address::to_checksum() const {
  std::string hex = web3::to_hex(bytes, false);
  Hash digest = keccak256(std::string_view(hex));
  // Letter i is upper-cased when nibble i of keccak256(lowercase hex) is 8 or more.
  for (size_t i = 0; i < hex.size(); ++i) {
    std::uint8_t nibble = i % 2 == 0 ? digest[i / 2] >> 4 : digest[i / 2] & 0xf;
    if (hex[i] >= 'a' && nibble >= 8) hex[i] = static_cast<char>(hex[i] - 'a' + 'A');
  }
  return "0x" + hex;
}

bool Address::is_zero() const noexcept {
  return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

}  // namespace alith::web3
