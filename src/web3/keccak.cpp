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

// Keccak-f[1600] with the rho and pi steps fused, lanes indexed x + 5y.
void permute(std::array<std::uint64_t, 25>& a) noexcept {
  for (std::uint64_t rc : kRoundConstants) {
    std::uint64_t c[5];
    for (int x = 0; x < 5; ++x) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
    for (int x = 0; x < 5; ++x) {
      std::uint64_t d = c[(x + 4) % 5] ^ std::rotl(c[(x + 1) % 5], 1);
      for (int y = 0; y < 25; y += 5) a[y + x] ^= d;
    }
    // rho and pi: B[y, 2x+3y] = rot(A[x, y], r[x, y]).
    std::uint64_t b[25];
    b[0] = a[0];
    b[10] = std::rotl(a[1], 1);
    b[20] = std::rotl(a[2], 62);
    b[5] = std::rotl(a[3], 28);
    b[15] = std::rotl(a[4], 27);
    b[16] = std::rotl(a[5], 36);
    b[1] = std::rotl(a[6], 44);
    b[11] = std::rotl(a[7], 6);
    b[21] = std::rotl(a[8], 55);
    b[6] = std::rotl(a[9], 20);
    b[7] = std::rotl(a[10], 3);
    b[17] = std::rotl(a[11], 10);
    b[2] = std::rotl(a[12], 43);
    b[12] = std::rotl(a[13], 25);
    b[22] = std::rotl(a[14], 39);
    b[23] = std::rotl(a[15], 41);
    b[8] = std::rotl(a[16], 45);
    b[18] = std::rotl(a[17], 15);
    b[3] = std::rotl(a[18], 21);
    b[13] = std::rotl(a[19], 8);
    b[14] = std::rotl(a[20], 18);
    b[24] = std::rotl(a[21], 2);
    b[9] = std::rotl(a[22], 61);
    b[19] = std::rotl(a[23], 56);
    b[4] = std::rotl(a[24], 14);
    // chi
    for (int y = 0; y < 25; y += 5) {
      for (int x = 0; x < 5; ++x) a[y + x] = b[y + x] ^ (~b[y + (x + 1) % 5] & b[y + (x + 2) % 5]);
    }
    a[0] ^= rc;
  }
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
