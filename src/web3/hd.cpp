#include "alith/web3/hd.h"

#include <secp256k1.h>

#include <algorithm>

#include "web3/secp256k1_context.h"
#include "web3/wallet_crypto.h"

namespace alith::web3 {
namespace {

void put_u32(std::uint8_t* out, std::uint32_t value) noexcept {
  out[0] = static_cast<std::uint8_t>(value >> 24);
  out[1] = static_cast<std::uint8_t>(value >> 16);
  out[2] = static_cast<std::uint8_t>(value >> 8);
  out[3] = static_cast<std::uint8_t>(value);
}

std::string base58check(ByteView payload) {
  static constexpr char kAlphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  Bytes data(payload.begin(), payload.end());
  FixedBytes<32> check = detail::sha256(detail::sha256(payload));
  data.insert(data.end(), check.begin(), check.begin() + 4);
  size_t zeros = 0;
  while (zeros < data.size() && data[zeros] == 0) ++zeros;
  std::vector<std::uint8_t> digits;  // base 58, least significant first
  for (std::uint8_t byte : data) {
    int carry = byte;
    for (auto& d : digits) {
      carry += d * 256;
      d = static_cast<std::uint8_t>(carry % 58);
      carry /= 58;
    }
    while (carry > 0) {
      digits.push_back(static_cast<std::uint8_t>(carry % 58));
      carry /= 58;
    }
  }
  std::string out(zeros, '1');
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) out += kAlphabet[*it];
  wipe(data.data(), data.size());
  wipe(digits.data(), digits.size());
  return out;
}

ErrorInfo path_error(std::string message, size_t offset) {
  return make_error(ErrorCode::parse, "derivation path: " + std::move(message), offset);
}

}  // namespace

Result<DerivationPath> DerivationPath::parse(std::string_view text) {
  DerivationPath path;
  size_t at = 0;
  if (!text.empty() && (text[0] == 'm' || text[0] == 'M')) {
    path.absolute = true;
    at = 1;
    if (at == text.size()) return path;
    if (text[at] != '/') return path_error("expected '/' after 'm'", at);
    ++at;
  } else {
    path.absolute = false;
    if (text.empty()) return path_error("empty", 0);
  }
  for (;;) {
    size_t start = at;
    std::uint64_t index = 0;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      index = index * 10 + static_cast<std::uint64_t>(text[at] - '0');
      if (index >= kHardened)
        return path_error("index at offset " + std::to_string(start) + " is not below 2^31", start);
      ++at;
    }
    if (at == start) return path_error("expected an index at offset " + std::to_string(at), at);
    std::uint32_t step = static_cast<std::uint32_t>(index);
    if (at < text.size() && (text[at] == '\'' || text[at] == 'h' || text[at] == 'H')) {
      step |= kHardened;
      ++at;
    }
    path.indices.push_back(step);
    if (at == text.size()) break;
    if (text[at] != '/') return path_error("unexpected character at offset " + std::to_string(at), at);
    ++at;
  }
  if (path.indices.size() > 255) return path_error("deeper than 255 steps", text.size());
  return path;
}

std::string DerivationPath::to_string() const {
  std::string out = absolute ? "m" : "";
  for (std::uint32_t index : indices) {
    if (!out.empty()) out += '/';
    out += std::to_string(index & ~kHardened);
    if (index & kHardened) out += '\'';
  }
  return out;
}

std::string ethereum_path(std::uint32_t index) {
  if (index >= kHardened) throw InvalidArgumentError("account index must be below 2^31");
  return "m/44'/60'/0'/0/" + std::to_string(index);
}

HDKey::HDKey(PrivateKey key, const FixedBytes<32>& chain_code, std::uint8_t depth, std::uint32_t child_number,
             std::uint32_t parent_fingerprint)
    : key_(std::move(key)),
      chain_code_(chain_code),
      depth_(depth),
      child_number_(child_number),
      parent_fingerprint_(parent_fingerprint) {}

HDKey::~HDKey() {
  wipe(chain_code_.data(), chain_code_.size());
}

HDKey HDKey::from_seed(ByteView seed) {
  if (seed.size() < 16 || seed.size() > 64) {
    throw InvalidArgumentError("a BIP-32 seed is 16 to 64 bytes, got " + std::to_string(seed.size()));
  }
  FixedBytes<64> i = detail::hmac_sha512(as_bytes("Bitcoin seed"), seed);
  auto key = PrivateKey::from_bytes(ByteView(i).first(32));
  FixedBytes<32> chain;
  std::copy(i.begin() + 32, i.end(), chain.begin());
  wipe(i.data(), i.size());
  if (!key) {
    wipe(chain.data(), chain.size());
    throw CryptoError("this seed gives an invalid BIP-32 master key; use another seed");
  }
  HDKey out(std::move(key).value(), chain, 0, 0, 0);
  wipe(chain.data(), chain.size());
  return out;
}

HDKey HDKey::from_mnemonic(std::string_view phrase, std::string_view passphrase) {
  return from_seed(mnemonic_to_seed(phrase, passphrase));
}

HDKey HDKey::derive_child(std::uint32_t index) const {
  if (depth_ == 255) throw InvalidArgumentError("BIP-32 keys are at most 255 levels deep");
  const std::uint32_t parent = fingerprint();
  FixedBytes<37> data;
  for (;;) {
    if (index & kHardened) {
      data[0] = 0;
      std::copy(key_.secret_bytes().begin(), key_.secret_bytes().end(), data.begin() + 1);
    } else {
      auto compressed = key_.public_key().compressed();
      std::copy(compressed.begin(), compressed.end(), data.begin());
    }
    put_u32(data.data() + 33, index);
    FixedBytes<64> i = detail::hmac_sha512(chain_code_, data);
    wipe(data.data(), data.size());
    // k_child = IL + k_parent (mod n); fails when IL >= n or the sum is zero.
    FixedBytes<32> child = key_.secret_bytes();
    bool valid = secp256k1_ec_seckey_tweak_add(detail::secp256k1(), child.data(), i.data()) == 1;
    FixedBytes<32> chain;
    std::copy(i.begin() + 32, i.end(), chain.begin());
    wipe(i.data(), i.size());
    if (valid) {
      auto key = PrivateKey::from_bytes(child);
      wipe(child.data(), child.size());
      HDKey out(std::move(key).value(), chain, static_cast<std::uint8_t>(depth_ + 1), index, parent);
      wipe(chain.data(), chain.size());
      return out;
    }
    wipe(child.data(), child.size());
    wipe(chain.data(), chain.size());
    // Hardened and normal indices are separate ranges: skipping must not cross from one to the other.
    if (index == 0xffffffffu || index == kHardened - 1) {
      throw CryptoError("no valid BIP-32 child at or after this index");
    }
    ++index;
  }
}

HDKey HDKey::derive(const DerivationPath& path) const {
  if (path.absolute && depth_ != 0) {
    throw InvalidArgumentError("an absolute path (m/...) derives from a master key, not one at depth " +
                               std::to_string(depth_));
  }
  HDKey key = *this;
  for (std::uint32_t index : path.indices) key = key.derive_child(index);
  return key;
}

HDKey HDKey::derive(std::string_view path) const {
  return derive(DerivationPath::parse(path).value());
}

std::uint32_t HDKey::fingerprint() const {
  auto compressed = key_.public_key().compressed();
  FixedBytes<20> id = detail::ripemd160(detail::sha256(compressed));
  return static_cast<std::uint32_t>(id[0]) << 24 | static_cast<std::uint32_t>(id[1]) << 16 |
         static_cast<std::uint32_t>(id[2]) << 8 | id[3];
}

std::string HDKey::to_xprv() const {
  FixedBytes<78> data;
  put_u32(data.data(), 0x0488ADE4);
  data[4] = depth_;
  put_u32(data.data() + 5, parent_fingerprint_);
  put_u32(data.data() + 9, child_number_);
  std::copy(chain_code_.begin(), chain_code_.end(), data.begin() + 13);
  data[45] = 0;
  std::copy(key_.secret_bytes().begin(), key_.secret_bytes().end(), data.begin() + 46);
  std::string out = base58check(data);
  wipe(data.data(), data.size());
  return out;
}

std::string HDKey::to_xpub() const {
  FixedBytes<78> data;
  put_u32(data.data(), 0x0488B21E);
  data[4] = depth_;
  put_u32(data.data() + 5, parent_fingerprint_);
  put_u32(data.data() + 9, child_number_);
  std::copy(chain_code_.begin(), chain_code_.end(), data.begin() + 13);
  auto compressed = key_.public_key().compressed();
  std::copy(compressed.begin(), compressed.end(), data.begin() + 45);
  return base58check(data);
}

PrivateKey ethereum_account(const HDKey& master, std::uint32_t index) {
  return master.derive(ethereum_path(index)).private_key();
}

PrivateKey ethereum_account(std::string_view phrase, std::string_view passphrase, std::uint32_t index) {
  return ethereum_account(HDKey::from_mnemonic(phrase, passphrase), index);
}

}  // namespace alith::web3
