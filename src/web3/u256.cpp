#include "alith/web3/u256.h"

#include <algorithm>
#include <bit>

namespace alith::web3 {
namespace {

__extension__ using u128 = unsigned __int128;  // GCC and Clang; the extension keeps -Wpedantic quiet

int digit_value(char c, int base) noexcept {
  int v = -1;
  if (c >= '0' && c <= '9')
    v = c - '0';
  else if (c >= 'a' && c <= 'f')
    v = c - 'a' + 10;
  else if (c >= 'A' && c <= 'F')
    v = c - 'A' + 10;
  return v < base ? v : -1;
}

// a = a * small + add; returns false on overflow.
bool mul_add_small(std::array<std::uint64_t, 4>& a, std::uint64_t small, std::uint64_t add) noexcept {
  u128 carry = add;
  for (auto& limb : a) {
    u128 t = static_cast<u128>(limb) * small + carry;
    limb = static_cast<std::uint64_t>(t);
    carry = t >> 64;
  }
  return carry == 0;
}

// a /= small; returns the remainder.
std::uint64_t div_small(std::array<std::uint64_t, 4>& a, std::uint64_t small) noexcept {
  u128 rem = 0;
  for (int i = 3; i >= 0; --i) {
    u128 cur = rem << 64 | a[i];
    a[i] = static_cast<std::uint64_t>(cur / small);
    rem = cur % small;
  }
  return static_cast<std::uint64_t>(rem);
}

}  // namespace

U256 U256::max() noexcept {
  return ~U256(0);
}

Result<U256> U256::parse(std::string_view text) {
  int base = 10;
  size_t start = 0;
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    start = 2;
  }
  if (start == text.size()) return make_error(ErrorCode::parse, "empty number", start);
  U256 out;
  for (size_t i = start; i < text.size(); ++i) {
    int d = digit_value(text[i], base);
    if (d < 0)
      return make_error(ErrorCode::parse, "invalid digit in number at offset " + std::to_string(i), i);
    if (!mul_add_small(out.limbs_, static_cast<std::uint64_t>(base), static_cast<std::uint64_t>(d))) {
      return make_error(ErrorCode::parse, "number does not fit in 256 bits", i);
    }
  }
  return out;
}

U256 U256::from_string(std::string_view text) {
  return parse(text).value();
}

Result<U256> U256::from_be_bytes(ByteView bytes) {
  size_t first = 0;
  while (first < bytes.size() && bytes[first] == 0) ++first;
  if (bytes.size() - first > 32) return make_error(ErrorCode::parse, "integer wider than 256 bits");
  U256 out;
  for (size_t i = first; i < bytes.size(); ++i) {
    size_t bit = (bytes.size() - 1 - i) * 8;
    out.limbs_[bit / 64] |= static_cast<std::uint64_t>(bytes[i]) << (bit % 64);
  }
  return out;
}

Result<U256> U256::parse_signed(std::string_view text) {
  bool neg = !text.empty() && text[0] == '-';
  auto magnitude = parse(neg ? text.substr(1) : text);
  if (!magnitude) return magnitude.error();
  if (!neg) return magnitude;
  // The magnitude of a negative int256 may be at most 2^255.
  if (magnitude->bit_length() > 256 || (magnitude->negative() && *magnitude != (U256(1) << 255))) {
    return make_error(ErrorCode::parse, "negative number below -2^255");
  }
  return -*magnitude;
}

std::string U256::to_string() const {
  if (is_zero()) return "0";
  auto a = limbs_;
  std::string out;
  while ((a[0] | a[1] | a[2] | a[3]) != 0) {
    // Nineteen digits per division by 10^19 (the largest power of ten below 2^64).
    std::uint64_t chunk = div_small(a, 10'000'000'000'000'000'000ULL);
    bool last = (a[0] | a[1] | a[2] | a[3]) == 0;
    for (int i = 0; i < 19 && (!last || chunk != 0); ++i) {
      out += static_cast<char>('0' + chunk % 10);
      chunk /= 10;
    }
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::string U256::to_hex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  if (is_zero()) return "0x0";
  std::string out = "0x";
  bool started = false;
  for (int i = 255; i >= 0; i -= 4) {
    unsigned nibble = (limbs_[i / 64] >> (i % 64 - 3)) & 0xf;
    if (nibble == 0 && !started) continue;
    started = true;
    out += kDigits[nibble];
  }
  return out;
}

std::string U256::to_signed_string() const {
  return negative() ? "-" + (-*this).to_string() : to_string();
}

FixedBytes<32> U256::to_be_bytes() const noexcept {
  FixedBytes<32> out;
  for (int i = 0; i < 32; ++i) out[31 - i] = static_cast<std::uint8_t>(limbs_[i / 8] >> (8 * (i % 8)));
  return out;
}

Bytes U256::to_be_bytes_trimmed() const {
  auto full = to_be_bytes();
  auto first = std::find_if(full.begin(), full.end(), [](std::uint8_t b) { return b != 0; });
  return Bytes(first, full.end());
}

int U256::bit_length() const noexcept {
  for (int i = 3; i >= 0; --i) {
    if (limbs_[i] != 0) return 64 * i + 64 - std::countl_zero(limbs_[i]);
  }
  return 0;
}

std::uint64_t U256::to_u64() const {
  if (!fits_u64()) throw InvalidArgumentError("value " + to_string() + " does not fit in 64 bits");
  return limbs_[0];
}

U256 operator+(const U256& a, const U256& b) noexcept {
  U256 out;
  unsigned char carry = 0;
  for (int i = 0; i < 4; ++i) {
    u128 t = static_cast<u128>(a.limbs_[i]) + b.limbs_[i] + carry;
    out.limbs_[i] = static_cast<std::uint64_t>(t);
    carry = static_cast<unsigned char>(t >> 64);
  }
  return out;
}

U256 operator-(const U256& a, const U256& b) noexcept {
  return a + (~b + U256(1));
}

U256 operator*(const U256& a, const U256& b) noexcept {
  U256 out;
  for (int i = 0; i < 4; ++i) {
    u128 carry = 0;
    for (int j = 0; i + j < 4; ++j) {
      u128 t = static_cast<u128>(a.limbs_[i]) * b.limbs_[j] + out.limbs_[i + j] + carry;
      out.limbs_[i + j] = static_cast<std::uint64_t>(t);
      carry = t >> 64;
    }
  }
  return out;
}

std::pair<U256, U256> U256::divmod(const U256& a, const U256& b) {
  if (b.is_zero()) throw InvalidArgumentError("division by zero");
  if (b.fits_u64()) {
    U256 q = a;
    std::uint64_t r = div_small(q.limbs_, b.limbs_[0]);
    return {q, U256(r)};
  }
  // Schoolbook binary long division; divisors above 2^64 are rare (unit conversion, ABI tests).
  U256 q, r;
  for (int i = a.bit_length() - 1; i >= 0; --i) {
    r = r << 1;
    r.limbs_[0] |= (a.limbs_[i / 64] >> (i % 64)) & 1;
    if (r >= b) {
      r = r - b;
      q.limbs_[i / 64] |= std::uint64_t{1} << (i % 64);
    }
  }
  return {q, r};
}

U256 operator/(const U256& a, const U256& b) {
  return U256::divmod(a, b).first;
}
U256 operator%(const U256& a, const U256& b) {
  return U256::divmod(a, b).second;
}

U256 operator&(const U256& a, const U256& b) noexcept {
  U256 out;
  for (int i = 0; i < 4; ++i) out.limbs_[i] = a.limbs_[i] & b.limbs_[i];
  return out;
}
U256 operator|(const U256& a, const U256& b) noexcept {
  U256 out;
  for (int i = 0; i < 4; ++i) out.limbs_[i] = a.limbs_[i] | b.limbs_[i];
  return out;
}
U256 operator^(const U256& a, const U256& b) noexcept {
  U256 out;
  for (int i = 0; i < 4; ++i) out.limbs_[i] = a.limbs_[i] ^ b.limbs_[i];
  return out;
}
U256 U256::operator~() const noexcept {
  U256 out;
  for (int i = 0; i < 4; ++i) out.limbs_[i] = ~limbs_[i];
  return out;
}

U256 operator<<(const U256& a, unsigned shift) noexcept {
  U256 out;
  if (shift >= 256) return out;
  unsigned limb = shift / 64, bit = shift % 64;
  for (int i = 3; i >= static_cast<int>(limb); --i) {
    out.limbs_[i] = a.limbs_[i - limb] << bit;
    if (bit != 0 && i - static_cast<int>(limb) - 1 >= 0)
      out.limbs_[i] |= a.limbs_[i - limb - 1] >> (64 - bit);
  }
  return out;
}

U256 operator>>(const U256& a, unsigned shift) noexcept {
  U256 out;
  if (shift >= 256) return out;
  unsigned limb = shift / 64, bit = shift % 64;
  for (unsigned i = 0; i + limb < 4; ++i) {
    out.limbs_[i] = a.limbs_[i + limb] >> bit;
    if (bit != 0 && i + limb + 1 < 4) out.limbs_[i] |= a.limbs_[i + limb + 1] << (64 - bit);
  }
  return out;
}

std::optional<U256> U256::checked_add(const U256& a, const U256& b) noexcept {
  U256 sum = a + b;
  if (sum < a) return std::nullopt;
  return sum;
}

std::optional<U256> U256::checked_sub(const U256& a, const U256& b) noexcept {
  if (a < b) return std::nullopt;
  return a - b;
}

std::optional<U256> U256::checked_mul(const U256& a, const U256& b) noexcept {
  if (a.bit_length() + b.bit_length() <= 256) return a * b;
  if (a.is_zero() || b.is_zero()) return U256(0);
  U256 product = a * b;
  if (product / b != a) return std::nullopt;
  return product;
}

std::strong_ordering operator<=>(const U256& a, const U256& b) noexcept {
  for (int i = 3; i >= 0; --i) {
    if (a.limbs_[i] != b.limbs_[i]) return a.limbs_[i] <=> b.limbs_[i];
  }
  return std::strong_ordering::equal;
}

Result<U256> parse_units(std::string_view text, int decimals) {
  if (decimals < 0 || decimals > 77) return make_error(ErrorCode::invalid_argument, "decimals must be 0..77");
  size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (whole.empty() && fraction.empty()) return make_error(ErrorCode::parse, "empty amount");
  if (fraction.size() > static_cast<size_t>(decimals)) {
    return make_error(ErrorCode::parse, "amount \"" + std::string(text) + "\" has more than " +
                                            std::to_string(decimals) + " decimal places");
  }
  std::string digits(whole);
  digits += fraction;
  digits.append(static_cast<size_t>(decimals) - fraction.size(), '0');
  if (digits.empty()) digits = "0";
  for (char c : digits) {
    if (c < '0' || c > '9')
      return make_error(ErrorCode::parse, "amount \"" + std::string(text) + "\" is not a number");
  }
  return U256::parse(digits);
}

std::string format_units(const U256& value, int decimals) {
  std::string digits = value.to_string();
  if (decimals <= 0) return digits;
  auto d = static_cast<size_t>(decimals);
  if (digits.size() <= d) digits.insert(0, d - digits.size() + 1, '0');
  std::string whole = digits.substr(0, digits.size() - d);
  std::string fraction = digits.substr(digits.size() - d);
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  return fraction.empty() ? whole : whole + "." + fraction;
}

}  // namespace alith::web3
