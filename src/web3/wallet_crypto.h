#pragma once

// OpenSSL primitives shared by keystores, BIP-39 and BIP-32 (private to src/web3). Each returns false or
// throws CryptoError only when OpenSSL itself fails (allocation, a missing algorithm); none of them logs or
// echoes its inputs, which are passwords and keys.

#include <cstdint>
#include <span>
#include <string_view>

#include "alith/web3/bytes.h"

namespace alith::web3::detail {

// PBKDF2 with HMAC over digest ("SHA256" or "SHA512"); out.size() bytes of key. Without SP 800-132's lower
// bounds, which BIP-39 (8-byte salt) does not meet.
bool pbkdf2(std::string_view digest, ByteView password, ByteView salt, std::uint64_t iterations,
            std::span<std::uint8_t> out);

// scrypt (RFC 7914) for n a power of two >= 2 and r, p >= 1; callers bound the memory (128·r·(n + p) bytes)
// first. Its own ROMix over OpenSSL's PBKDF2: OpenSSL's EVP_KDF "SCRYPT" also enforces RFC 7914's
// n < 2^(16·r), which geth (golang.org/x/crypto/scrypt) does not and the Web3 Secret Storage test vector
// itself (n = 262144, r = 1) breaks; alith reads what geth reads. False when memory cannot be had.
bool scrypt(ByteView password, ByteView salt, std::uint64_t n, std::uint32_t r, std::uint32_t p,
            std::span<std::uint8_t> out);

// AES-128-CTR; encryption and decryption are the same operation. out.size() == in.size().
bool aes128_ctr(const FixedBytes<16>& key, const FixedBytes<16>& iv, ByteView in,
                std::span<std::uint8_t> out);

FixedBytes<64> hmac_sha512(ByteView key, ByteView data);
FixedBytes<32> sha256(ByteView data);
FixedBytes<20> ripemd160(ByteView data);

// Fills out from the OpenSSL CSPRNG; CryptoError when it fails.
void random_fill(std::span<std::uint8_t> out);

// Equal contents, in time that depends only on the length.
bool constant_time_equal(ByteView a, ByteView b) noexcept;

}  // namespace alith::web3::detail
