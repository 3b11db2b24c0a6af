#pragma once

// U256: the EVM's 256-bit unsigned word (balances in wei, gas, ABI integers). Arithmetic wraps modulo 2^256
// like the EVM; checked_* report overflow instead. Signed ABI integers (int8..int256) are two's complement in
// this type (from_signed, to_signed_decimal).
//
// Why not Boost.Multiprecision: its cpp_int headers add seconds to every translation unit that sees a
// balance; the EVM needs one fixed width and a handful of operations, which fit in four 64-bit limbs.

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "alith/web3/bytes.h"

namespace alith::web3 {

class U256 {
 public:
  constexpr U256() = default;
  constexpr U256(std::uint64_t value) : limbs_{value, 0, 0, 0} {}  // NOLINT: integers convert implicitly

  static U256 max() noexcept;
  // Decimal digits, or hex with "0x". Underscores are not accepted. Overflow or a bad digit: parse error.
  static Result<U256> parse(std::string_view text);
  static U256 from_string(std::string_view text);  // throws ParseError
  // Big-endian bytes, at most 32 (shorter means leading zeros); more is a parse error.
  static Result<U256> from_be_bytes(ByteView bytes);
  // Two's complement of a negative value (its magnitude as text, e.g. "-5" -> 2^256-5).
  static Result<U256> parse_signed(std::string_view text);

  std::string to_string() const;         // decimal
  std::string to_hex() const;            // "0x" + minimal lowercase hex ("0x0" for zero)
  std::string to_signed_string() const;  // decimal of the two's complement value
  FixedBytes<32> to_be_bytes() const noexcept;
  Bytes to_be_bytes_trimmed() const;  // no leading zero bytes (RLP's integer form); zero is empty

  bool is_zero() const noexcept { return (limbs_[0] | limbs_[1] | limbs_[2] | limbs_[3]) == 0; }
  bool negative() const noexcept { return (limbs_[3] >> 63) != 0; }  // top bit, read as two's complement
  int bit_length() const noexcept;
  bool fits_u64() const noexcept { return (limbs_[1] | limbs_[2] | limbs_[3]) == 0; }
  std::uint64_t low_u64() const noexcept { return limbs_[0]; }
  // The value as uint64_t; InvalidArgumentError when it does not fit.
  std::uint64_t to_u64() const;

  friend U256 operator+(const U256& a, const U256& b) noexcept;
  friend U256 operator-(const U256& a, const U256& b) noexcept;
  friend U256 operator*(const U256& a, const U256& b) noexcept;
  // Division and remainder by zero throw InvalidArgumentError.
  friend U256 operator/(const U256& a, const U256& b);
  friend U256 operator%(const U256& a, const U256& b);
  friend U256 operator&(const U256& a, const U256& b) noexcept;
  friend U256 operator|(const U256& a, const U256& b) noexcept;
  friend U256 operator^(const U256& a, const U256& b) noexcept;
  U256 operator~() const noexcept;
  U256 operator-() const noexcept { return ~*this + U256(1); }
  friend U256 operator<<(const U256& a, unsigned shift) noexcept;
  friend U256 operator>>(const U256& a, unsigned shift) noexcept;
  U256& operator+=(const U256& b) noexcept { return *this = *this + b; }
  U256& operator-=(const U256& b) noexcept { return *this = *this - b; }
  U256& operator*=(const U256& b) noexcept { return *this = *this * b; }

  static std::optional<U256> checked_add(const U256& a, const U256& b) noexcept;
  static std::optional<U256> checked_sub(const U256& a, const U256& b) noexcept;
  static std::optional<U256> checked_mul(const U256& a, const U256& b) noexcept;
  // Quotient and remainder at once.
  static std::pair<U256, U256> divmod(const U256& a, const U256& b);

  friend bool operator==(const U256& a, const U256& b) noexcept = default;
  friend std::strong_ordering operator<=>(const U256& a, const U256& b) noexcept;

 private:
  std::array<std::uint64_t, 4> limbs_{};  // little-endian: limbs_[0] is the lowest
};

// Fixed-point amounts: parse_units("1.5", 18) is 1.5 ether in wei. More fractional digits than decimals, a
// sign or overflow: a parse error. format_units(wei, 18) gives "1.5" (no trailing zeros, at least one digit).
Result<U256> parse_units(std::string_view text, int decimals);
std::string format_units(const U256& value, int decimals);

}  // namespace alith::web3
