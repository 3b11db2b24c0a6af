#include "alith/web3/keys.h"

#include <openssl/rand.h>
#include <secp256k1_recovery.h>

#include <algorithm>
#include <memory>

#include "alith/web3/keccak.h"
#include "web3/secp256k1_context.h"

namespace alith::web3 {
namespace detail {

const secp256k1_context* secp256k1() {
  struct Deleter {
    void operator()(secp256k1_context* ctx) const noexcept { secp256k1_context_destroy(ctx); }
  };
  static const std::unique_ptr<secp256k1_context, Deleter> context = [] {
    std::unique_ptr<secp256k1_context, Deleter> ctx(secp256k1_context_create(SECP256K1_CONTEXT_NONE));
    FixedBytes<32> seed;
    // Blinding only hardens against side channels: signing is correct without it, so a failure is ignored.
    if (RAND_bytes(seed.data(), static_cast<int>(seed.size())) == 1) {
      [[maybe_unused]] int blinded = secp256k1_context_randomize(ctx.get(), seed.data());
    }
    wipe(seed.data(), seed.size());
    return ctx;
  }();
  return context.get();
}

}  // namespace detail

namespace {

// n / 2, the largest s a canonical (EIP-2) signature may have.
constexpr Hash kHalfOrder = {0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                             0xff, 0xff, 0xff, 0xff, 0xff, 0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4,
                             0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0};

ErrorInfo crypto_error(std::string message) {
  return make_error(ErrorCode::crypto, std::move(message));
}

// x ‖ y of a point, as PublicKey keeps it (the uncompressed form without its 0x04).
FixedBytes<64> point_xy(const secp256k1_pubkey& point) noexcept {
  FixedBytes<65> out;
  size_t len = out.size();
  secp256k1_ec_pubkey_serialize(detail::secp256k1(), out.data(), &len, &point, SECP256K1_EC_UNCOMPRESSED);
  FixedBytes<64> xy;
  std::copy(out.begin() + 1, out.end(), xy.begin());
  return xy;
}

}  // namespace

FixedBytes<65> Signature::to_bytes() const noexcept {
  FixedBytes<65> out;
  std::copy(r.begin(), r.end(), out.begin());
  std::copy(s.begin(), s.end(), out.begin() + 32);
  out[64] = static_cast<std::uint8_t>(27 + y_parity);
  return out;
}

Result<Signature> Signature::from_bytes(ByteView bytes) {
  if (bytes.size() != 65) return crypto_error("a signature is 65 bytes, got " + std::to_string(bytes.size()));
  Signature sig;
  std::copy_n(bytes.begin(), 32, sig.r.begin());
  std::copy_n(bytes.begin() + 32, 32, sig.s.begin());
  std::uint8_t v = bytes[64];
  if (v == 0 || v == 1)
    sig.y_parity = v;
  else if (v == 27 || v == 28)
    sig.y_parity = static_cast<std::uint8_t>(v - 27);
  else
    return crypto_error("signature v must be 0, 1, 27 or 28, got " + std::to_string(v));
  return sig;
}

Result<Signature> Signature::parse(std::string_view hex) {
  auto bytes = parse_hex(hex);
  if (!bytes) return bytes.error();
  return from_bytes(*bytes);
}

bool Signature::is_low_s() const noexcept {
  return !std::lexicographical_compare(kHalfOrder.begin(), kHalfOrder.end(), s.begin(), s.end());
}

Result<PublicKey> PublicKey::parse(ByteView bytes) {
  FixedBytes<65> full;
  ByteView input = bytes;
  if (bytes.size() == 64) {
    full[0] = 0x04;
    std::copy(bytes.begin(), bytes.end(), full.begin() + 1);
    input = full;
  }
  secp256k1_pubkey point;
  if (secp256k1_ec_pubkey_parse(detail::secp256k1(), &point, input.data(), input.size()) != 1) {
    return crypto_error("not a secp256k1 public key (" + std::to_string(bytes.size()) + " bytes)");
  }
  PublicKey key;
  key.xy_ = point_xy(point);
  return key;
}

FixedBytes<65> PublicKey::uncompressed() const noexcept {
  FixedBytes<65> out;
  out[0] = 0x04;
  std::copy(xy_.begin(), xy_.end(), out.begin() + 1);
  return out;
}

FixedBytes<33> PublicKey::compressed() const noexcept {
  FixedBytes<33> out;
  out[0] = static_cast<std::uint8_t>(0x02 | (xy_[63] & 1));
  std::copy_n(xy_.begin(), 32, out.begin() + 1);
  return out;
}

Address PublicKey::address() const noexcept {
  Hash digest = keccak256(ByteView(xy_));
  Address out;
  std::copy(digest.begin() + 12, digest.end(), out.bytes.begin());
  return out;
}

PrivateKey::PrivateKey(const FixedBytes<32>& secret) : secret_(secret) {
  secp256k1_pubkey point;
  // Callers verified the secret, so this cannot fail.
  if (secp256k1_ec_pubkey_create(detail::secp256k1(), &point, secret_.data()) != 1) {
    throw CryptoError("private key out of range");
  }
  public_.xy_ = point_xy(point);
  address_ = public_.address();
}

PrivateKey::~PrivateKey() {
  wipe(secret_.data(), secret_.size());
}

PrivateKey PrivateKey::random() {
  FixedBytes<32> secret;
  for (;;) {
    if (RAND_bytes(secret.data(), static_cast<int>(secret.size())) != 1) {
      throw CryptoError("the system random generator failed");
    }
    if (secp256k1_ec_seckey_verify(detail::secp256k1(), secret.data()) == 1) break;
  }
  PrivateKey key(secret);
  wipe(secret.data(), secret.size());
  return key;
}

Result<PrivateKey> PrivateKey::from_bytes(ByteView bytes) {
  if (bytes.size() != 32)
    return crypto_error("a private key is 32 bytes, got " + std::to_string(bytes.size()));
  FixedBytes<32> secret;
  std::copy(bytes.begin(), bytes.end(), secret.begin());
  if (secp256k1_ec_seckey_verify(detail::secp256k1(), secret.data()) != 1) {
    wipe(secret.data(), secret.size());
    return crypto_error("private key out of range (zero or not below the curve order)");
  }
  PrivateKey key(secret);
  wipe(secret.data(), secret.size());
  return key;
}

Result<PrivateKey> PrivateKey::parse(std::string_view hex) {
  auto bytes = parse_hex(hex);
  // The parse error names only an offset, never the digits.
  if (!bytes) return crypto_error("private key is not hex: " + bytes.error().message);
  auto key = from_bytes(*bytes);
  wipe(bytes->data(), bytes->size());
  return key;
}

Signature PrivateKey::sign_hash(const Hash& digest) const {
  secp256k1_ecdsa_recoverable_signature raw;
  if (secp256k1_ecdsa_sign_recoverable(detail::secp256k1(), &raw, digest.data(), secret_.data(), nullptr,
                                       nullptr) != 1) {
    throw CryptoError("signing failed");
  }
  FixedBytes<64> compact;
  int recid = 0;
  secp256k1_ecdsa_recoverable_signature_serialize_compact(detail::secp256k1(), compact.data(), &recid, &raw);
  Signature sig;
  std::copy_n(compact.begin(), 32, sig.r.begin());
  std::copy_n(compact.begin() + 32, 32, sig.s.begin());
  sig.y_parity = static_cast<std::uint8_t>(recid);
  return sig;
}

Result<PublicKey> recover_public_key(const Hash& digest, const Signature& signature) {
  if (signature.y_parity > 1) return crypto_error("signature y parity must be 0 or 1");
  if (!signature.is_low_s())
    return crypto_error("signature s is in the upper half of the curve order (EIP-2)");
  FixedBytes<64> compact;
  std::copy(signature.r.begin(), signature.r.end(), compact.begin());
  std::copy(signature.s.begin(), signature.s.end(), compact.begin() + 32);
  secp256k1_ecdsa_recoverable_signature raw;
  if (secp256k1_ecdsa_recoverable_signature_parse_compact(detail::secp256k1(), &raw, compact.data(),
                                                          signature.y_parity) != 1) {
    return crypto_error("signature r or s is not below the curve order");
  }
  secp256k1_pubkey point;
  if (secp256k1_ecdsa_recover(detail::secp256k1(), &point, &raw, digest.data()) != 1) {
    return crypto_error("no public key recovers from this signature");
  }
  PublicKey key;
  key.xy_ = point_xy(point);
  return key;
}

Result<Address> recover_address(const Hash& digest, const Signature& signature) {
  auto key = recover_public_key(digest, signature);
  if (!key) return key.error();
  return key->address();
}

}  // namespace alith::web3
