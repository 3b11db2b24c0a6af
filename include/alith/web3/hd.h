#pragma once

// BIP-32 hierarchical deterministic keys and BIP-44 paths: one seed (mnemonic.h) gives a tree of secp256k1
// keys; an Ethereum wallet's accounts are m/44'/60'/0'/0/i.
//
// Only private derivation is offered (every HDKey holds its private key); xprv/xpub serialization is for
// interoperability checks. Secrets: an HDKey wipes its chain code when destroyed (the key wipes itself) and
// has no printing operator.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "alith/web3/keys.h"
#include "alith/web3/mnemonic.h"

namespace alith::web3 {

inline constexpr std::uint32_t kHardened = 0x80000000u;

// A derivation path: "m/44'/60'/0'/0/5" (absolute, from a master key) or "0/5" (relative to a key).
// Hardened steps are written with ', h or H. Indices are below 2^31 before the hardened bit.
struct DerivationPath {
  bool absolute = true;
  std::vector<std::uint32_t> indices;  // hardened ones have kHardened set

  // Parse errors give the offset and name the bad step (empty, not a number, too large).
  static Result<DerivationPath> parse(std::string_view text);
  std::string to_string() const;  // with ' for hardened steps
};

// "m/44'/60'/0'/0/<index>": the path of an Ethereum account in MetaMask, ethers, Ledger Live.
std::string ethereum_path(std::uint32_t index);

class HDKey {
 public:
  // The master key: HMAC-SHA512("Bitcoin seed", seed). Seeds are 16 to 64 bytes (InvalidArgumentError); a
  // seed whose key is invalid (probability below 2^-127) is CryptoError, as BIP-32 asks.
  static HDKey from_seed(ByteView seed);
  static HDKey from_seed(const Seed& seed) { return from_seed(ByteView(seed.bytes())); }
  // Master key of a BIP-39 phrase and passphrase (errors as mnemonic_to_seed).
  static HDKey from_mnemonic(std::string_view phrase, std::string_view passphrase = {});

  HDKey(const HDKey&) = default;
  HDKey& operator=(const HDKey&) = default;
  ~HDKey();

  // Child index (hardened when index >= kHardened). When the child is invalid (the tweak is not below the
  // curve order or gives zero, probability below 2^-127) BIP-32 says to go on with the next index, so the
  // result's child_number() may be index + 1; past 2^32 - 1 that is CryptoError. Depth is limited to 255.
  HDKey derive_child(std::uint32_t index) const;
  // Each step in turn. An absolute path needs a master key (depth 0): InvalidArgumentError otherwise; a
  // malformed text path is ParseError.
  HDKey derive(const DerivationPath& path) const;
  HDKey derive(std::string_view path) const;

  const PrivateKey& private_key() const noexcept { return key_; }
  Address address() const noexcept { return key_.address(); }
  const FixedBytes<32>& chain_code() const noexcept { return chain_code_; }
  std::uint8_t depth() const noexcept { return depth_; }
  std::uint32_t child_number() const noexcept { return child_number_; }
  std::uint32_t parent_fingerprint() const noexcept { return parent_fingerprint_; }
  // The first 4 bytes of HASH160 of the compressed public key, big-endian.
  std::uint32_t fingerprint() const;

  // Base58Check "xprv..." / "xpub..." (BIP-32 mainnet version bytes). to_xprv reveals the private key.
  std::string to_xprv() const;
  std::string to_xpub() const;

 private:
  HDKey(PrivateKey key, const FixedBytes<32>& chain_code, std::uint8_t depth, std::uint32_t child_number,
        std::uint32_t parent_fingerprint);

  PrivateKey key_;
  FixedBytes<32> chain_code_{};
  std::uint8_t depth_ = 0;
  std::uint32_t child_number_ = 0;
  std::uint32_t parent_fingerprint_ = 0;
};

// The key of Ethereum account index (m/44'/60'/0'/0/index) of a phrase, as MetaMask and ethers derive it.
PrivateKey ethereum_account(std::string_view phrase, std::string_view passphrase = {},
                            std::uint32_t index = 0);
PrivateKey ethereum_account(const HDKey& master, std::uint32_t index);

}  // namespace alith::web3
