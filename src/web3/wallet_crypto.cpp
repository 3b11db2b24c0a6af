#include "web3/wallet_crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace alith::web3::detail {
namespace {

struct KdfDeleter {
  void operator()(EVP_KDF* kdf) const noexcept { EVP_KDF_free(kdf); }
  void operator()(EVP_KDF_CTX* ctx) const noexcept { EVP_KDF_CTX_free(ctx); }
};

bool derive(const char* algorithm, OSSL_PARAM* params, std::span<std::uint8_t> out) {
  std::unique_ptr<EVP_KDF, KdfDeleter> kdf(EVP_KDF_fetch(nullptr, algorithm, nullptr));
  if (!kdf) return false;
  std::unique_ptr<EVP_KDF_CTX, KdfDeleter> ctx(EVP_KDF_CTX_new(kdf.get()));
  if (!ctx) return false;
  return EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) == 1;
}

// OSSL_PARAM wants non-const pointers even for inputs it only reads.
void* mutable_data(ByteView bytes) {
  static const std::uint8_t kEmpty[1] = {0};  // a valid address for zero-length inputs; OpenSSL only reads it
  return const_cast<std::uint8_t*>(bytes.empty() ? kEmpty : bytes.data());
}

}  // namespace

bool pbkdf2(std::string_view digest, ByteView password, ByteView salt, std::uint64_t iterations,
            std::span<std::uint8_t> out) {
  std::string digest_name(digest);
  int pkcs5 = 1;  // 1 turns off the SP 800-132 minimums (salt >= 16 bytes, >= 1000 iterations)
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, mutable_data(password), password.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, mutable_data(salt), salt.size()),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_ITER, &iterations),
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest_name.data(), 0),
      OSSL_PARAM_construct_int(OSSL_KDF_PARAM_PKCS5, &pkcs5),
      OSSL_PARAM_construct_end(),
  };
  return derive("PBKDF2", params, out);
}

namespace {

std::uint32_t rotl(std::uint32_t x, int n) noexcept {
  return (x << n) | (x >> (32 - n));
}

// Salsa20/8 core over one 64-byte block, in place (RFC 7914 section 3).
void salsa20_8(std::uint32_t b[16]) noexcept {
  std::uint32_t x[16];
  std::memcpy(x, b, sizeof(x));
  for (int i = 0; i < 8; i += 2) {
    x[4] ^= rotl(x[0] + x[12], 7), x[8] ^= rotl(x[4] + x[0], 9);
    x[12] ^= rotl(x[8] + x[4], 13), x[0] ^= rotl(x[12] + x[8], 18);
    x[9] ^= rotl(x[5] + x[1], 7), x[13] ^= rotl(x[9] + x[5], 9);
    x[1] ^= rotl(x[13] + x[9], 13), x[5] ^= rotl(x[1] + x[13], 18);
    x[14] ^= rotl(x[10] + x[6], 7), x[2] ^= rotl(x[14] + x[10], 9);
    x[6] ^= rotl(x[2] + x[14], 13), x[10] ^= rotl(x[6] + x[2], 18);
    x[3] ^= rotl(x[15] + x[11], 7), x[7] ^= rotl(x[3] + x[15], 9);
    x[11] ^= rotl(x[7] + x[3], 13), x[15] ^= rotl(x[11] + x[7], 18);
    x[1] ^= rotl(x[0] + x[3], 7), x[2] ^= rotl(x[1] + x[0], 9);
    x[3] ^= rotl(x[2] + x[1], 13), x[0] ^= rotl(x[3] + x[2], 18);
    x[6] ^= rotl(x[5] + x[4], 7), x[7] ^= rotl(x[6] + x[5], 9);
    x[4] ^= rotl(x[7] + x[6], 13), x[5] ^= rotl(x[4] + x[7], 18);
    x[11] ^= rotl(x[10] + x[9], 7), x[8] ^= rotl(x[11] + x[10], 9);
    x[9] ^= rotl(x[8] + x[11], 13), x[10] ^= rotl(x[9] + x[8], 18);
    x[12] ^= rotl(x[15] + x[14], 7), x[13] ^= rotl(x[12] + x[15], 9);
    x[14] ^= rotl(x[13] + x[12], 13), x[15] ^= rotl(x[14] + x[13], 18);
  }
  for (int i = 0; i < 16; ++i) b[i] += x[i];
}

// scryptBlockMix: in has 2r 64-byte blocks (32r words); out receives the even blocks, then the odd ones.
void block_mix(const std::uint32_t* in, std::uint32_t* out, std::uint32_t r) noexcept {
  std::uint32_t x[16];
  std::memcpy(x, in + (2 * r - 1) * 16, sizeof(x));
  for (std::uint32_t i = 0; i < 2 * r; ++i) {
    for (int k = 0; k < 16; ++k) x[k] ^= in[i * 16 + k];
    salsa20_8(x);
    std::memcpy(out + ((i & 1) * r + i / 2) * 16, x, sizeof(x));
  }
}

// scryptROMix on one 128r-byte block b (little-endian words), using v (32r·n words) and xy (64r words).
void ro_mix(std::uint8_t* b, std::uint32_t r, std::uint64_t n, std::uint32_t* v, std::uint32_t* xy) noexcept {
  const size_t words = 32 * static_cast<size_t>(r);
  std::uint32_t* x = xy;
  std::uint32_t* y = xy + words;
  for (size_t k = 0; k < words; ++k) {
    x[k] = static_cast<std::uint32_t>(b[4 * k]) | static_cast<std::uint32_t>(b[4 * k + 1]) << 8 |
           static_cast<std::uint32_t>(b[4 * k + 2]) << 16 | static_cast<std::uint32_t>(b[4 * k + 3]) << 24;
  }
  for (std::uint64_t i = 0; i < n; ++i) {
    std::memcpy(v + i * words, x, words * 4);
    block_mix(x, y, r);
    std::swap(x, y);
  }
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::uint32_t* last = x + (2 * r - 1) * 16;  // Integerify: the last block's first 64 bits, mod n
    std::uint64_t j = (static_cast<std::uint64_t>(last[1]) << 32 | last[0]) & (n - 1);
    const std::uint32_t* vj = v + j * words;
    for (size_t k = 0; k < words; ++k) x[k] ^= vj[k];
    block_mix(x, y, r);
    std::swap(x, y);
  }
  for (size_t k = 0; k < words; ++k) {
    for (int byte = 0; byte < 4; ++byte) b[4 * k + byte] = static_cast<std::uint8_t>(x[k] >> (8 * byte));
  }
}

}  // namespace

// B, V and XY are wiped afterwards; the 64-byte stack temporaries of Salsa20/8 are not (wiping each of the
// millions of blocks would cost a quarter of the time).
bool scrypt(ByteView password, ByteView salt, std::uint64_t n, std::uint32_t r, std::uint32_t p,
            std::span<std::uint8_t> out) {
  if (n < 2 || (n & (n - 1)) != 0 || r == 0 || p == 0) return false;
  const std::uint64_t block = 128 * static_cast<std::uint64_t>(r);
  if (n > SIZE_MAX / block || p > SIZE_MAX / block) return false;
  std::vector<std::uint8_t> b;
  std::vector<std::uint32_t> v;
  std::vector<std::uint32_t> xy;
  try {
    b.resize(static_cast<size_t>(block * p));
    v.resize(static_cast<size_t>(block / 4 * n));
    xy.resize(static_cast<size_t>(block / 2));
  } catch (const std::exception&) {  // bad_alloc, or length_error beyond max_size()
    return false;
  }
  bool ok = pbkdf2("SHA256", password, salt, 1, b);
  if (ok) {
    for (std::uint32_t i = 0; i < p; ++i) ro_mix(b.data() + i * block, r, n, v.data(), xy.data());
    ok = pbkdf2("SHA256", password, b, 1, out);
  }
  wipe(b.data(), b.size());
  wipe(v.data(), v.size() * 4);
  wipe(xy.data(), xy.size() * 4);
  return ok;
}

bool aes128_ctr(const FixedBytes<16>& key, const FixedBytes<16>& iv, ByteView in,
                std::span<std::uint8_t> out) {
  struct Deleter {
    void operator()(EVP_CIPHER_CTX* ctx) const noexcept { EVP_CIPHER_CTX_free(ctx); }
  };
  if (out.size() != in.size()) return false;
  std::unique_ptr<EVP_CIPHER_CTX, Deleter> ctx(EVP_CIPHER_CTX_new());
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_ctr(), nullptr, key.data(), iv.data()) != 1)
    return false;
  int written = 0;
  if (!in.empty() &&
      EVP_EncryptUpdate(ctx.get(), out.data(), &written, in.data(), static_cast<int>(in.size())) != 1) {
    return false;
  }
  int tail = 0;
  return EVP_EncryptFinal_ex(ctx.get(), out.data() + written, &tail) == 1 &&
         static_cast<size_t>(written + tail) == in.size();
}

FixedBytes<64> hmac_sha512(ByteView key, ByteView data) {
  FixedBytes<64> out;
  unsigned int len = 0;
  if (HMAC(EVP_sha512(), key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(),
           &len) == nullptr ||
      len != out.size()) {
    throw CryptoError("HMAC-SHA512 failed");
  }
  return out;
}

FixedBytes<32> sha256(ByteView data) {
  FixedBytes<32> out;
  SHA256(data.data(), data.size(), out.data());
  return out;
}

FixedBytes<20> ripemd160(ByteView data) {
  FixedBytes<20> out;
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_ripemd160(), nullptr) != 1 ||
      len != out.size()) {
    throw CryptoError("RIPEMD-160 is not available in this OpenSSL");
  }
  return out;
}

void random_fill(std::span<std::uint8_t> out) {
  if (!out.empty() && RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    throw CryptoError("the system random generator failed");
  }
}

bool constant_time_equal(ByteView a, ByteView b) noexcept {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace alith::web3::detail
