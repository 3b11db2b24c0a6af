#include "alith/web3/keccak.h"

#include <bit>
#include <cstring>

namespace alith::web3 {
namespace {

constexpr std::array<std::uint64_t, 24> kRoundConstants = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL};

// Keccak-f[1600], lanes indexed x + 5y. Written out lane by lane: with the loops of the textbook form GCC
// keeps the state in memory and the permutation runs about three times slower.
void permute(std::array<std::uint64_t, 25>& s) noexcept {
  std::uint64_t a0 = s[0], a1 = s[1], a2 = s[2], a3 = s[3], a4 = s[4], a5 = s[5], a6 = s[6], a7 = s[7],
                a8 = s[8], a9 = s[9], a10 = s[10], a11 = s[11], a12 = s[12], a13 = s[13], a14 = s[14],
                a15 = s[15], a16 = s[16], a17 = s[17], a18 = s[18], a19 = s[19], a20 = s[20], a21 = s[21],
                a22 = s[22], a23 = s[23], a24 = s[24];
  for (std::uint64_t rc : kRoundConstants) {
    // theta
    const std::uint64_t c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20, c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21,
                        c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22, c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23,
                        c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24;
    const std::uint64_t d0 = c4 ^ std::rotl(c1, 1), d1 = c0 ^ std::rotl(c2, 1), d2 = c1 ^ std::rotl(c3, 1),
                        d3 = c2 ^ std::rotl(c4, 1), d4 = c3 ^ std::rotl(c0, 1);
    // rho and pi: B[y, 2x+3y] = rot(A[x, y] ^ D[x], r[x, y]).
    const std::uint64_t b0 = a0 ^ d0, b10 = std::rotl(a1 ^ d1, 1), b20 = std::rotl(a2 ^ d2, 62),
                        b5 = std::rotl(a3 ^ d3, 28), b15 = std::rotl(a4 ^ d4, 27),
                        b16 = std::rotl(a5 ^ d0, 36), b1 = std::rotl(a6 ^ d1, 44),
                        b11 = std::rotl(a7 ^ d2, 6), b21 = std::rotl(a8 ^ d3, 55),
                        b6 = std::rotl(a9 ^ d4, 20), b7 = std::rotl(a10 ^ d0, 3),
                        b17 = std::rotl(a11 ^ d1, 10), b2 = std::rotl(a12 ^ d2, 43),
                        b12 = std::rotl(a13 ^ d3, 25), b22 = std::rotl(a14 ^ d4, 39),
                        b23 = std::rotl(a15 ^ d0, 41), b8 = std::rotl(a16 ^ d1, 45),
                        b18 = std::rotl(a17 ^ d2, 15), b3 = std::rotl(a18 ^ d3, 21),
                        b13 = std::rotl(a19 ^ d4, 8), b14 = std::rotl(a20 ^ d0, 18),
                        b24 = std::rotl(a21 ^ d1, 2), b9 = std::rotl(a22 ^ d2, 61),
                        b19 = std::rotl(a23 ^ d3, 56), b4 = std::rotl(a24 ^ d4, 14);
    // chi, then iota
    a0 = b0 ^ (~b1 & b2) ^ rc;
    a1 = b1 ^ (~b2 & b3);
    a2 = b2 ^ (~b3 & b4);
    a3 = b3 ^ (~b4 & b0);
    a4 = b4 ^ (~b0 & b1);
    a5 = b5 ^ (~b6 & b7);
    a6 = b6 ^ (~b7 & b8);
    a7 = b7 ^ (~b8 & b9);
    a8 = b8 ^ (~b9 & b5);
    a9 = b9 ^ (~b5 & b6);
    a10 = b10 ^ (~b11 & b12);
    a11 = b11 ^ (~b12 & b13);
    a12 = b12 ^ (~b13 & b14);
    a13 = b13 ^ (~b14 & b10);
    a14 = b14 ^ (~b10 & b11);
    a15 = b15 ^ (~b16 & b17);
    a16 = b16 ^ (~b17 & b18);
    a17 = b17 ^ (~b18 & b19);
    a18 = b18 ^ (~b19 & b15);
    a19 = b19 ^ (~b15 & b16);
    a20 = b20 ^ (~b21 & b22);
    a21 = b21 ^ (~b22 & b23);
    a22 = b22 ^ (~b23 & b24);
    a23 = b23 ^ (~b24 & b20);
    a24 = b24 ^ (~b20 & b21);
  }
  s = {a0,  a1,  a2,  a3,  a4,  a5,  a6,  a7,  a8,  a9,  a10, a11, a12,
       a13, a14, a15, a16, a17, a18, a19, a20, a21, a22, a23, a24};
}

// Lanes are little-endian 64-bit words of the byte stream.
void absorb_block(std::array<std::uint64_t, 25>& state, const std::uint8_t* block, size_t rate) noexcept {
  for (size_t i = 0; i < rate / 8; ++i) {
    std::uint64_t lane;
    std::memcpy(&lane, block + 8 * i, 8);
    if constexpr (std::endian::native == std::endian::big) lane = __builtin_bswap64(lane);
    state[i] ^= lane;
  }
  permute(state);
}

}  // namespace

Keccak256& Keccak256::update(ByteView data) noexcept {
  if (data.empty()) return *this;  // an empty span may carry a null pointer, which memcpy must not see
  const std::uint8_t* p = data.data();
  size_t n = data.size();
  if (buffered_ > 0) {
    size_t take = std::min(n, kRate - buffered_);
    std::memcpy(buffer_.data() + buffered_, p, take);
    buffered_ += take;
    p += take;
    n -= take;
    if (buffered_ < kRate) return *this;
    absorb_block(state_, buffer_.data(), kRate);
    buffered_ = 0;
  }
  for (; n >= kRate; p += kRate, n -= kRate) absorb_block(state_, p, kRate);
  if (n > 0) std::memcpy(buffer_.data(), p, n);
  buffered_ = n;
  return *this;
}

Hash Keccak256::finish() noexcept {
  std::memset(buffer_.data() + buffered_, 0, kRate - buffered_);
  buffer_[buffered_] ^= 0x01;  // Keccak's pad10*1, not SHA-3's 0x06 domain byte
  buffer_[kRate - 1] ^= 0x80;
  absorb_block(state_, buffer_.data(), kRate);
  Hash out;
  for (size_t i = 0; i < 4; ++i) {
    std::uint64_t lane = state_[i];
    if constexpr (std::endian::native == std::endian::big) lane = __builtin_bswap64(lane);
    std::memcpy(out.data() + 8 * i, &lane, 8);
  }
  state_ = {};
  buffered_ = 0;
  return out;
}

Hash keccak256(ByteView data) noexcept {
  return Keccak256().update(data).finish();
}

}  // namespace alith::web3
