#pragma once

// secp256k1 keys and recoverable ECDSA signatures (libsecp256k1). Signatures are deterministic (RFC 6979)
// and low-s (EIP-2); recovery rejects high-s signatures as Ethereum does.
//
// Secrets: a PrivateKey wipes its bytes when destroyed and has no printing or formatting operator; the only
// ways out are secret_bytes() and reveal_hex(), named so that a review finds every use. Thread-safe: all
// functions may be called concurrently.

#include <optional>
#include <string>

#include "alith/web3/address.h"
#include "alith/web3/bytes.h"

namespace alith::web3 {

struct Signature {
  Hash r{};
  Hash s{};
  std::uint8_t y_parity = 0;  // 0 or 1: which of the two points with this r is the public key

  // r ‖ s ‖ v with v = 27 + y_parity (what personal_sign returns).
  FixedBytes<65> to_bytes() const noexcept;
  std::string to_hex() const { return web3::to_hex(to_bytes()); }
  // 65 bytes; v may be 0, 1, 27 or 28. Other lengths or v: a crypto error. High s is accepted here (it is
  // rejected where it matters: recovery and transaction decoding).
  static Result<Signature> from_bytes(ByteView bytes);
  static Result<Signature> parse(std::string_view hex);
  bool is_low_s() const noexcept;

  friend bool operator==(const Signature&, const Signature&) = default;
};

class PublicKey {
 public:
  // 33 (compressed), 65 (uncompressed, 0x04 first) or 64 (x ‖ y) bytes; a point off the curve: crypto error.
  static Result<PublicKey> parse(ByteView bytes);
  FixedBytes<65> uncompressed() const noexcept;  // 0x04 ‖ x ‖ y
  FixedBytes<33> compressed() const noexcept;
  Address address() const noexcept;
  friend bool operator==(const PublicKey&, const PublicKey&) = default;

 private:
  friend class PrivateKey;
  friend Result<PublicKey> recover_public_key(const Hash& digest, const Signature& signature);
  FixedBytes<64> xy_{};
};

class PrivateKey {
 public:
  // A fresh key from the operating system's CSPRNG (OpenSSL RAND_bytes).
  static PrivateKey random();
  // 32 bytes in 1..n-1; anything else is a crypto error (the bytes are not echoed in the message).
  static Result<PrivateKey> from_bytes(ByteView bytes);
  static Result<PrivateKey> parse(std::string_view hex);

  PrivateKey(const PrivateKey& other) = default;
  PrivateKey& operator=(const PrivateKey& other) = default;
  ~PrivateKey();

  const PublicKey& public_key() const noexcept { return public_; }
  Address address() const noexcept { return address_; }
  // Signs a 32-byte digest (not a message: see message.h for EIP-191).
  Signature sign_hash(const Hash& digest) const;

  const FixedBytes<32>& secret_bytes() const noexcept { return secret_; }
  std::string reveal_hex() const { return to_hex(secret_); }

 private:
  explicit PrivateKey(const FixedBytes<32>& secret);
  FixedBytes<32> secret_{};
  PublicKey public_;
  Address address_;
};

// The public key that made signature over digest. High-s, r or s zero or not below n, or no such point:
// a crypto error.
Result<PublicKey> recover_public_key(const Hash& digest, const Signature& signature);
Result<Address> recover_address(const Hash& digest, const Signature& signature);

}  // namespace alith::web3
