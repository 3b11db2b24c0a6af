#include "alith/web3/bytes.h"

#include <openssl/crypto.h>

namespace alith::web3 {
namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view strip_prefix(std::string_view text, size_t& offset) noexcept {
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    offset = 2;
    return text.substr(2);
  }
  offset = 0;
  return text;
}

}  // namespace

std::string to_hex(ByteView bytes, bool prefix) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2 + 2);
  if (prefix) out += "0x";
  for (std::uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0xf];
  }
  return out;
}

Result<Bytes> parse_hex(std::string_view text) {
  size_t offset = 0;
  std::string_view digits = strip_prefix(text, offset);
  if (digits.size() % 2 != 0) {
    return make_error(ErrorCode::parse,
                      "hex string has an odd number of digits (" + std::to_string(digits.size()) + ")",
                      text.size());
  }
  Bytes out(digits.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = hex_value(digits[2 * i]);
    int lo = hex_value(digits[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      size_t at = offset + 2 * i + (hi < 0 ? 0 : 1);
      return make_error(ErrorCode::parse, "not a hex digit at offset " + std::to_string(at), at);
    }
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return out;
}

Result<Hash> parse_hash(std::string_view text) {
  auto bytes = parse_hex(text);
  if (!bytes) return bytes.error();
  if (bytes->size() != 32) {
    return make_error(ErrorCode::parse, "expected 32 bytes of hex, got " + std::to_string(bytes->size()));
  }
  Hash out;
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return out;
}

Bytes from_hex(std::string_view text) {
  return parse_hex(text).value();
}
Hash hash_from_hex(std::string_view text) {
  return parse_hash(text).value();
}

void wipe(void* data, size_t size) noexcept {
  OPENSSL_cleanse(data, size);
}

}  // namespace alith::web3
