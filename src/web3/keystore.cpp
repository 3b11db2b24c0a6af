#include "alith/web3/keystore.h"

#include <algorithm>
#include <cctype>
#include <limits>

#include "alith/core/json.h"
#include "alith/web3/keccak.h"
#include "web3/wallet_crypto.h"

namespace alith::web3 {
namespace {

constexpr size_t kMaxKeystoreBytes = 1 << 20;  // real files are under 1 KiB; ethers' with a mnemonic ~1.5 KiB
constexpr size_t kMaxSaltBytes = 1024;

ErrorInfo field_error(std::string_view field, std::string message) {
  return make_error(ErrorCode::parse, "keystore " + std::string(field) + ": " + message);
}

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

// The member named name, matched without regard to case as geth (Go's encoding/json) and ethers do; an exact
// match wins. Null when absent or null.
const Json* member(const Json& object, std::string_view name) {
  if (!object.is_object()) return nullptr;
  const Json* found = nullptr;
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (it.key() == name) {
      found = &it.value();
      break;
    }
    if (!found && iequals(it.key(), name)) found = &it.value();
  }
  return found && !found->is_null() ? found : nullptr;
}

Result<const Json*> require(const Json& object, std::string_view name, std::string_view path) {
  const Json* value = member(object, name);
  if (!value) return field_error(path, "missing");
  return value;
}

// A hex string with or without 0x.
Result<Bytes> hex_field(const Json& object, std::string_view name, std::string_view path) {
  auto value = require(object, name, path);
  if (!value) return value.error();
  if (!(*value)->is_string()) return field_error(path, "must be a hex string");
  auto bytes = parse_hex((*value)->get_ref<const std::string&>());
  if (!bytes) return field_error(path, "not hex: " + bytes.error().message);
  return bytes;
}

template <size_t N>
Result<FixedBytes<N>> fixed_hex_field(const Json& object, std::string_view name, std::string_view path) {
  auto bytes = hex_field(object, name, path);
  if (!bytes) return bytes.error();
  if (bytes->size() != N) {
    return field_error(path, "must be " + std::to_string(N) + " bytes, got " + std::to_string(bytes->size()));
  }
  FixedBytes<N> out;
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return out;
}

// A non-negative integer: a JSON number or a string of decimal digits (both occur in the wild).
Result<std::uint64_t> integer_field(const Json& object, std::string_view name, std::string_view path) {
  auto value = require(object, name, path);
  if (!value) return value.error();
  const Json& v = **value;
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer()) return field_error(path, "must not be negative");
  if (v.is_string()) {
    const auto& text = v.get_ref<const std::string&>();
    if (!text.empty() && text.size() <= 19 &&
        std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return std::stoull(text);
    }
  }
  return field_error(path, "must be a non-negative integer");
}

Result<std::uint32_t> u32_field(const Json& object, std::string_view name, std::string_view path) {
  auto value = integer_field(object, name, path);
  if (!value) return value.error();
  if (*value > std::numeric_limits<std::uint32_t>::max()) return field_error(path, "out of range");
  return static_cast<std::uint32_t>(*value);
}

Result<std::string> string_field(const Json& object, std::string_view name, std::string_view path) {
  auto value = require(object, name, path);
  if (!value) return value.error();
  if (!(*value)->is_string()) return field_error(path, "must be a string");
  return (*value)->get<std::string>();
}

Result<void> check_limits(const KdfParams& kdf, const KeystoreLimits& limits) {
  if (const auto* s = std::get_if<ScryptParams>(&kdf)) {
    if (s->n < 2 || (s->n & (s->n - 1)) != 0)
      return field_error("crypto.kdfparams.n", "must be a power of two, at least 2");
    if (s->r == 0) return field_error("crypto.kdfparams.r", "must be at least 1");
    if (s->p == 0) return field_error("crypto.kdfparams.p", "must be at least 1");
    // 128·r·(n + 2 + p) and n·r·p, without overflow: n < 2^64, r and p < 2^32.
    std::uint64_t memory = 0, work = 0;
    bool overflow = __builtin_mul_overflow(std::uint64_t{128} * s->r, s->n + 2 + s->p, &memory) ||
                    s->n + 2 + s->p < s->n || __builtin_mul_overflow(s->n, std::uint64_t{s->r} * s->p, &work);
    if (overflow || memory > limits.max_scrypt_memory) {
      return make_error(ErrorCode::too_large,
                        "keystore scrypt parameters need more memory than the limit of " +
                            std::to_string(limits.max_scrypt_memory) + " bytes");
    }
    if (work > limits.max_scrypt_work) {
      return make_error(ErrorCode::too_large, "keystore scrypt parameters (n·r·p = " + std::to_string(work) +
                                                  ") exceed the work limit of " +
                                                  std::to_string(limits.max_scrypt_work));
    }
  } else {
    const auto& p = std::get<Pbkdf2Params>(kdf);
    if (p.iterations == 0) return field_error("crypto.kdfparams.c", "must be at least 1");
    if (p.iterations > limits.max_pbkdf2_iterations) {
      return make_error(ErrorCode::too_large, "keystore pbkdf2 iteration count " +
                                                  std::to_string(p.iterations) + " exceeds the limit of " +
                                                  std::to_string(limits.max_pbkdf2_iterations));
    }
  }
  return {};
}

Result<KdfParams> parse_kdf(const Json& crypto) {
  auto name = string_field(crypto, "kdf", "crypto.kdf");
  if (!name) return name.error();
  auto params_json = require(crypto, "kdfparams", "crypto.kdfparams");
  if (!params_json) return params_json.error();
  const Json& params = **params_json;
  if (!params.is_object()) return field_error("crypto.kdfparams", "must be an object");
  auto dklen = integer_field(params, "dklen", "crypto.kdfparams.dklen");
  if (!dklen) return dklen.error();
  if (*dklen != 32) return field_error("crypto.kdfparams.dklen", "must be 32, got " + std::to_string(*dklen));
  if (iequals(*name, "scrypt")) {
    ScryptParams s;
    auto n = integer_field(params, "n", "crypto.kdfparams.n");
    if (!n) return n.error();
    auto r = u32_field(params, "r", "crypto.kdfparams.r");
    if (!r) return r.error();
    auto p = u32_field(params, "p", "crypto.kdfparams.p");
    if (!p) return p.error();
    s.n = *n;
    s.r = *r;
    s.p = *p;
    return KdfParams(s);
  }
  if (iequals(*name, "pbkdf2")) {
    Pbkdf2Params p;
    auto prf = string_field(params, "prf", "crypto.kdfparams.prf");
    if (!prf) return prf.error();
    if (iequals(*prf, "hmac-sha256")) {
      p.hash = Pbkdf2Hash::sha256;
    } else if (iequals(*prf, "hmac-sha512")) {
      p.hash = Pbkdf2Hash::sha512;
    } else {
      return make_error(ErrorCode::unsupported, "keystore crypto.kdfparams.prf: unsupported PRF \"" +
                                                    prf->substr(0, 40) + "\" (hmac-sha256 or hmac-sha512)");
    }
    auto c = integer_field(params, "c", "crypto.kdfparams.c");
    if (!c) return c.error();
    p.iterations = *c;
    return KdfParams(p);
  }
  return make_error(ErrorCode::unsupported, "keystore crypto.kdf: unsupported key derivation \"" +
                                                name->substr(0, 40) + "\" (scrypt or pbkdf2)");
}

// The 32-byte key derived from password; wiped by the caller.
FixedBytes<32> derive_key(const KdfParams& kdf, ByteView salt, std::string_view password) {
  FixedBytes<32> key;
  bool ok = false;
  if (const auto* s = std::get_if<ScryptParams>(&kdf)) {
    ok = detail::scrypt(as_bytes(password), salt, s->n, s->r, s->p, key);
  } else {
    const auto& p = std::get<Pbkdf2Params>(kdf);
    ok = detail::pbkdf2(p.hash == Pbkdf2Hash::sha256 ? "SHA256" : "SHA512", as_bytes(password), salt,
                        p.iterations, key);
  }
  if (!ok) {
    wipe(key.data(), key.size());
    throw CryptoError("keystore key derivation failed (out of memory?)");
  }
  return key;
}

Hash compute_mac(const FixedBytes<32>& derived, const FixedBytes<32>& ciphertext) {
  return Keccak256().update(ByteView(derived).subspan(16, 16)).update(ByteView(ciphertext)).finish();
}

FixedBytes<16> low_half(const FixedBytes<32>& derived) {
  FixedBytes<16> out;
  std::copy_n(derived.begin(), 16, out.begin());
  return out;
}

std::string uuid_v4(FixedBytes<16> bytes) {
  bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0f) | 0x40);
  bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3f) | 0x80);
  std::string hex = to_hex(bytes, false);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20);
}

}  // namespace

Result<Keystore> Keystore::parse(std::string_view json, const KeystoreLimits& limits) {
  if (json.size() > kMaxKeystoreBytes) {
    return make_error(ErrorCode::too_large,
                      "keystore larger than " + std::to_string(kMaxKeystoreBytes) + " bytes");
  }
  auto parsed = parse_json(json, 16);
  if (!parsed)
    return make_error(ErrorCode::parse, "keystore is not JSON: " + parsed.error().message,
                      parsed.error().offset);
  const Json& root = *parsed;
  if (!root.is_object()) return field_error("(root)", "must be a JSON object");

  Keystore out;
  const Json* version = member(root, "version");
  if (!version) return field_error("version", "missing");
  bool v3 = (version->is_number_unsigned() && version->get<std::uint64_t>() == 3) ||
            (version->is_string() && version->get_ref<const std::string&>() == "3");
  if (!v3) return make_error(ErrorCode::unsupported, "keystore version: only version 3 is supported");

  if (const Json* id = member(root, "id")) {
    if (!id->is_string()) return field_error("id", "must be a string");
    out.id = id->get<std::string>();
  }
  if (const Json* address = member(root, "address")) {
    if (!address->is_string()) return field_error("address", "must be a string");
    std::string text = address->get<std::string>();
    std::transform(text.begin(), text.end(), text.begin(),
                   [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
    if (!text.empty()) {
      if (text.rfind("0x", 0) != 0) text = "0x" + text;
      auto parsed_address = Address::parse(text);
      if (!parsed_address) return field_error("address", "not an address: " + parsed_address.error().message);
      out.address = *parsed_address;
    }
  }

  auto crypto_json = require(root, "crypto", "crypto");
  if (!crypto_json) return crypto_json.error();
  const Json& crypto = **crypto_json;
  if (!crypto.is_object()) return field_error("crypto", "must be an object");

  auto cipher = string_field(crypto, "cipher", "crypto.cipher");
  if (!cipher) return cipher.error();
  if (!iequals(*cipher, "aes-128-ctr")) {
    return make_error(ErrorCode::unsupported, "keystore crypto.cipher: unsupported cipher \"" +
                                                  cipher->substr(0, 40) + "\" (aes-128-ctr)");
  }
  auto cipherparams = require(crypto, "cipherparams", "crypto.cipherparams");
  if (!cipherparams) return cipherparams.error();
  auto iv = fixed_hex_field<16>(**cipherparams, "iv", "crypto.cipherparams.iv");
  if (!iv) return iv.error();
  out.iv = *iv;
  auto ciphertext = fixed_hex_field<32>(crypto, "ciphertext", "crypto.ciphertext");
  if (!ciphertext) return ciphertext.error();
  out.ciphertext = *ciphertext;
  auto mac = fixed_hex_field<32>(crypto, "mac", "crypto.mac");
  if (!mac) return mac.error();
  out.mac = *mac;

  auto kdf = parse_kdf(crypto);
  if (!kdf) return kdf.error();
  out.kdf = *kdf;
  const Json* kdfparams = member(crypto, "kdfparams");  // present: parse_kdf checked it
  auto salt = hex_field(*kdfparams, "salt", "crypto.kdfparams.salt");
  if (!salt) return salt.error();
  if (salt->size() > kMaxSaltBytes) return field_error("crypto.kdfparams.salt", "longer than 1024 bytes");
  out.salt = std::move(*salt);
  if (auto ok = check_limits(out.kdf, limits); !ok) return ok.error();
  return out;
}

PrivateKey Keystore::decrypt(std::string_view password, const KeystoreLimits& limits) const {
  check_limits(kdf, limits).value();
  if (salt.size() > kMaxSaltBytes) throw TooLargeError("keystore salt longer than 1024 bytes");
  FixedBytes<32> derived = derive_key(kdf, salt, password);
  Hash expected = compute_mac(derived, ciphertext);
  if (!detail::constant_time_equal(expected, mac)) {
    wipe(derived.data(), derived.size());
    throw CryptoError("keystore: wrong password (MAC mismatch)");
  }
  FixedBytes<16> aes_key = low_half(derived);
  wipe(derived.data(), derived.size());
  FixedBytes<32> secret;
  bool ok = detail::aes128_ctr(aes_key, iv, ciphertext, secret);
  wipe(aes_key.data(), aes_key.size());
  if (!ok) {
    wipe(secret.data(), secret.size());
    throw CryptoError("keystore: AES-128-CTR failed");
  }
  auto key = PrivateKey::from_bytes(secret);
  wipe(secret.data(), secret.size());
  if (!key) throw CryptoError("keystore: the decrypted key is not a valid secp256k1 private key");
  if (address && *address != key->address()) {
    throw CryptoError("keystore: the file's address " + address->to_checksum() + " is not its key's address");
  }
  return std::move(key).value();
}

Keystore Keystore::encrypt(const PrivateKey& key, std::string_view password, const KeystoreOptions& options) {
  Keystore out;
  out.kdf = options.kdf;
  KeystoreLimits unbounded{std::numeric_limits<std::uint64_t>::max(),
                           std::numeric_limits<std::uint64_t>::max(),
                           std::numeric_limits<std::uint64_t>::max()};
  if (auto ok = check_limits(out.kdf, unbounded); !ok) throw InvalidArgumentError(ok.error().message);
  if (options.salt) {
    if (options.salt->size() > kMaxSaltBytes)
      throw InvalidArgumentError("keystore salt longer than 1024 bytes");
    out.salt = *options.salt;
  } else {
    out.salt.resize(32);
    detail::random_fill(out.salt);
  }
  if (options.iv) {
    out.iv = *options.iv;
  } else {
    detail::random_fill(out.iv);
  }
  FixedBytes<16> uuid;
  if (options.uuid) {
    uuid = *options.uuid;
  } else {
    detail::random_fill(uuid);
  }
  out.id = uuid_v4(uuid);
  out.address = key.address();

  FixedBytes<32> derived = derive_key(out.kdf, out.salt, password);
  FixedBytes<16> aes_key = low_half(derived);
  bool ok = detail::aes128_ctr(aes_key, out.iv, key.secret_bytes(), out.ciphertext);
  wipe(aes_key.data(), aes_key.size());
  if (!ok) {
    wipe(derived.data(), derived.size());
    throw CryptoError("keystore: AES-128-CTR failed");
  }
  out.mac = compute_mac(derived, out.ciphertext);
  wipe(derived.data(), derived.size());
  return out;
}

std::string Keystore::to_json() const {
  Json kdfparams;
  std::string kdf_name;
  if (const auto* s = std::get_if<ScryptParams>(&kdf)) {
    kdf_name = "scrypt";
    kdfparams = {{"dklen", 32}, {"n", s->n}, {"p", s->p}, {"r", s->r}, {"salt", to_hex(salt, false)}};
  } else {
    const auto& p = std::get<Pbkdf2Params>(kdf);
    kdf_name = "pbkdf2";
    kdfparams = {{"c", p.iterations},
                 {"dklen", 32},
                 {"prf", p.hash == Pbkdf2Hash::sha256 ? "hmac-sha256" : "hmac-sha512"},
                 {"salt", to_hex(salt, false)}};
  }
  Json doc = {{"crypto",
               {{"cipher", "aes-128-ctr"},
                {"cipherparams", {{"iv", to_hex(iv, false)}}},
                {"ciphertext", to_hex(ciphertext, false)},
                {"kdf", kdf_name},
                {"kdfparams", kdfparams},
                {"mac", to_hex(mac, false)}}},
              {"id", id},
              {"version", 3}};
  if (address) doc["address"] = address->to_hex().substr(2);
  return dump_json(doc);
}

PrivateKey decrypt_keystore(std::string_view json, std::string_view password, const KeystoreLimits& limits) {
  return Keystore::parse(json, limits).value().decrypt(password, limits);
}

std::string encrypt_keystore(const PrivateKey& key, std::string_view password,
                             const KeystoreOptions& options) {
  return Keystore::encrypt(key, password, options).to_json();
}

}  // namespace alith::web3
