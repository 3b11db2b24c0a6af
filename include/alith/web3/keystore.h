#pragma once

// Web3 Secret Storage v3: the JSON keystore files geth, ethers, MetaMask and Foundry write. A key is
// encrypted with AES-128-CTR under the first 16 bytes of a key derived from the password (scrypt or
// PBKDF2-HMAC-SHA256); the MAC keccak256(derived[16..32] ‖ ciphertext) tells a wrong password from a right
// one before anything is decrypted.
//
// Reading is lenient where the writers differ (keys in any case, so "Crypto" or "crypto"; the address with or
// without 0x, or absent; hex with or without 0x) and strict about everything that is checked: version 3,
// aes-128-ctr, a 16-byte iv, a 32-byte ciphertext, dklen 32. KDF parameters come from the file, so they are
// bounded (KeystoreLimits) before any memory is allocated: a file cannot make a reader allocate gigabytes or
// spin for minutes. Like geth, and unlike OpenSSL's scrypt and ethers v6, alith does not impose RFC 7914's
// n < 2^(16·r), which the specification's own scrypt test vector (n = 262144, r = 1) exceeds.
//
// The password is used as the UTF-8 bytes given, as geth does. ethers normalizes string passwords to NFKC
// first; the two agree on every password already in NFKC, which includes all ASCII.
//
// Secrets: derived keys and decrypted bytes are wiped after use; no error message contains the password, the
// key or derived material.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "alith/web3/keys.h"

namespace alith::web3 {

// scrypt's cost: n (a power of two, at least 2) sets memory and time, r the block size, p the parallelism.
// The defaults are ethers' and MetaMask's (128 MiB, about a second); geth's "standard" n is 262144.
struct ScryptParams {
  std::uint64_t n = 131072;
  std::uint32_t r = 8;
  std::uint32_t p = 1;
};

enum class Pbkdf2Hash { sha256, sha512 };

// PBKDF2-HMAC. geth's pbkdf2 keystores use c = 262144 with SHA-256; ethers also reads SHA-512.
struct Pbkdf2Params {
  std::uint64_t iterations = 262144;
  Pbkdf2Hash hash = Pbkdf2Hash::sha256;
};

using KdfParams = std::variant<ScryptParams, Pbkdf2Params>;

// Upper bounds on the work a keystore may ask for. The defaults admit every setting real wallets write
// (geth's standard scrypt needs 256 MiB) with room to spare.
struct KeystoreLimits {
  std::uint64_t max_scrypt_memory = std::uint64_t{1} << 30;  // bytes scrypt allocates: 128·r·(n + 2 + p)
  std::uint64_t max_scrypt_work = std::uint64_t{1} << 24;    // n·r·p, proportional to scrypt's time
  std::uint64_t max_pbkdf2_iterations = 10'000'000;
};

// What to encrypt with. salt, iv and uuid are fresh random bytes unless set (tests set them to reproduce a
// file); a salt is 32 bytes by default.
struct KeystoreOptions {
  KdfParams kdf = ScryptParams{};
  std::optional<Bytes> salt;
  std::optional<FixedBytes<16>> iv;
  std::optional<FixedBytes<16>> uuid;  // the random bytes of the version-4 id
};

// A parsed keystore: every field checked, nothing decrypted yet.
struct Keystore {
  std::optional<Address> address;  // as the file states it (unverified until decrypt)
  std::string id;                  // the file's id (a UUID) as written; may be empty
  KdfParams kdf;
  Bytes salt;
  FixedBytes<16> iv{};
  FixedBytes<32> ciphertext{};
  Hash mac{};

  // Parse errors name the field ("crypto.kdfparams.n: ..."); an unknown cipher, KDF or PRF is unsupported;
  // parameters beyond limits are too_large. Never throws on bad input.
  static Result<Keystore> parse(std::string_view json, const KeystoreLimits& limits = {});

  // The private key. CryptoError "wrong password" when the MAC does not match; CryptoError when the file's
  // address is not the key's. Parameters are checked against limits again (a Keystore may be built by hand).
  PrivateKey decrypt(std::string_view password, const KeystoreLimits& limits = {}) const;

  // Encrypts key. Invalid KDF parameters (n not a power of two, r or p zero, ...) are InvalidArgumentError.
  static Keystore encrypt(const PrivateKey& key, std::string_view password,
                          const KeystoreOptions& options = {});

  // The v3 JSON as geth writes it: lowercase "crypto", the address as 40 lowercase hex digits, hex without
  // 0x.
  std::string to_json() const;
};

// Parse and decrypt in one step; throws the typed error of either.
PrivateKey decrypt_keystore(std::string_view json, std::string_view password,
                            const KeystoreLimits& limits = {});
// Encrypt and serialize in one step.
std::string encrypt_keystore(const PrivateKey& key, std::string_view password,
                             const KeystoreOptions& options = {});

}  // namespace alith::web3
